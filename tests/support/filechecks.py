"""Is a downloaded file a valid file of its kind?  Each check reads the file back."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET


def check_download(kind: str, content: bytes, frames: int) -> None:
    """Assert ``content`` is a valid ``kind`` file of an animation of ``frames`` frames."""
    if kind == "gif":
        from PIL import Image

        image = Image.open(io.BytesIO(content))
        assert image.format == "GIF"
        assert image.n_frames == frames
    elif kind == "mp4":
        assert content[4:8] == b"ftyp", content[:16]
        assert b"moov" in content and b"mdat" in content
    elif kind == "svg":
        root = ET.fromstring(content)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        groups = [g for g in root.iter("{http://www.w3.org/2000/svg}animate")]
        assert len(groups) >= frames - 1 if frames > 1 else True
    elif kind == "pdf":
        import pypdfium2 as pdfium

        assert content.startswith(b"%PDF-")
        document = pdfium.PdfDocument(content)
        assert len(document) == frames
        document.close()
    elif kind == "tikz":
        text = content.decode("utf-8")
        assert text.startswith("%") or "\\documentclass" in text
        assert "\\documentclass" in text and "\\end{document}" in text
        assert text.count("\\begin{tikzpicture}") == frames
    elif kind == "json":
        data = json.loads(content)
        assert len(data["frames"]) == frames
        assert {"op", "input_shape", "output_shape", "grid", "params"} <= set(data)
    else:
        raise AssertionError(f"no check for {kind}")
