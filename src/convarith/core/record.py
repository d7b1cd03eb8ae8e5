"""Frozen records for the arithmetic core, without importing :mod:`dataclasses`.

``convarith shape`` must start within a few times a bare ``python -c pass``;
importing :mod:`dataclasses` (which imports :mod:`inspect`) and generating
methods with ``exec`` cost more than the rest of the command.  :class:`Record`
gives the same thing for the core's small value types: fields from the class
annotations, defaults from class attributes, keyword or positional
construction, immutability, equality, hashing and a readable repr.  Type
checkers see it as a frozen dataclass (PEP 681).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    from typing_extensions import dataclass_transform

    _R = TypeVar("_R", bound="Record")
else:

    def dataclass_transform(**_: object) -> object:
        return lambda cls: cls


__all__ = ["Record", "replace"]

_MISSING = object()


@dataclass_transform(frozen_default=True, eq_default=True)
class Record:
    """Base of frozen value types: subclass it and annotate the fields.

    >>> class Point(Record):
    ...     x: int
    ...     y: int = 0
    >>> Point(1), Point(1, 2) == Point(x=1, y=2)
    (Point(x=1, y=0), True)
    """

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = list(cls._fields)
        defaults = dict(cls._defaults)
        # inspect.get_annotations would import inspect, the cost this module avoids.
        for name in cls.__dict__.get("__annotations__", {}):  # noqa: RUF063
            if name.startswith("_"):
                continue
            if name not in fields:
                fields.append(name)
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
                delattr(cls, name)
        cls._fields = tuple(fields)
        cls._defaults = defaults

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields, got {len(args)}")
        values = dict(zip(fields, args))
        for name, value in kwargs.items():
            if name not in fields:
                raise TypeError(f"{type(self).__name__} has no field {name!r}")
            if name in values:
                raise TypeError(f"{type(self).__name__} got {name!r} twice")
            values[name] = value
        for name in fields:
            if name not in values:
                default = self._defaults.get(name, _MISSING)
                if default is _MISSING:
                    raise TypeError(f"{type(self).__name__} is missing field {name!r}")
                values[name] = default
        object.__setattr__(self, "__dict__", values)
        post = getattr(self, "__post_init__", None)
        if post is not None:
            post()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"{type(self).__name__} is immutable; use convarith.core.record.replace"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(self.__dict__[name] for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__name__}({inner})"

    def _asdict(self) -> dict[str, Any]:
        return {name: self.__dict__[name] for name in self._fields}


def replace(record: _R, **changes: Any) -> _R:
    """A copy of ``record`` with some fields changed.

    >>> class Point(Record):
    ...     x: int
    ...     y: int = 0
    >>> replace(Point(1), y=5)
    Point(x=1, y=5)
    """
    return type(record)(**{**record._asdict(), **changes})
