"""The site's stylesheets as one list of parts, ready to purge, minify and join into the
bundle: each part's @import inlined and its url()s rewritten for the bundle's folder."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

# The course's own stylesheets are kept whole, never purged (see KEPT_WHOLE in __init__.py):
# the quiz's style markup that its scripts build at run time, and more of it with every quiz
# feature. Everything else (the themes, Bootstrap, sphinx-design, myst-nb, Pygments, the
# toggle and copy buttons, the icon masks) is purged.
BUNDLE_DIR = "_static"

_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(["']?)([^"')\s;]+)\1\s*\)?\s*([^;]*);""")
_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^"')\s]*))\s*\)""")
_CHARSET = re.compile(r"""@charset\s+["'][^"']*["']\s*;""", re.I)
_SOURCE_MAP = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/")


class StylesheetError(Exception):
    """A stylesheet the bundle cannot take as it is (said in one line)."""


@dataclass(frozen=True)
class Part:
    path: str  # from the site root, e.g. "_static/styles/theme.css"
    css: str
    purge: bool


def _rebase(url: str, source_dir: str) -> str:
    """A url() of a file in *source_dir*, as seen from the bundle's folder."""
    if not url or re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", url, re.I):
        return url  # data:, http:, absolute and fragment URLs stay as they are
    target = posixpath.normpath(posixpath.join(source_dir, url))
    return posixpath.relpath(target, BUNDLE_DIR)


def _rewrite_urls(css: str, source_dir: str) -> str:
    def rebased(match: re.Match[str]) -> str:
        url = next(group for group in match.groups() if group is not None)
        new = _rebase(url, source_dir)
        # Untouched URLs stay as written (a data: URL may hold either kind of quote).
        return match.group(0) if new == url else f'url("{new}")'

    return _URL.sub(rebased, css)


def load(site: Path, path: str, seen: tuple[str, ...] = ()) -> str:
    """A stylesheet's text with its @imports inlined and its URLs rebased on _static/."""
    if path in seen:
        raise StylesheetError(f"{path}: @import loop")
    file = site / path
    if not file.is_file():
        raise StylesheetError(f"{path}: a page links this stylesheet but the build did not write it")
    css = _SOURCE_MAP.sub("", _CHARSET.sub("", file.read_text(encoding="utf-8")))
    source_dir = posixpath.dirname(path)

    # Each file's own URLs are rebased once; an imported file arrives already rebased.
    pieces, last = [], 0
    for match in _IMPORT.finditer(css):
        if match.group(3).strip():
            raise StylesheetError(f"{path}: @import with media or layer is not supported ({match.group(0)})")
        imported = posixpath.normpath(posixpath.join(source_dir, match.group(2)))
        pieces += [_rewrite_urls(css[last:match.start()], source_dir), load(site, imported, seen + (path,))]
        last = match.end()
    return "".join(pieces + [_rewrite_urls(css[last:], source_dir)])


def parts(site: Path, paths: list[str], kept_whole: frozenset[str]) -> list[Part]:
    """The stylesheets at *paths*; those named in *kept_whole* are not to be purged."""
    return [Part(path, load(site, path), purge=posixpath.basename(path) not in kept_whole) for path in paths]
