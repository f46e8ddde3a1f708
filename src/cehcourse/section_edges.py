"""Mark, in each page's HTML, the elements whose bottom margin meets the edge of a section
that renders lazily (course.css: `.bd-article section > section:not(.vignette)`), with the
attribute `data-section-edge` (added at the end of the start tag: the class attribute and
anything that reads it are left as they were).

Such a section is contained, so margins do not collapse across its edges; the margins that
would have met there go, and the page looks as it did before. The elements are marked
when the page is written, not found with `:has(+ section)` and `:last-child` in
the stylesheet, because Chromium does not match those while it is still parsing the
parent: on a slow connection a paragraph kept its margin until the page had arrived, and
everything below it then moved up (a layout shift in the first screen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from sphinx.application import Sphinx

EDGE_ATTRIBUTE = "data-section-edge"
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")
# Start tags that close an open <p> (HTML's parsing rules), as a browser would.
_CLOSES_P = frozenset("address article aside blockquote details dialog div dl fieldset figcaption figure footer "
                      "form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass
class _Element:
    tag: str
    start: int  # offset of its start tag in the page's body
    length: int  # of its start tag
    lazy_section: bool = False
    last_child: _Element | None = field(default=None, repr=False)


class _EdgeFinder(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self._line_starts = [0] + [newline.end() for newline in re.finditer("\n", html)]
        self._open: list[_Element] = []
        self.edges: dict[int, int] = {}  # the elements to mark: start tag's offset: its length

    def _mark(self, element: _Element) -> None:
        self.edges[element.start] = element.length

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CLOSES_P and self._open and self._open[-1].tag == "p":
            self._close_last()
        parent = self._open[-1] if self._open else None
        # The first class attribute counts, split on HTML's spaces only.
        classes = _HTML_SPACE.split(next((value or "" for name, value in attrs if name == "class"), ""))
        element = _Element(tag, self._offset(), len(self.get_starttag_text() or ""))
        if tag == "section" and parent is not None and parent.tag == "section" and "vignette" not in classes:
            element.lazy_section = True
            if parent.last_child is not None:  # the element just before the section
                self._mark(parent.last_child)
        if parent is not None:
            parent.last_child = element
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self._open.pop()

    def _close_last(self) -> None:
        element = self._open.pop()
        if element.lazy_section and element.last_child is not None:
            self._mark(element.last_child)  # the section's last element

    def handle_endtag(self, tag: str) -> None:
        # Sphinx writes balanced HTML; an element left open inside another (an unclosed <li>
        # in a notebook's output) is closed with it. A stray end tag is ignored.
        if not any(element.tag == tag for element in self._open):
            return
        while self._open[-1].tag != tag:
            self._close_last()
        self._close_last()


def _with_edge_attribute(tag: str) -> str:
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:end].rstrip() + f" {EDGE_ATTRIBUTE}" + (" " if tag.endswith("/>") else "") + tag[end:]


def mark_section_edges(body: str) -> str:
    """*body* with EDGE_ATTRIBUTE on the element before each lazily rendered section and on
    each such section's last element."""
    finder = _EdgeFinder(body)
    finder.feed(body)
    finder.close()
    pieces, done = [], 0
    for start in sorted(finder.edges):
        end = start + finder.edges[start]
        pieces += [body[done:start], _with_edge_attribute(body[start:end])]
        done = end
    return "".join(pieces) + body[done:]


def _mark(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if "body" in context:
        context["body"] = mark_section_edges(context["body"])


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _mark)
    # A new version re-reads every page once, so that pages written before are marked anew
    # (raise it with any change to the marking).
    return {"env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
