"""Rebuild when only a static file changed.

Sphinx copies the static files (``html_static_path``) in its finish step, and skips that step
when no document is out of date. An author who edits only ``vignette.js`` or ``course.css`` and
runs ``make book`` would keep the old copy in ``_build/html`` (and the page optimiser would keep
the old bundle). When a static source is newer than its copy in the output, or has none, the
root document is read again: that is enough to bring back the write and finish steps, and with
them the copy and the optimiser.

Every page is then written again, not only the root: each page names its scripts with a
``?v=`` checksum of their content, taken as the page is written, and a page left alone would
keep the old checksum, so a browser that cached the old script would go on using it.
Writing is cheap; nothing is read or executed again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _copy_name(relative: Path) -> Path:
    # Sphinx renders a template "name.js_t" to "name.js".
    return relative.with_name(relative.name[:-2]) if relative.name.endswith("_t") else relative


def static_sources(app: Sphinx) -> Iterator[tuple[Path, Path]]:
    """(source, its copy in the output) for every file of ``html_static_path``."""
    out_static = Path(app.outdir) / "_static"
    for entry in app.config.html_static_path:
        source = Path(app.confdir, entry)
        if source.is_file():
            yield source, out_static / _copy_name(Path(source.name))
        elif source.is_dir():
            for path in sorted(source.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    yield path, out_static / _copy_name(path.relative_to(source))


def first_stale_static(app: Sphinx) -> Path | None:
    for source, copy in static_sources(app):
        if not copy.exists() or source.stat().st_mtime > copy.stat().st_mtime:
            return source
    return None


# Set while reading when a static file changed, for the write step that follows.
STALE_STATIC = "_cehcourse_stale_static"


def _reread_root_if_statics_changed(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    if app.builder.format != "html":
        return []
    stale = first_stale_static(app)
    setattr(app, STALE_STATIC, stale)
    if stale is None or added or changed:
        return []  # nothing to copy, or pages are read (and so written) anyway
    logger.info(f"cehcourse: {stale.name} changed since the last build; re-reading the root page so it is copied")
    return [app.config.root_doc]


def _rewrite_every_page_if_statics_changed(app: Sphinx, env: Any) -> list[str]:
    """Every page, so that each names the new scripts' checksums (see above)."""
    if getattr(app, STALE_STATIC, None) is None:
        return []
    return sorted(env.found_docs)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-get-outdated", _reread_root_if_statics_changed)
    app.connect("env-updated", _rewrite_every_page_if_statics_changed)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
