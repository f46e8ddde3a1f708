"""Figures keep their place while they load: every SVG image on a page gets width and height
attributes from its viewBox, so the browser reserves its box (course.css gives such images
`height: auto`, so they still scale) and the text below does not jump down when the image
arrives. On a desktop the care pathway is on the first screen; without this its caption
moved as the figure loaded (a layout shift that tests/test_perf_layout.py caught).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

_SVG_IMG = re.compile(r'<img\b[^>]*?\bsrc="[^"]*?_images/(?P<name>[^"/]+\.svg)"[^>]*>')
_VIEWBOX = re.compile(r'<svg\b[^>]*?\bviewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+(?P<w>[\d.]+)[\s,]+(?P<h>[\d.]+)\s*"')


@lru_cache(maxsize=None)
def svg_size(path: Path, mtime: float) -> tuple[int, int] | None:
    """The SVG's width and height from its viewBox, rounded (None without one)."""
    match = _VIEWBOX.search(path.read_text(encoding="utf-8")[:4000])
    return (round(float(match["w"])), round(float(match["h"]))) if match else None


def with_sizes(body: str, size_of: Any) -> str:
    """*body* with width and height on each SVG image that has neither and whose size is known."""
    def sized(match: re.Match[str]) -> str:
        tag = match.group(0)
        size = size_of(match["name"])
        if size is None or re.search(r"\s(?:width|height)=", tag):
            return tag
        return tag[:4] + f' width="{size[0]}" height="{size[1]}"' + tag[4:]

    return _SVG_IMG.sub(sized, body)


def _size_figures(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if "body" not in context:
        return
    sources = {unique: Path(app.srcdir, source) for source, (_docs, unique) in app.env.images.items()}

    def size_of(name: str) -> tuple[int, int] | None:
        path = sources.get(name)
        return svg_size(path, path.stat().st_mtime) if path is not None and path.is_file() else None

    context["body"] = with_sizes(context["body"], size_of)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _size_figures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
