"""Three changes to the theme's script in the built site, all about work it does as a page loads.

1. Its load-time "tab stops on scrollable blocks" pass is taken out, because
   static/render-sections.js does that job section by section, and again when the width
   changes or a script adds blocks (as the theme's pass did). The theme's pass measures every
   table and code block on the page when it loads. On a long chapter, whose sections
   course.css leaves unrendered until they near the screen, that measuring renders all of
   them at once, the very work the lazy rendering spares a phone.
2. Its "scroll the sidebar to the current page" step runs in a task of its own, after the
   page's start-up, and only when the sidebar is shown. It measures the sidebar, which
   forces a layout in the middle of the script's start-up; on a phone the sidebar is hidden
   (course.css does not even lay it out), and its contents move into a dialog when opened,
   so there is nothing to scroll.
3. Its "highlight the section being read in the page's contents" step measures the header
   in a task of its own too, for the same reason (the highlighting starts a moment later,
   which no reader can see).

The theme is pinned (requirements.txt); if an upgrade changes its script so that a change
cannot be made, the build stops and says so rather than shipping it half done.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

THEME_SCRIPT = Path("_static") / "scripts" / "pydata-sphinx-theme.js"
# pydata-sphinx-theme 0.17, minified: run addTabStopsToScrollableElements now or at load.
_LOAD_CALL = re.compile(r'"complete"===document\.readyState\?(\w+)\(\):window\.addEventListener\("load",\1\)')
_REMOVED = "void 0/*cehcourse: tab stops by render-sections.js*/"


def _is_tab_stop_pass(script: str, name: str) -> bool:
    return bool(re.search(r"function " + re.escape(name) + r'\(\)\{const \w+=\(\)=>\{document\.querySelectorAll\(\["pre"', script))


def remove_tab_stop_pass(script: str) -> str:
    """The theme's script without its load-time tab-stop pass (unchanged if already removed)."""
    if _REMOVED in script:
        return script
    match = _LOAD_CALL.search(script)
    if match is None or not _is_tab_stop_pass(script, match.group(1)):
        raise ExtensionError(
            f"{THEME_SCRIPT.as_posix()}: the theme's load-time tab-stop pass "
            "(addTabStopsToScrollableElements) was not found; the theme has changed since "
            "pydata-sphinx-theme 0.17. Update src/cehcourse/theme_patch.py and "
            "static/render-sections.js together."
        )
    return script[: match.start()] + _REMOVED + script[match.end() :]


# scrollToActive, minified: its start and its end (it stores the scroll position on unload).
_SCROLL_START = 'function(){if(!document.querySelector(".bd-docs-nav"))return;var e=document.querySelector("div.bd-sidebar");'
_SCROLL_END = 'window.addEventListener("beforeunload",()=>{sessionStorage.setItem("sidebar-scroll-top",e.scrollTop)})}'
_DEFERRED = "/*cehcourse: later, and only when shown*/"
_SKIP_HIDDEN = 'if(getComputedStyle(e).visibility==="hidden")return;'


def defer_sidebar_scroll(script: str) -> str:
    """The theme's script with its sidebar scroll in a task of its own, skipped while the
    sidebar is hidden (unchanged if already done)."""
    if _DEFERRED in script:
        return script
    start = script.find(_SCROLL_START)
    end = script.find(_SCROLL_END, start)
    if start < 0 or end < 0 or script.count(_SCROLL_START) != 1:
        raise ExtensionError(
            f"{THEME_SCRIPT.as_posix()}: the theme's sidebar scroll (scrollToActive) was not "
            "found; the theme has changed since pydata-sphinx-theme 0.17. Update "
            "src/cehcourse/theme_patch.py."
        )
    end += len(_SCROLL_END)
    # The theme's own lookup of the sidebar (e) is the one checked for visibility.
    rest = script[start + len(_SCROLL_START) : end - 1]
    wrapped = (
        "function(){" + _DEFERRED + "setTimeout(function(){" + _SCROLL_START[len("function(){") :]
        + _SKIP_HIDDEN + rest + "})}"
    )
    return script[:start] + wrapped + script[end:]


# setupArticleTocSyncing, minified: it measures the header (and watches the headings) at once,
# and again on resize.
_TOC_SYNC_NOW = 'window.addEventListener("resize",_(c,300)),c()})'
_TOC_SYNC_LATER = 'window.addEventListener("resize",_(c,300)),setTimeout(c)/*cehcourse: later*/})'


def defer_toc_syncing(script: str) -> str:
    """The theme's script with its contents highlighting set up in a task of its own
    (unchanged if already done)."""
    if _TOC_SYNC_LATER in script:
        return script
    if script.count(_TOC_SYNC_NOW) != 1 or '"#pst-header").getBoundingClientRect().height' not in script:
        raise ExtensionError(
            f"{THEME_SCRIPT.as_posix()}: the theme's contents highlighting "
            "(setupArticleTocSyncing) was not found; the theme has changed since "
            "pydata-sphinx-theme 0.17. Update src/cehcourse/theme_patch.py."
        )
    return script.replace(_TOC_SYNC_NOW, _TOC_SYNC_LATER)


def patch_theme_script(script: str) -> str:
    return defer_toc_syncing(defer_sidebar_scroll(remove_tab_stop_pass(script)))


def _patch(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / THEME_SCRIPT
    if not path.is_file():
        return  # another theme
    text = path.read_text(encoding="utf-8")
    patched = patch_theme_script(text)
    if patched != text:
        path.write_text(patched, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    # Before the page optimiser (900), which fingerprints the scripts as the build leaves them.
    app.connect("build-finished", _patch, priority=850)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
