"""Rewrite one built page's <head>: one stylesheet, no script preloads, Sphinx's search
scripts only on the search page, documentation options inline, every script deferred.

Only the <head> is parsed (the stdlib parser is slow on a 500 KB answer key, and every
tag this touches lives there); the body is left byte for byte as Sphinx wrote it. The
rewrite is idempotent: run on its own output it changes nothing but the bundle's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

# Sphinx's search machinery: it only works on search.html, and searchindex.js alone is
# 30+ KB gzip that every other page downloaded for nothing.
SEARCH_ONLY_SCRIPTS = ("searchtools.js", "language_data.js", "searchindex.js")
DOCUMENTATION_OPTIONS = "documentation_options.js"
DOCTOOLS = "doctools.js"
# On search.html Sphinx's scripts are deferred too: doctools, searchtools and language_data
# first, where doctools was; searchindex.js last of all, at the end of <body>. The search
# starts only when searchindex.js hands Search its index, so it still runs after every other
# script, as it did when these were synchronous and it waited for DOMContentLoaded: after
# sphinx_highlight.js, whose SPHINX_HIGHLIGHT_ENABLED it reads, and after the course's guard
# that keeps answers out of the result snippets.
SEARCH_INDEX = "searchindex.js"
SEARCH_PAGE_ORDER = (DOCTOOLS, "searchtools.js", "language_data.js")
SEARCH_PAGE = "search.html"
_HEAD_END = re.compile(r"</head\s*>", re.I)
_CLASS_ATTRIBUTE = re.compile(r"""\sclass=(?:"([^"]*)"|'([^']*)')""")


def _element_classes(page: str) -> list[frozenset[str]]:
    return [frozenset((double or single).split()) for double, single in _CLASS_ATTRIBUTE.findall(page)]


def _has(*classes: str) -> Callable[[list[frozenset[str]]], bool]:
    """Whether one element of the page carries all of *classes*."""
    wanted = frozenset(classes)
    return lambda elements: any(wanted <= element for element in elements)


# Scripts that act only on markup a page may not have, with the markup they look for (the
# selectors they query); a page without it does not load them.
ONLY_WITH: dict[str, Callable[[list[frozenset[str]]], bool]] = {
    # sphinx-copybutton: 'div.highlight pre'
    "clipboard.min.js": _has("highlight"),
    "copybutton.js": _has("highlight"),
    # sphinx-togglebutton: togglebuttonSelector, '.toggle, .admonition.dropdown'
    "togglebutton.js": lambda elements: _has("toggle")(elements) or _has("admonition", "dropdown")(elements),
    # sphinx-design: '.sd-tab-label'
    "design-tabs.js": _has("sd-tab-label"),
}


@dataclass(frozen=True)
class Tag:
    """A <link> or <script> element in the head, as offsets into the page."""

    name: str
    attrs: dict[str, str]
    start: int
    end: int


class _HeadTags(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tags: list[Tag] = []
        self._script: tuple[dict[str, str], int] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        start = self._offset()
        if tag == "link":
            self.tags.append(Tag("link", values, start, start + len(self.get_starttag_text() or "")))
        elif tag == "script":
            self._script = (values, start)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            values, start = self._script
            end = self.text.index(">", self._offset()) + 1
            self.tags.append(Tag("script", values, start, end))
            self._script = None


def head_tags(page: str) -> list[Tag]:
    match = _HEAD_END.search(page)
    head = page[: match.start()] if match else page
    parser = _HeadTags(head)
    parser.feed(head)
    parser.close()
    return parser.tags


def _file(url: str) -> str:
    """The file name a local URL points to, without query or fragment."""
    return url.split("?")[0].split("#")[0].rsplit("/", 1)[-1]


_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)  # a scheme, or protocol-relative


def is_local(url: str) -> bool:
    """A URL inside the site (relative or root-relative), not another origin or a data: URL."""
    return bool(url) and not _EXTERNAL.match(url)


def is_stylesheet(tag: Tag) -> bool:
    """A local stylesheet for every medium (the ones the bundle replaces)."""
    return (
        tag.name == "link"
        and "stylesheet" in tag.attrs.get("rel", "").lower().split()
        and is_local(tag.attrs.get("href", ""))
        and tag.attrs.get("media", "all").lower() == "all"
    )


def is_bundle(tag: Tag) -> bool:
    return is_stylesheet(tag) and _file(tag.attrs["href"]).startswith("site.")


def stylesheets(page: str, root: str) -> list[str]:
    """The page's own stylesheets (not a bundle), as paths from the site root."""
    return [
        _from_root(tag.attrs["href"], root)
        for tag in head_tags(page)
        if is_stylesheet(tag) and not is_bundle(tag)
    ]


def _from_root(url: str, root: str) -> str:
    path = url.split("?")[0].split("#")[0]
    return path[len(root):] if root and path.startswith(root) else path


def is_optimised(page: str) -> bool:
    """Whether the page's head is already this module's output (a rebuild left it alone)."""
    tags = head_tags(page)
    return any(is_bundle(tag) for tag in tags) and not any(
        (is_stylesheet(tag) and not is_bundle(tag))
        or (tag.name == "script" and _file(tag.attrs.get("src", "")) == DOCUMENTATION_OPTIONS)
        for tag in tags
    )


def _attributes(attrs: dict[str, str]) -> str:
    return "".join(f' {name}="{value}"' if value else f" {name}" for name, value in attrs.items())


def rewrite(page: str, *, root: str, bundle: str, documentation_options: str, search_page: bool) -> str:
    """The page with its head optimised. *root* is the relative path to the site root
    ("../" per folder), *bundle* the stylesheet's path from the root, and
    *documentation_options* the text of documentation_options.js, placed inline."""
    edits: list[tuple[int, int, str]] = []
    bundled = False
    elements = _element_classes(page)
    tags = head_tags(page)
    search_group = {_file(tag.attrs.get("src", "")): tag for tag in tags if tag.name == "script" and search_page
                    and _file(tag.attrs.get("src", "")) in SEARCH_PAGE_ORDER + (SEARCH_INDEX,) and is_local(tag.attrs.get("src", ""))}
    first_of_group = min((tag.start for tag in search_group.values()), default=-1)
    last_script = ""
    for tag in tags:
        attrs = tag.attrs
        name = _file(attrs.get("href" if tag.name == "link" else "src", ""))
        replacement: str | None = None
        if is_stylesheet(tag):
            replacement = "" if bundled else f'<link rel="stylesheet" href="{root}{bundle}" />'
            bundled = True
        elif tag.name == "link" and attrs.get("rel") == "preload" and attrs.get("as") == "script":
            replacement = ""  # Lighthouse counts script preloads against the first paint.
        elif tag.name == "script" and is_local(attrs.get("src", "")):
            if name == DOCUMENTATION_OPTIONS:
                replacement = f"<script>{documentation_options.strip()}</script>"
            elif name in search_group:
                replacement = "" if tag.start != first_of_group else "\n".join(
                    _deferred(search_group[script].attrs) for script in SEARCH_PAGE_ORDER if script in search_group
                )
                if name == SEARCH_INDEX:
                    last_script = _deferred(attrs)
            elif name in SEARCH_ONLY_SCRIPTS and not search_page:
                replacement = ""
            elif name in ONLY_WITH and not ONLY_WITH[name](elements):
                replacement = ""
            elif name == DOCTOOLS and "defer" not in attrs:
                replacement = _deferred(attrs)
        if replacement is not None:
            edits.append((tag.start, tag.end, replacement))
    for start, end, replacement in reversed(edits):
        if not replacement:
            # Take the rest of the line too, so removed tags leave no blank lines.
            rest = re.match(r"[ \t]*\n?", page[end:])
            end += rest.end() if rest else 0
        page = page[:start] + replacement + page[end:]
    if last_script:
        at = page.lower().rindex("</body>")
        page = f"{page[:at]}{last_script}\n{page[at:]}"
    return page


def _deferred(attrs: dict[str, str]) -> str:
    return f"<script{_attributes({**attrs, 'defer': 'defer'})}></script>"
