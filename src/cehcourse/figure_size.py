"""Figures keep their place while they load: each SVG image of a page's source (a figure,
a notebook's chart) gets width and height attributes, its natural size, so the browser
reserves its box (course.css gives such images `height: auto`: a figure set to the column's
width keeps its shape) and the text below does not jump down when the image arrives. On a
desktop the care pathway is on the first screen; without this its caption moved as the
figure loaded (a layout shift that tests/test_perf_layout.py caught).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

_SVG_IMG = re.compile(r'<img\b[^>]*?\ssrc="(?:[^"]*/)?_images/(?P<name>[^"/]+\.svg)"[^>]*>')
_ROOT = re.compile(r"<svg\b[^>]*>")
_LENGTH = r'\s{name}="\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>px|pt|pc|in|mm|cm)?\s*"'
_VIEWBOX = re.compile(r'\sviewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+(?P<w>\d+(?:\.\d+)?)[\s,]+(?P<h>\d+(?:\.\d+)?)\s*"')
# CSS pixels per unit: matplotlib writes its figures' size in points.
_PX_PER = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "mm": 96 / 25.4, "cm": 96 / 2.54}


def _length(root: str, name: str) -> float | None:
    match = re.search(_LENGTH.format(name=name), root)
    return float(match["number"]) * _PX_PER[match["unit"]] if match else None


@lru_cache(maxsize=None)
def svg_size(path: Path, mtime: float) -> tuple[int, int] | None:
    """The SVG's natural size in CSS pixels: its root's width and height (matplotlib's are in
    points), else its viewBox; None when neither gives a size of at least 1 px."""
    root = _ROOT.search(path.read_text(encoding="utf-8")[:4000])
    if root is None:
        return None
    width, height = _length(root.group(0), "width"), _length(root.group(0), "height")
    if width is None or height is None:
        viewbox = _VIEWBOX.search(root.group(0))
        width, height = (float(viewbox["w"]), float(viewbox["h"])) if viewbox else (0.0, 0.0)
    return (round(width), round(height)) if width >= 1 and height >= 1 else None


def with_sizes(body: str, size_of: Any) -> str:
    """*body* with width and height on each SVG image that has neither and whose size is known."""
    def sized(match: re.Match[str]) -> str:
        tag = match.group(0)
        size = size_of(match["name"])
        # A size already given, or a height set inline (a :height: option), stays as it is.
        if size is None or re.search(r'\s(?:width|height)="|style="[^"]*\bheight:', tag):
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
    # A new version re-reads every page once, so a build folder made before this wrote
    # pages without the sizes is brought up to date.
    return {"env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
