"""The files the page downloads, written by the same code as ``convarith animate``.

GIF, MP4, SVG, PDF and TikZ go through :meth:`convarith.api.animation.Animation.save`
(the format registry picks the writer); the scene JSON is what
``convarith scene --json`` prints.

>>> sorted(DOWNLOADS)
['gif', 'json', 'mp4', 'pdf', 'svg', 'tikz']
>>> unavailable("gif") is None
True
"""

from __future__ import annotations

from convarith.core.errors import ConvArithError
from convarith.core.text import brief

TYPE_CHECKING = False
if TYPE_CHECKING:
    from convarith.explorer.controls import ExplorerRequest

__all__ = ["DOWNLOADS", "download", "unavailable"]

#: Download name -> (file extension, media type).
DOWNLOADS = {
    "gif": (".gif", "image/gif"),
    "mp4": (".mp4", "video/mp4"),
    "svg": (".svg", "image/svg+xml"),
    "pdf": (".pdf", "application/pdf"),
    "tikz": (".tex", "application/x-tex"),
    "json": (".json", "application/json"),
}


def _check_kind(kind: str) -> tuple[str, str]:
    if kind not in DOWNLOADS:
        raise ConvArithError(f"format={brief(kind)} must be one of {', '.join(DOWNLOADS)}")
    return DOWNLOADS[kind]


def unavailable(kind: str) -> str | None:
    """Why ``kind`` cannot be written here (a missing optional dependency), or None.

    >>> unavailable("svg") is None
    True
    """
    from convarith.formats.registry import file_format, require

    extension, _ = _check_kind(kind)
    if kind == "json":
        return None
    try:
        require(file_format(f"x{extension}"))
    except ConvArithError as error:
        return str(error)
    return None


def download(request: ExplorerRequest, kind: str) -> tuple[bytes, str, str]:
    """The file of ``kind`` for ``request``: ``(content, file name, media type)``.

    Raises
    ------
    ConvArithError
        For an unknown kind, a missing optional dependency (with its install
        hint), a 3-D input, or anything the library refuses.

    Examples
    --------
    >>> from convarith.explorer.controls import request_of
    >>> content, name, media = download(request_of({"input": "3", "kernel": "2"}), "svg")
    >>> name, media, content[:4]
    ('conv_3_k2_s1_p0.svg', 'image/svg+xml', b'<svg')
    """
    extension, media = _check_kind(kind)
    reason = unavailable(kind)
    if reason is not None:
        raise ConvArithError(reason)
    animation = request.animation()
    if kind == "json":
        import json

        from convarith.scenes.build import scene

        data = scene(
            request.op,
            request.input_shape,
            numerical=request.view == "numerical",
            seed=request.seed,
            **request.params,
        ).to_dict()
        content = json.dumps(data, separators=(",", ":")).encode()
        return content, f"{animation.name}{extension}", media
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="convarith-explorer-") as folder:
        written = animation.save(Path(folder) / f"{animation.name}{extension}")
        return written[0].read_bytes(), written[0].name, media
