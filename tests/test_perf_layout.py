"""No layout shift while a page arrives and its scripts fill it in (issue 13: CLS 0): the
question bank, the progress page, a case page and long pages that render their sections
after loading, on a 390 px phone and on a desktop. A shift is what Lighthouse counts: a
layout-shift entry without recent input, recorded from the first paint until the page has
loaded everything it fetches. As on a slow phone on a slow connection, each page arrives in
pieces (localsite.TrickleHandler), and its scripts are held until it has painted once, so
the test does not depend on which comes first on this machine."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import expect

from conftest import SECTIONS_RENDERED, TWO_FRAMES, answer_stage_one
from localsite import serve

PAGES = ("book/practice.html", "book/progress.html", "book/cases/classic-ceh.html",
         # Long pages render their sections after loading (render-sections.js); the guide and
         # the answer key once moved by a heading's margin as their first section did.
         "book/assessment.html", "book/care-pathway.html", "exercises/reading-evidence.html",
         "book/instructor-guide.html", "book/answer-key/assessment.html",
         # Arriving in pieces: the guide's chapter table widened its columns as its rows came
         # (course.css: fixed-columns); a paragraph here kept its margin until the whole page
         # had come (section_edges.py; these pieces did not show it, larger ones cut mid-word did).
         "book/answer-key/medications.html")
# A 390 px phone's viewport without Playwright's is_mobile: with it, chromium reported no
# shift for a progress page whose table visibly jumped (Lighthouse's mobile run: 0.48);
# without it the figures are Lighthouse's.
SCREENS = {"phone": {"viewport": {"width": 390, "height": 844}}, "desktop": {"viewport": {"width": 1280, "height": 800}}}

# Recorded from the start (buffered), with what moved, so that a failure says where to look.
RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__shifts.push({
      value: entry.value,
      sources: (entry.sources || []).map((s) => {
        const n = s.node;
        const name = !n ? '(gone)' : n.nodeType !== 1 ? n.nodeName
          : n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') + (n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\\s+/).join('.') : '');
        const moved = (key) => ' ' + key + ' ' + Math.round(s.previousRect[key]) + '->' + Math.round(s.currentRect[key]);
        return name + ['x', 'y', 'width', 'height'].map(moved).join('');
      }),
    });
  }
}).observe({type: 'layout-shift', buffered: true});
"""

FIRST_PAINT = "() => performance.getEntriesByName('first-contentful-paint').length > 0"


def is_script(url: str) -> bool:
    return url.split("?")[0].endswith(".js")  # Sphinx adds ?v=<hash>


@pytest.fixture(scope="module")
def trickled_url(site: object) -> Iterator[str]:
    with serve(site, trickle=True) as url:  # type: ignore[arg-type]
        yield url


@pytest.fixture(scope="module", params=list(SCREENS))
def screen(request: pytest.FixtureRequest, browser: object) -> Iterator[object]:
    """One context per screen size for the module; each page gets a fresh tab."""
    context = browser.new_context(**SCREENS[request.param])  # type: ignore[attr-defined]
    context.add_init_script(RECORD_SHIFTS)
    yield context
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_layout_shift(screen: object, trickled_url: str, path: str) -> None:
    assert_no_layout_shift(screen, trickled_url, path)


@pytest.mark.parametrize("name", list(SCREENS))
def test_no_layout_shift_for_a_returning_student(browser: object, trickled_url: str, name: str) -> None:
    """A student who answered stage 1 last time comes back: restoring their answers, their
    score and stage 2 (whose questions course.css renders lazily) moves nothing. A context of
    its own, so that the saved answers reach no other test."""
    path = "book/cases/refractory-ceh.html"
    context = browser.new_context(**SCREENS[name])  # type: ignore[attr-defined]
    context.add_init_script(RECORD_SHIFTS)
    try:
        tab = context.new_page()
        tab.goto(f"{trickled_url}/{path}", wait_until="load")
        answer_stage_one(tab)
        expect(tab.locator(".vignette-stage").nth(1)).to_be_visible()

        def restored(again: object) -> None:
            expect(again.locator(".vignette-score")).to_have_text(re.compile(r"^First-try score"))  # type: ignore[attr-defined]
            expect(again.locator(".vignette-stage").nth(1)).to_be_visible()  # type: ignore[attr-defined]

        assert_no_layout_shift(context, trickled_url, path, check=restored)
    finally:
        context.close()


def assert_no_layout_shift(screen: object, trickled_url: str, path: str,
                           check: Callable[[object], None] | None = None) -> None:
    """*check*, if given, looks at the loaded page before the tab closes."""
    tab = screen.new_page()  # type: ignore[attr-defined]
    held: list[object] = []
    painted = False

    def hold_until_painted(route: object) -> None:
        if painted:
            route.continue_()  # type: ignore[attr-defined]
        else:
            held.append(route)

    tab.route(is_script, hold_until_painted)
    try:
        tab.goto(f"{trickled_url}/{path}", wait_until="commit")
        # Every script on these pages is deferred: the page can paint without them.
        tab.wait_for_function(FIRST_PAINT)
        painted = True
        for route in held:
            route.continue_()  # type: ignore[attr-defined]
        # networkidle: the question bank fetches its questions once its script has run.
        tab.wait_for_load_state("networkidle")
        tab.wait_for_function(SECTIONS_RENDERED)
        # Two frames more, so that what the last response triggered has been laid out.
        tab.evaluate(TWO_FRAMES)
        shifts = tab.evaluate("() => window.__shifts")
        if check:
            check(tab)
    finally:
        tab.close()
    total = sum(shift["value"] for shift in shifts)
    assert total == 0, f"{path} shifts its layout by {total:.4f} while loading: " + "; ".join(
        ", ".join(shift["sources"]) + f" ({shift['value']:.4f})" for shift in shifts
    )
