"""Fixes to what the theme and docutils emit, applied where the HTML is made.

Each fix names the reader-facing problem it solves (most are axe-core WCAG 2.1 findings);
tests/test_site.py checks every built page for them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx

# docutils marks a citation list role="list" but its items role="doc-biblioentry", a role
# ARIA has deprecated; a list needs listitem children (axe: aria-required-children,
# aria-deprecated-role).
_BIBLIOENTRY = re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"')

# The sidebar's collapsible sections: <summary> holds only a chevron, so a screen reader
# hears an unnamed control (axe: summary-name). Name it after the section it opens.
_SIDEBAR_SUMMARY = re.compile(
    r'(<a class="(?:current )?reference internal" href="[^"]*">(?P<title>(?:(?!</a>).)*)</a>\s*<details[^>]*>\s*<summary>)'
    r'(?P<toggle>\s*<span class="toctree-toggle" role="presentation">\s*<i class="fa-solid fa-chevron-down")',
    re.S,
)
# myst-nb's hidden-cell toggles read "Show code cell content" but are labelled "Toggle
# hidden content", so a voice-control user saying what they see misses (axe:
# label-content-name-mismatch). The visible text is a good name on its own.
_TOGGLE_LABEL = re.compile(r'<summary aria-label="Toggle hidden content">')
_TAG = re.compile(r"<[^>]+>")
# A figure's labels are too small to read on a phone. Sphinx already wraps a scaled figure's
# image in a link to the full-size file (html_scaled_image_link), but nothing says so: say it
# under the caption.
_FIGURE = re.compile(
    r'(<figure\b[^>]*>\s*<a class="reference internal image-reference" href="(?P<href>[^"]+)">.*?)(</figure>)',
    re.S,
)


def fix_body(body: str) -> str:
    body = _BIBLIOENTRY.sub(r'\1 role="listitem"', body)
    body = _FIGURE.sub(
        r'\1<p class="figure-full-size"><a href="\g<href>">Open the figure full size</a></p>\3', body
    )
    return _TOGGLE_LABEL.sub("<summary>", body)


def fix_sidebar(toc: str) -> str:
    def named(match: re.Match[str]) -> str:
        title = html.unescape(_TAG.sub("", match.group("title"))).strip()
        label = html.escape(f"Show or hide the pages in {title}")
        return f'{match.group(1)}<span class="visually-hidden">{label}</span>{match.group("toggle")} aria-hidden="true"'

    return _SIDEBAR_SUMMARY.sub(named, toc)


def _wrap_toctree(function: Callable[..., str]) -> Callable[..., str]:
    def generate_toctree_html(*args: Any, **kwargs: Any) -> str:
        return fix_sidebar(str(function(*args, **kwargs)))

    return generate_toctree_html


# Scripts in <head> block the first paint on a phone (Lighthouse: render-blocking
# resources). None of them is needed before the page is parsed, so they run deferred, in
# the same order. Two small files stay synchronous because inline scripts use what they
# define: documentation_options.js (DOCUMENTATION_OPTIONS) and doctools.js (_ready, used
# by the search page).
_KEEP_SYNCHRONOUS = ("documentation_options.js", "doctools.js")


def defer_scripts(scripts: list[Any]) -> list[Any]:
    from sphinx.builders.html._assets import _JavaScript

    deferred = []
    for script in scripts:
        filename = str(getattr(script, "filename", "") or "")
        attributes = dict(getattr(script, "attributes", {}))
        if (
            filename
            and not filename.split("?")[0].endswith(_KEEP_SYNCHRONOUS)
            and not {"defer", "async", "body"} & attributes.keys()
            and attributes.get("type", "text/javascript") in ("text/javascript", "module")
        ):
            script = _JavaScript(filename, priority=script.priority, **attributes, defer="defer")
        deferred.append(script)
    return deferred


def _fix_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if "script_files" in context:
        context["script_files"] = defer_scripts(context["script_files"])
    if "body" in context:
        context["body"] = fix_body(context["body"])
    if callable(context.get("generate_toctree_html")):
        context["generate_toctree_html"] = _wrap_toctree(context["generate_toctree_html"])


def setup(app: Sphinx) -> None:
    # The contents button's script, on every page (see _templates/course-menu-button.html).
    app.add_js_file("course-menu.js", defer="defer")
    # Long pages render in parts (course.css, static/render-sections.js).
    app.add_js_file("render-sections.js", defer="defer")
    # After the theme has added its toctree functions (priority 500 and 501).
    app.connect("html-page-context", _fix_page, priority=900)
