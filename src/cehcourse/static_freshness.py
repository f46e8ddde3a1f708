"""Rebuild when only a static file changed, and write every page again when one did.

Sphinx copies the static files (``html_static_path``) when it writes pages, and writes none
when no document is out of date. An author who edits only ``vignette.js`` or ``course.css``
and runs ``make book`` would keep the old copy in ``_build/html`` (and the page optimiser would
keep the old bundle). And each page names its scripts with a ``?v=`` checksum of their content,
taken as the page is written: a page not written again keeps the old checksum, and a browser
that cached the old script goes on using it.

So when a static source is newer than its copy in the output (or has none), every page is
written again, after the new copies are made. Nothing is read or executed again. Once the
build has finished, a copy older than its source (Sphinx leaves a copy alone when the content
is the same, as after ``touch`` or undoing an edit) takes its source's time, so the next
build is a no-op again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.matching import Matcher

logger = logging.getLogger(__name__)

# Set while reading when a static file changed, for the write step that follows.
STALE_STATIC = "_cehcourse_stale_static"


def _copy_name(relative: Path) -> Path:
    # Sphinx renders a template "name.js_t" or "name.js.jinja" to "name.js".
    for suffix in ("_t", ".jinja"):
        if relative.name.endswith(suffix):
            return relative.with_name(relative.name[: -len(suffix)])
    return relative


def static_sources(app: Sphinx) -> Iterator[tuple[Path, Path]]:
    """(source, its copy in the output) for every file of ``html_static_path`` that Sphinx
    copies (not dotfiles, nor files matching ``exclude_patterns``: they never get a copy)."""
    out_static = Path(app.outdir) / "_static"
    excluded = Matcher([*app.config.exclude_patterns, "**/.*"])
    for entry in app.config.html_static_path:
        source = Path(app.confdir, entry)
        if source.is_file():
            yield source, out_static / _copy_name(Path(source.name))
        elif source.is_dir():
            for path in sorted(source.rglob("*")):
                relative = path.relative_to(source)
                if path.is_file() and "__pycache__" not in path.parts and not excluded(relative.as_posix()):
                    yield path, out_static / _copy_name(relative)


def first_stale_static(app: Sphinx) -> Path | None:
    for source, copy in static_sources(app):
        if not copy.exists() or source.stat().st_mtime > copy.stat().st_mtime:
            return source
    return None


def _note_stale_statics(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    stale = first_stale_static(app) if app.builder.format == "html" else None
    setattr(app, STALE_STATIC, stale)
    if stale is not None:
        logger.info(f"cehcourse: {stale.name} changed since the last build; writing every page again")
    return []


def _rewrite_every_page_if_statics_changed(app: Sphinx, env: Any) -> list[str]:
    """Every page, so that the build goes on to copy the static files and each page names
    the new scripts' checksums (see above)."""
    if getattr(app, STALE_STATIC, None) is None:
        return []
    return sorted(env.found_docs)


def _settle_copy_times(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or getattr(app, STALE_STATIC, None) is None:
        return
    for source, copy in static_sources(app):
        source_time = source.stat().st_mtime
        if copy.exists() and copy.stat().st_mtime < source_time:
            os.utime(copy, (source_time, source_time))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-get-outdated", _note_stale_statics)
    app.connect("env-updated", _rewrite_every_page_if_statics_changed)
    app.connect("build-finished", _settle_copy_times)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
