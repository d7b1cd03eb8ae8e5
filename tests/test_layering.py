"""The layering of convarith: every import goes down the layers, and none goes round in a circle.

The package is built in layers, bottom to top.  Each level holds one or more
*rooms* side by side; a room is a subpackage (or a module) directly under
``convarith``, named as in ``convarith.<room>``, or the *facade*: the package's
own ``__init__.py`` and ``__main__.py``.  The table is :data:`LAYERS` below::

    level 0  core                                  (standard library only)
    level 1  numeric | figure | files | pixels
    level 2  scenes
    level 3  draw | backends | encoders
    level 4  formats
    level 5  api
    level 6  gallery
    level 7  cli
    level 8  facade                                (convarith/__init__.py, __main__.py)

The rules, checked by reading the source with :mod:`ast` (the package's
modules are never imported to find what they import):

1. Every ``.py`` module under ``src/convarith`` is in a room of the table.
2. Every import of a convarith module lands in the importer's own room or in a
   room on a strictly lower level.  A higher level "goes up"; another room on
   the same level "goes sideways".  Counted are ``import a.b``, ``from a import
   b`` (``b`` is the target when it is a module), relative imports, imports in
   function bodies and under ``if TYPE_CHECKING:``, ``import_module(...)``
   calls whose name is a literal or an f-string with a literal head
   (``f"convarith.cli.{name}"`` names the package ``convarith.cli``), and the
   string values of a module-level lazy table ``_LAZY = {name: "module"}``
   (an ``import_module(name)`` of a variable is followed through that table).
3. No cycle among modules: the import graph, built from the same imports, has
   no strongly connected component of two or more modules, and no module
   imports itself.  An import of a package is an edge to its ``__init__``; an
   f-string import is an edge to every module its pattern can name.
4. The table names no room that does not exist, and no room twice.
5. The stdlib-only rooms (:data:`STDLIB_ONLY`: the core) import at run time
   only the standard library and themselves, so that ``convarith shape``
   starts fast.  Imports under ``if TYPE_CHECKING:`` never run, so they are
   free here (rule 2 still holds them to the layering).

**To add a room**, add its name to its level's tuple in :data:`LAYERS`, e.g.
``("gallery", "guide", "explorer")``; to add a level, add a tuple in its place.

The checker is plain functions of (source root, package name, table), so the
tests below run it both on the real tree and on a small planted package with
known faults, which proves that it finds what it should and only that.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The room of the package's own ``__init__.py`` and ``__main__.py``.
FACADE = "facade"

#: The layers, bottom (level 0) to top; each tuple is one level's rooms, side by side.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("numeric", "figure", "files", "pixels"),
    ("scenes",),
    ("draw", "backends", "encoders"),
    ("formats",),
    ("api",),
    ("gallery",),
    ("guide",),
    ("explorer",),
    ("notebook",),
    ("cli",),
    (FACADE,),
)

#: Rooms that may import at run time only the standard library and each other.
STDLIB_ONLY: tuple[str, ...] = ("core",)

PACKAGE = "convarith"
SRC = Path(__file__).resolve().parents[1] / "src"

#: Module-level dict whose string values are modules imported lazily.
LAZY_TABLE = "_LAZY"

#: Calls that import the module named by their first argument.
IMPORT_CALLS = frozenset({"import_module", "__import__"})

Table = Sequence[Sequence[str]]


# ---------------------------------------------------------------------------
# Modules and rooms
# ---------------------------------------------------------------------------


def find_modules(root: Path, package: str) -> dict[str, Path]:
    """Every module under ``root/package``: dotted name -> file (a package is its ``__init__``)."""
    modules: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def room_of(module: str, package: str) -> str:
    """The room a module belongs in, whether or not the table lists it."""
    rest = module.removeprefix(package).split(".")[1:]
    if not rest or rest == ["__main__"]:
        return FACADE
    return rest[0]


def levels(table: Table) -> dict[str, int]:
    """Room -> level (its first level, if a room is listed twice)."""
    level: dict[str, int] = {}
    for number, rooms in enumerate(table):
        for room in rooms:
            level.setdefault(room, number)
    return level


def is_inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


# ---------------------------------------------------------------------------
# Imports, read from the source
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    """One import found in the source."""

    importer: str  #: dotted name of the importing module
    line: int
    target: str  #: the module (or package) it names, absolute; starts with "." if beyond the top
    pattern: str | None = None  #: for an f-string: regex of every module name it can make
    type_only: bool = False  #: under ``if TYPE_CHECKING:``, so never run


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_import_call(func: ast.expr) -> bool:
    """``import_module``, ``importlib.import_module`` or ``__import__``."""
    return (isinstance(func, ast.Name) and func.id in IMPORT_CALLS) or (
        isinstance(func, ast.Attribute) and func.attr in IMPORT_CALLS
    )


class _ImportFinder(ast.NodeVisitor):
    """Collects the imports of one module, wherever they stand."""

    def __init__(self, module: str, is_package: bool, known: set[str]) -> None:
        self.module = module
        self.is_package = is_package
        self.known = known
        self.type_only = 0
        self.found: list[Import] = []

    def add(self, line: int, target: str, pattern: str | None = None) -> None:
        self.found.append(Import(self.module, line, target, pattern, self.type_only > 0))

    def absolute(self, name: str, level: int) -> str | None:
        """The absolute name of a ``level``-dots relative ``name``; None beyond the top."""
        if level == 0:
            return name
        parts = self.module.split(".")
        if not self.is_package:
            parts.pop()
        if level - 1 >= len(parts):
            return None
        base = parts[: len(parts) - (level - 1)]
        return ".".join([*base, name] if name else base)

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        self.type_only += 1
        for statement in node.body:
            self.visit(statement)
        self.type_only -= 1
        for statement in node.orelse:
            self.visit(statement)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.add(node.lineno, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self.absolute(node.module or "", node.level)
        if base is None:
            self.add(node.lineno, "." * node.level + (node.module or ""))
            return
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            self.add(node.lineno, submodule if submodule in self.known else base)

    def visit_Call(self, node: ast.Call) -> None:
        if _is_import_call(node.func) and node.args:
            self.dynamic(node.lineno, node.args[0])
        self.generic_visit(node)

    def dynamic(self, line: int, name: ast.expr) -> None:
        """``import_module("a.b")``, ``import_module(".b", __package__)``, ``import_module(f"a.{b}")``."""
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            text = name.value
            dots = len(text) - len(text.lstrip("."))
            target = self.absolute(text[dots:], dots)
            self.add(line, target if target is not None else text)
        elif isinstance(name, ast.JoinedStr) and name.values:
            head = name.values[0]
            if not (isinstance(head, ast.Constant) and isinstance(head.value, str)):
                return  # no literal head: nothing to say where it lands
            package = head.value.rpartition(".")[0]
            if not package or package.startswith("."):
                return
            pattern = "".join(
                re.escape(part.value)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
                else r"[\w.]+"
                for part in name.values
            )
            self.add(line, package, pattern)

    def lazy_table(self, tree: ast.Module) -> None:
        """The string values of a module-level ``_LAZY = {...}``."""
        for statement in tree.body:
            if isinstance(statement, ast.Assign):
                names = statement.targets
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                names = [statement.target]
            else:
                continue
            value = statement.value
            if not isinstance(value, ast.Dict):
                continue
            if not any(isinstance(n, ast.Name) and n.id == LAZY_TABLE for n in names):
                continue
            for item in value.values:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    self.add(item.lineno, item.value)


@functools.cache  # each tree is read once per test session; no test edits a tree it has read
def find_imports(root: Path, package: str) -> tuple[Import, ...]:
    """Every import in the package's source (of any module, in the package or not)."""
    modules = find_modules(root, package)
    known = set(modules)
    found: list[Import] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        finder = _ImportFinder(module, path.name == "__init__.py", known)
        finder.visit(tree)
        finder.lazy_table(tree)
        found.extend(finder.found)
    return tuple(dict.fromkeys(found))  # ``from a import b, c`` is one import of ``a``


def loaded_modules(imp: Import, modules: Iterable[str]) -> list[str]:
    """The package's modules an import can load: the edges of the import graph."""
    if imp.pattern is not None:
        return [m for m in modules if re.fullmatch(imp.pattern, m)]
    return [imp.target] if imp.target in modules else []


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------


def _why(imp: Import, modules: dict[str, Path], level: dict[str, int], package: str) -> str | None:
    """Why an import breaks the layering, or None when it keeps it."""
    if imp.target.startswith("."):
        return "relative import beyond the top of the package"
    if not is_inside(imp.target, package):
        return None
    here = room_of(imp.importer, package)
    if here not in level:
        return None  # the importer is reported as in no room
    if imp.target not in modules:
        return "no such module in the package"
    there = room_of(imp.target, package)
    if there not in level:
        return f"lands in {there!r}, which is in no room of the table"
    if there == here:
        return None
    if level[there] > level[here]:
        return f"goes up from {here} (level {level[here]}) to {there} (level {level[there]})"
    if level[there] == level[here]:
        return f"goes sideways from {here} to {there} (both level {level[here]})"
    return None


def check_layers(root: Path, package: str, table: Table) -> list[str]:
    """Every breach of rules 1, 2 and 4, one line each (empty when the layering holds)."""
    problems: list[str] = []
    level = levels(table)
    for number, rooms in enumerate(table):
        for room in rooms:
            if level[room] != number:
                problems.append(f"room {room!r} is listed twice: levels {level[room]} and {number}")
    modules = find_modules(root, package)
    present = {room_of(module, package) for module in modules}
    for room, number in level.items():
        if room not in present:
            problems.append(f"room {room!r} (level {number}) is in the table but not in {package}")
    for module, path in modules.items():
        if room_of(module, package) not in level:
            problems.append(f"{module} ({path.relative_to(root)}) is in no room of the table")
    for imp in find_imports(root, package):
        why = _why(imp, modules, level, package)
        if why is not None:
            problems.append(f"{imp.importer} (line {imp.line}) -> {imp.target}: {why}")
    return problems


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    modules = find_modules(root, package)
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for imp in find_imports(root, package):
        graph[imp.importer].update(loaded_modules(imp, modules))
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def find_cycles(root: Path, package: str) -> list[list[str]]:
    """Each import cycle's modules: components of two or more, and modules importing themselves."""
    graph = import_graph(root, package)
    cycles = [
        component
        for component in strongly_connected(graph)
        if len(component) > 1 or component[0] in graph[component[0]]
    ]
    return sorted(cycles)


def check_stdlib_only(root: Path, package: str, rooms: Sequence[str]) -> list[str]:
    """Run-time imports of the given rooms that are neither standard library nor those rooms."""
    problems: list[str] = []
    for imp in find_imports(root, package):
        if room_of(imp.importer, package) not in rooms or imp.type_only:
            continue
        if imp.target.startswith("."):
            continue  # check_layers reports it
        if is_inside(imp.target, package):
            if room_of(imp.target, package) in rooms:
                continue
            why = f"leaves the standard-library-only rooms {', '.join(rooms)}"
        elif imp.target.partition(".")[0] in sys.stdlib_module_names:
            continue
        else:
            why = "not in the standard library"
        problems.append(f"{imp.importer} (line {imp.line}) -> {imp.target}: {why}")
    return problems


def _report(title: str, lines: Sequence[str]) -> str:
    return f"{len(lines)} {title}:\n  " + "\n  ".join(lines)


# ---------------------------------------------------------------------------
# The real tree
# ---------------------------------------------------------------------------


def test_the_real_tree_keeps_its_layers() -> None:
    problems = check_layers(SRC, PACKAGE, LAYERS)
    assert not problems, _report("breaches of the layering (see LAYERS)", problems)


def test_the_real_tree_has_no_import_cycle() -> None:
    cycles = find_cycles(SRC, PACKAGE)
    assert not cycles, _report(
        "import cycles", ["cycle among " + ", ".join(cycle) for cycle in cycles]
    )


def test_the_core_runs_on_the_standard_library_alone() -> None:
    problems = check_stdlib_only(SRC, PACKAGE, STDLIB_ONLY)
    assert not problems, _report("run-time imports outside the standard library", problems)


def test_the_real_tree_is_read() -> None:
    """The checker sees the real package: its facade, the facade's imports, type-only imports."""
    modules = find_modules(SRC, PACKAGE)
    assert PACKAGE in modules
    assert f"{PACKAGE}.__main__" in modules
    imports = find_imports(SRC, PACKAGE)
    assert any(imp.importer == PACKAGE and is_inside(imp.target, PACKAGE) for imp in imports)
    assert any(imp.type_only for imp in imports)


# ---------------------------------------------------------------------------
# A planted tree: the checker finds the faults it should, and only those
# ---------------------------------------------------------------------------

FAKE = "fakepkg"

#: low (level 0) < high | side (level 1) < the facade; "ghost" names no room.
PLANTED_TABLE: tuple[tuple[str, ...], ...] = (("low",), ("high", "side", "ghost"), (FACADE,))

#: Path under the package -> source.  Comments mark the lines the tests look for.
PLANTED: dict[str, str] = {
    "__init__.py": """
        from importlib import import_module

        from fakepkg.high import api  # down: facade to high
        from . import low  # down: relative, facade to low

        _LAZY = {"helper": "fakepkg.low.util"}  # down: lazy table


        def command(name):
            return import_module(f"fakepkg.high.{name}")  # down: f-string
    """,
    "__main__.py": """
        from fakepkg import high  # down: submodule by name
    """,
    "stray.py": """
        VALUE = 1
    """,
    "low/__init__.py": "",
    "low/util.py": """
        import json  # stdlib


        def helper():
            return json.dumps(1)
    """,
    "low/base.py": """
        import importlib

        from ..high import api  # up: relative
        from .util import helper  # same room: relative

        TYPE_CHECKING = False
        if TYPE_CHECKING:
            import yaml  # third party: type checking only

            from fakepkg.high.api import Thing  # up: type checking


        def late():
            import numpy  # third party: at run time

            from fakepkg.high import api  # up: in a function

            importlib.import_module("fakepkg.high.api")  # up: import_module
            return numpy, api, helper
    """,
    "low/ring_a.py": """
        from fakepkg.low import ring_b  # cycle
    """,
    "low/ring_b.py": """
        from . import ring_a  # cycle
    """,
    "low/selfish.py": """
        import fakepkg.low.selfish  # cycle: itself
    """,
    "high/__init__.py": """
        from importlib import import_module

        _LAZY = {"tool": "fakepkg.side.tool"}  # sideways: lazy table


        def plugin(name):
            return import_module(f"fakepkg.side.{name}")  # sideways: f-string
    """,
    "high/api.py": """
        from fakepkg.low import util  # down: submodule by name
        from fakepkg.low.util import helper  # down: name from a module
        from fakepkg.side import tool  # sideways: plain

        Thing = (util, helper, tool)
    """,
    "side/__init__.py": "",
    "side/tool.py": """
        from fakepkg import low  # down: package by name
    """,
}


def _source(file: str) -> str:
    return textwrap.dedent(PLANTED[file]).lstrip("\n")


def planted_line(file: str, marker: str) -> int:
    """The line of ``file`` carrying the comment ``# marker``."""
    lines = _source(file).splitlines()
    return next(number for number, text in enumerate(lines, 1) if f"# {marker}" in text)


def planted_module(file: str) -> str:
    """The dotted name of a planted file: ``low/base.py`` -> ``fakepkg.low.base``."""
    parts = [FAKE, *Path(file).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def planted_problem(file: str, marker: str, target: str, why: str) -> str:
    return f"{planted_module(file)} (line {planted_line(file, marker)}) -> {target}: {why}"


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """The planted package written under ``tmp_path/src``; returns that root."""
    root = tmp_path / "src"
    for file in PLANTED:
        path = root / FAKE / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_source(file), encoding="utf-8")
    return root


UP = "goes up from low (level 0) to high (level 1)"
SIDEWAYS = "goes sideways from high to side (both level 1)"

#: Every import fault planted above, as check_layers must word it.
PLANTED_IMPORT_PROBLEMS = [
    planted_problem("high/__init__.py", "sideways: lazy table", "fakepkg.side.tool", SIDEWAYS),
    planted_problem("high/__init__.py", "sideways: f-string", "fakepkg.side", SIDEWAYS),
    planted_problem("high/api.py", "sideways: plain", "fakepkg.side.tool", SIDEWAYS),
    planted_problem("low/base.py", "up: relative", "fakepkg.high.api", UP),
    planted_problem("low/base.py", "up: type checking", "fakepkg.high.api", UP),
    planted_problem("low/base.py", "up: in a function", "fakepkg.high.api", UP),
    planted_problem("low/base.py", "up: import_module", "fakepkg.high.api", UP),
]


def test_planted_upward_imports_are_reported(planted: Path) -> None:
    problems = check_layers(planted, FAKE, PLANTED_TABLE)
    for marker in ("up: relative", "up: type checking", "up: in a function", "up: import_module"):
        assert planted_problem("low/base.py", marker, "fakepkg.high.api", UP) in problems


def test_planted_sideways_imports_are_reported(planted: Path) -> None:
    problems = check_layers(planted, FAKE, PLANTED_TABLE)
    assert (
        planted_problem("high/api.py", "sideways: plain", "fakepkg.side.tool", SIDEWAYS) in problems
    )
    assert (
        planted_problem("high/__init__.py", "sideways: lazy table", "fakepkg.side.tool", SIDEWAYS)
        in problems
    )
    assert (
        planted_problem("high/__init__.py", "sideways: f-string", "fakepkg.side", SIDEWAYS)
        in problems
    )


def test_planted_module_in_no_room_is_reported(planted: Path) -> None:
    problems = check_layers(planted, FAKE, PLANTED_TABLE)
    assert "fakepkg.stray (fakepkg/stray.py) is in no room of the table" in problems


def test_planted_stale_room_is_reported(planted: Path) -> None:
    problems = check_layers(planted, FAKE, PLANTED_TABLE)
    assert "room 'ghost' (level 1) is in the table but not in fakepkg" in problems


def test_a_room_listed_twice_is_reported(planted: Path) -> None:
    table = (("low",), ("high", "side", "low"), (FACADE,))
    problems = check_layers(planted, FAKE, table)
    assert "room 'low' is listed twice: levels 0 and 1" in problems


def test_planted_tree_reports_exactly_its_faults(planted: Path) -> None:
    """Legal imports (down, or in the same room) are not reported: only the planted faults are."""
    problems = check_layers(planted, FAKE, PLANTED_TABLE)
    assert sorted(problems) == sorted(
        [
            *PLANTED_IMPORT_PROBLEMS,
            "fakepkg.stray (fakepkg/stray.py) is in no room of the table",
            "room 'ghost' (level 1) is in the table but not in fakepkg",
        ]
    )


def test_planted_legal_imports_are_read_and_kept(planted: Path) -> None:
    """Each legal import marked ``# down`` or ``# same room`` is found, and none is reported."""
    imports = find_imports(planted, FAKE)
    problems = "\n".join(check_layers(planted, FAKE, PLANTED_TABLE))
    legal = [
        (file, number)
        for file in PLANTED
        for number, text in enumerate(_source(file).splitlines(), 1)
        if "# down" in text or "# same room" in text
    ]
    assert len(legal) == 9
    for file, number in legal:
        importer = planted_module(file)
        assert any(imp.importer == importer and imp.line == number for imp in imports), (
            file,
            number,
        )
        assert f"{importer} (line {number})" not in problems


def test_planted_cycles_are_reported(planted: Path) -> None:
    assert find_cycles(planted, FAKE) == [
        ["fakepkg.low.ring_a", "fakepkg.low.ring_b"],
        ["fakepkg.low.selfish"],
    ]


def test_the_fstring_import_is_an_edge_to_every_module_it_can_name(planted: Path) -> None:
    graph = import_graph(planted, FAKE)
    assert graph[FAKE] == {"fakepkg.high.api", "fakepkg.low", "fakepkg.low.util"}
    assert graph["fakepkg.high"] == {"fakepkg.side.tool"}  # not the package fakepkg.side


def test_planted_stdlib_only_room_allows_only_the_standard_library(planted: Path) -> None:
    problems = check_stdlib_only(planted, FAKE, ("low",))
    base = "low/base.py"
    leaves = "leaves the standard-library-only rooms low"
    assert problems == [
        planted_problem(base, "up: relative", "fakepkg.high.api", leaves),
        planted_problem(base, "third party: at run time", "numpy", "not in the standard library"),
        planted_problem(base, "up: in a function", "fakepkg.high.api", leaves),
        planted_problem(base, "up: import_module", "fakepkg.high.api", leaves),
    ]


def test_imports_of_missing_modules_and_beyond_the_top_are_reported(tmp_path: Path) -> None:
    package = tmp_path / FAKE
    (package / "low").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "low" / "__init__.py").write_text("")
    (package / "low" / "mod.py").write_text(
        "from fakepkg.low.gone import thing\nfrom ... import elsewhere\n"
    )
    assert check_layers(tmp_path, FAKE, (("low",), (FACADE,))) == [
        "fakepkg.low.mod (line 1) -> fakepkg.low.gone: no such module in the package",
        "fakepkg.low.mod (line 2) -> ...: relative import beyond the top of the package",
    ]
