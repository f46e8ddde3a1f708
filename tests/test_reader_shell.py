"""The reader's shell around the content, as a student meets it on a phone and a desktop:
the contents menu, search, tables and figures that fit, storage that is blocked, a quiz
that cannot start, and print."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from conftest import SECTIONS_RENDERED, TWO_FRAMES, PageProblems

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# Storage blocked by the browser's privacy settings: reading it throws, as Chrome does.
BLOCK_STORAGE = """
for (const name of ['localStorage', 'sessionStorage']) {
  Object.defineProperty(window, name, {configurable: true, get() {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  }});
}
"""


@contextmanager
def reader(browser: object, base_url: str, init_script: str = "", **options: object) -> Iterator[object]:
    """A page in a fresh context of the given size that records console and page errors."""
    context = browser.new_context(**options)  # type: ignore[attr-defined]
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    problems = PageProblems()
    page.on("console", lambda m: m.type == "error" and problems.console_errors.append(m.text))
    page.on("pageerror", lambda e: problems.page_errors.append(str(e)))
    page.problems = problems
    page.base_url = base_url
    try:
        yield page
    finally:
        context.close()


def test_phone_menu_opens_the_contents_and_reaches_the_case_library(browser: object, base_url: str) -> None:
    with reader(browser, base_url, **PHONE) as page:
        page.goto(f"{base_url}/book/assessment.html", wait_until="load")
        assert not page.is_visible("#pst-primary-sidebar"), "on a phone the contents start hidden"
        page.locator(".course-menu-button").tap()
        drawer = page.locator("#pst-primary-sidebar-modal")
        assert drawer.evaluate("d => d.open"), "tapping the menu button opens the contents drawer"
        library = drawer.get_by_role("link", name="Case library")
        assert library.is_visible()
        library.tap()
        page.wait_for_url(re.compile(r"/book/cases\.html$"))
        assert page.get_by_role("heading", name="Case library", level=1).is_visible()
        assert not page.problems.all(), page.problems.all()


def test_phone_menu_shows_where_the_student_is(browser: object, base_url: str) -> None:
    """On the last case the current page's link is two screens down the drawer: the drawer
    opens with it in view."""
    with reader(browser, base_url, **PHONE) as page:
        page.goto(f"{base_url}/book/cases/whiplash-third-occipital.html", wait_until="load")
        page.locator(".course-menu-button").tap()
        drawer = page.locator("#pst-primary-sidebar-modal")
        expect(drawer).to_have_js_property("open", True)
        current = drawer.locator(".current.reference").last
        expect(current).to_have_text(re.compile(r"^Headache since the whiplash"))
        expect(current).to_be_in_viewport(ratio=1)
        assert not page.problems.all(), page.problems.all()


def tap_where_it_is(page: Any, target: Any) -> None:
    """A finger's tap on a control where it is on screen. Playwright's ``tap()`` first
    scrolls the control into view, and for a control in the sticky header that moves the
    page (by 426 px on a case), which a finger does not."""
    box = target.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"], f"not on screen: {box}"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # A student taps once they see the control: not while a closing drawer still slides
    # out over it (for a moment after it closes).
    on_top = "([node, x, y]) => node.contains(document.elementFromPoint(x, y))"
    try:
        page.wait_for_function(on_top, arg=[target.element_handle(), x, y], timeout=5000)
    except PlaywrightTimeout:
        covering = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.outerHTML.slice(0, 120)", [x, y])
        raise AssertionError(f"something stays over the control: {covering}") from None
    page.touchscreen.tap(x, y)


# Where the student is reading: the top of the element in the middle of the screen.
READING_PLACE = """() => { const node = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
  window.__reading = node; return [scrollY, Math.round(node.getBoundingClientRect().top)]; }"""
SAME_PLACE = "() => [scrollY, Math.round(window.__reading.getBoundingClientRect().top)]"


def test_phone_menu_keeps_the_students_place(browser: object, base_url: str) -> None:
    """Half way down a case, a student opens the contents and closes them again (a tap on
    the page beside the drawer, then Escape from a keyboard): the page behind stays put."""
    with reader(browser, base_url, **PHONE) as page:
        page.goto(f"{base_url}/book/cases/classic-ceh.html", wait_until="load")
        page.wait_for_function(SECTIONS_RENDERED)  # nothing above is still being laid out
        page.evaluate("scrollTo(0, 900)")  # where a swipe or two takes a student
        page.evaluate(TWO_FRAMES)
        place = page.evaluate(READING_PLACE)
        assert place[0] == 900, place
        button = page.locator(".course-menu-button")
        drawer = page.locator("#pst-primary-sidebar-modal")
        for close in ("tap beside it", "Escape"):
            tap_where_it_is(page, button)
            expect(drawer).to_have_js_property("open", True)
            page.evaluate(TWO_FRAMES)
            assert page.evaluate(SAME_PLACE) == place, f"opening the contents moved the page ({close})"
            if close == "Escape":
                page.keyboard.press("Escape")
            else:
                page.touchscreen.tap(page.viewport_size["width"] - 10, 400)
            expect(drawer).to_have_js_property("open", False)
            # The theme gives focus back to the button as the drawer closes: focus can scroll.
            expect(button).to_be_focused()
            page.evaluate(TWO_FRAMES)
            assert page.evaluate(SAME_PLACE) == place, f"closing the contents ({close}) moved the page"
        assert not page.problems.all(), page.problems.all()


def test_nothing_floats_over_the_quiz_when_a_student_scrolls_back_up(browser: object, base_url: str) -> None:
    """On a 320 px phone a student picks an answer, scrolls on, comes back up and taps
    "Check answer" low on the screen: the tap checks the answer. (The theme's floating
    "Back to top" button appeared there on every scroll up, took the tap and threw the
    student to the top of the page.)"""
    with reader(browser, base_url, viewport={"width": 320, "height": 640}, has_touch=True, is_mobile=True) as page:
        page.goto(f"{base_url}/book/cases/occipital-neuralgia.html", wait_until="load")
        page.wait_for_function(SECTIONS_RENDERED)
        question = page.locator("fieldset.vignette-question").first
        check = question.locator(".vignette-check")
        # Choose the first option with a finger (the first touch also loads the theme's scripts).
        option = question.locator("input").first
        option.scroll_into_view_if_needed()
        tap_where_it_is(page, option)
        expect(option).to_be_checked()
        page.wait_for_function("window.bootstrap !== undefined")  # the theme's scripts, fetched on that touch
        # Scroll on past the button, then back up until it sits low on the screen, where a
        # thumb reaches and where the theme's pill appeared (90-95 % of the height).
        check.evaluate("node => scrollBy(0, node.getBoundingClientRect().bottom + 200)")  # a swipe up the page
        page.evaluate(TWO_FRAMES)
        height = page.viewport_size["height"]
        box = check.bounding_box()
        assert box["y"] < 0, box
        page.evaluate("([by]) => scrollBy(0, by)", [box["y"] + box["height"] / 2 - 0.92 * height])  # a swipe back
        page.evaluate(TWO_FRAMES)  # scroll events come with the next frame
        box = check.bounding_box()
        assert abs(box["y"] + box["height"] / 2 - 0.92 * height) < 2, box
        floating = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(node => getComputedStyle(node).position === 'fixed' && node.checkVisibility())
            .filter(node => { const r = node.getBoundingClientRect();
              const x = (Math.max(r.left, 0) + Math.min(r.right, innerWidth)) / 2, y = (Math.max(r.top, 0) + Math.min(r.bottom, innerHeight)) / 2;
              return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth && node.contains(document.elementFromPoint(x, y)); })
            .map(node => node.outerHTML.slice(0, 80))""")
        assert not floating, f"floating over the page after a scroll back up: {floating}"
        place = page.evaluate("scrollY")
        tap_where_it_is(page, check)
        expect(question.locator(".vignette-feedback")).to_contain_text(re.compile(r"^(Correct|Incorrect)\."))
        assert page.evaluate("scrollY") > place - 100, "the tap threw the student back to the top of the page"
        assert not page.problems.all(), page.problems.all()


def test_on_this_page_button_opens_the_sections_and_lands_on_the_one_tapped(browser: object, base_url: str) -> None:
    """The list button at the top right (phones and tablets, below 1200 px) opens the page's
    sections; tapping one closes the drawer with that section's heading at the top."""
    for size in (PHONE, {"viewport": {"width": 1000, "height": 800}, "has_touch": True}):
        with reader(browser, base_url, **size) as page:
            page.goto(f"{base_url}/book/procedures.html", wait_until="load")
            page.get_by_role("button", name="On this page").tap()
            drawer = page.locator("#pst-secondary-sidebar-modal")
            expect(drawer).to_have_js_property("open", True)
            section = drawer.get_by_role("link", name="Radiofrequency treatment")
            expect(section).to_be_visible()
            section.tap()
            expect(drawer).to_have_js_property("open", False)
            page.wait_for_url(re.compile(r"#radiofrequency-treatment$"))
            heading = page.get_by_role("heading", name="Radiofrequency treatment", level=2)
            expect(heading).to_be_focused()  # a screen reader reads the section next
            top, header = heading.evaluate(
                "h => [h.getBoundingClientRect().top, document.querySelector('.bd-header-article').getBoundingClientRect().bottom]"
            )
            assert header <= top < header + 100, f"the heading should be just below the header ({header:.0f} px), not at {top:.0f} px"
            assert not page.problems.all(), page.problems.all()


def test_phone_download_menu_reaches_the_source_and_print(browser: object, base_url: str) -> None:
    """The header's download button: on a phone, a tap opens its menu, both entries are on
    screen, the source opens, and .pdf starts the browser's print (to save as PDF)."""
    record_print = "window.__printed = 0; window.print = () => { window.__printed += 1; };"
    with reader(browser, base_url, init_script=record_print, **PHONE) as page:
        page.goto(f"{base_url}/book/assessment.html", wait_until="load")
        button = page.get_by_role("button", name="Download this page")
        assert button.get_attribute("aria-expanded") == "false"
        button.tap()
        menu = page.locator(".dropdown-download-buttons .dropdown-menu")
        menu.wait_for(state="visible")
        # The theme also shows this menu on hover, and a tap hovers: the menu can be on screen
        # before Bootstrap (fetched on that first tap) opens it and says so.
        expect(button).to_have_attribute("aria-expanded", "true")  # the button says its menu is open
        source, pdf = menu.get_by_role("link", name=".md"), menu.get_by_role("button", name=".pdf")
        width = page.viewport_size["width"]
        for entry in (source, pdf):
            box = entry.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, "a menu entry is off screen"
        with page.context.expect_page() as opened:
            source.tap()
        text = opened.value.locator("body").inner_text()
        assert text.startswith("# Assessing a patient with headache from the neck"), text[:80]
        opened.value.close()
        if not menu.is_visible():
            button.tap()
        pdf.tap()
        assert page.evaluate("window.__printed") == 1, "tapping .pdf did not open the print dialog"
        assert not page.problems.all(), page.problems.all()


def test_bootstrap_waits_for_the_first_interaction_and_a_tap_that_beats_it_counts(browser: object, base_url: str) -> None:
    """The theme's Bootstrap (24 KB gzip) is not part of a page load; the first tap fetches
    it. A tap on the download button that arrives before it has run still ends with the
    menu open and announced as open (aria-expanded), and Escape then closes it."""
    fetched: list[str] = []

    def slow_bootstrap(route: object) -> None:
        fetched.append(route.request.url)  # type: ignore[attr-defined]
        time.sleep(0.5)  # a slow network: the tap is handled before Bootstrap arrives
        route.continue_()  # type: ignore[attr-defined]

    with reader(browser, base_url, **PHONE) as page:
        page.route(lambda url: "/bootstrap.js" in url, slow_bootstrap)
        page.goto(f"{base_url}/book/medications.html", wait_until="load")
        page.wait_for_timeout(300)
        assert not fetched, "Bootstrap was fetched with the page"
        button = page.get_by_role("button", name="Download this page")
        button.tap()
        assert page.locator(".dropdown-download-buttons .dropdown-menu").is_visible(), "the menu opens at once"
        page.wait_for_function("window.bootstrap !== undefined")
        page.wait_for_function("document.querySelector('.dropdown-download-buttons .dropdown-toggle').getAttribute('aria-expanded') === 'true'")
        assert len(fetched) == 1
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false", "Escape closes the menu"
        assert not page.problems.all(), page.problems.all()


def test_desktop_menu_hides_and_shows_the_sidebar(browser: object, base_url: str) -> None:
    with reader(browser, base_url, **DESKTOP) as page:
        page.goto(f"{base_url}/book/assessment.html", wait_until="load")
        button = page.locator(".course-menu-button")
        sidebar = page.locator("#pst-primary-sidebar")
        assert sidebar.is_visible() and button.get_attribute("aria-expanded") == "true"
        button.click()
        page.wait_for_timeout(600)  # the theme's slide-out transition
        assert not sidebar.is_visible() and button.get_attribute("aria-expanded") == "false"
        article_left = page.locator(".bd-article").bounding_box()["x"]  # type: ignore[index]
        assert article_left < 200, "the page text takes the sidebar's room"
        button.click()
        page.wait_for_timeout(600)
        assert sidebar.is_visible() and button.get_attribute("aria-expanded") == "true"
        assert not page.problems.all(), page.problems.all()


def test_desktop_has_no_header_row_holding_only_a_search_box(browser: object, base_url: str) -> None:
    with reader(browser, base_url, **DESKTOP) as page:
        page.goto(f"{base_url}/book/what-is-ceh.html", wait_until="load")
        assert not page.is_visible("#pst-header")
        # Search stays one click away, also with the sidebar hidden.
        page.locator(".course-menu-button").click()
        page.locator(".bd-header-article .search-button").click()
        assert page.locator("#pst-search-dialog input").is_visible()


def test_typed_search_text_is_clear_of_the_magnifier(browser: object, base_url: str) -> None:
    with reader(browser, base_url, **PHONE) as page:
        page.goto(f"{base_url}/book/what-is-ceh.html", wait_until="load")
        page.locator(".bd-header-article .search-button").tap()
        page.keyboard.type("Wide")
        gap = page.evaluate(
            """() => {
                const form = document.querySelector('#pst-search-dialog form');
                const icon = form.querySelector('i').getBoundingClientRect();
                const input = form.querySelector('input');
                const textStart = input.getBoundingClientRect().left + parseFloat(getComputedStyle(input).paddingLeft);
                return textStart - icon.right;
            }"""
        )
        assert gap >= 4, f"the first typed letter starts {gap:.1f}px from the icon's edge"


def test_case_library_table_fits_a_phone(browser: object, base_url: str) -> None:
    with reader(browser, base_url, **PHONE) as page:
        page.goto(f"{base_url}/book/cases.html", wait_until="load")
        table = page.locator("table.case-index")
        width = page.evaluate("() => document.documentElement.clientWidth")
        box = table.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, "the table is cut off"
        first_row = table.locator("tbody tr").first
        for cell in ("a", '[data-progress-case]'):
            assert first_row.locator(cell).is_visible()
        assert page.locator("table.case-index caption").is_visible()


def test_progress_scores_fit_a_phone(browser: object, base_url: str) -> None:
    """The scores by learning objective on a 320 and a 390 px phone: every column, the score
    most of all, is on screen, and no cell's text runs past its edge (it scrolled sideways,
    with the score column cut off and nothing to say so)."""
    for width in (320, 390):
        with reader(browser, base_url, viewport={"width": width, "height": 844}, has_touch=True, is_mobile=True) as page:
            page.goto(f"{base_url}/book/cases/classic-ceh.html", wait_until="load")
            question = page.locator("fieldset.vignette-question").first
            question.locator("input").first.check()
            question.locator(".vignette-check").click()
            page.goto(f"{base_url}/book/progress.html", wait_until="load")
            table = page.locator("table.progress-objectives")
            expect(table.locator("tbody tr").first).to_be_visible()
            screen = page.evaluate("() => document.documentElement.clientWidth")
            for cell in table.locator("tr").first.locator("th").all() + table.locator("tbody tr").first.locator("td").all():
                box = cell.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= screen, f"{width} px: cut off: {cell.inner_text()!r}"
            spilling = table.evaluate("t => [...t.querySelectorAll('th, td')].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent)")
            assert not spilling, f"{width} px: text runs past its cell: {spilling[:3]}"
            assert table.locator("tbody tr").first.locator("td").nth(2).inner_text().startswith("1 of 1 right first time")
            scores = table.locator("tbody td:nth-child(3)").all_inner_texts()
            assert "Not tried (1 question)" in scores and not any("(1 questions)" in s for s in scores), scores
            assert not page.problems.all(), page.problems.all()


def test_figures_offer_their_full_size_file(browser: object, base_url: str, site: Path) -> None:
    with reader(browser, base_url, **PHONE) as page:
        page.goto(f"{base_url}/book/what-is-ceh.html", wait_until="load")
        link = page.get_by_role("link", name="Open the figure full size")
        assert link.is_visible()
        href = link.get_attribute("href") or ""
        assert href.endswith(".svg") and (site / "book" / href).resolve().is_file()


def test_blocked_storage_raises_no_errors_and_the_quiz_still_works(browser: object, base_url: str) -> None:
    with reader(browser, base_url, init_script=BLOCK_STORAGE, **PHONE) as page:
        for path in ("index.html", "book/medications.html", "book/progress.html", "book/cases/classic-ceh.html"):
            page.goto(f"{base_url}/{path}", wait_until="load")
            page.wait_for_load_state("networkidle")
        question = page.locator("fieldset.vignette-question").first
        question.locator("input").first.check()
        question.locator(".vignette-check").tap()
        assert question.locator(".vignette-feedback").inner_text().startswith(("Correct.", "Incorrect."))
        page.locator(".course-menu-button").tap()
        assert page.locator("#pst-primary-sidebar-modal").evaluate("d => d.open")
        assert not page.problems.all(), page.problems.all()


def test_a_quiz_that_cannot_start_says_so(browser: object, base_url: str, site: Path) -> None:
    broken = (site / "book" / "cases" / "classic-ceh.html").read_text(encoding="utf-8")
    broken = broken.replace('class="vignette-data">{', 'class="vignette-data">{not json', 1)
    assert "{not json" in broken
    with reader(browser, base_url, **PHONE) as page:
        page.route("**/book/cases/classic-ceh.html", lambda route: route.fulfill(body=broken, content_type="text/html"))
        page.goto(f"{base_url}/book/cases/classic-ceh.html", wait_until="load")
        notice = page.locator(".vignette-broken")
        assert notice.is_visible()
        assert "could not start" in notice.inner_text()
        assert any("could not start" in message for message in page.problems.console_errors), (
            "the failure reaches the console, where the site gates look"
        )
        # The no-JS reading stays: each question's answer is one tap away.
        page.locator("fieldset.vignette-question details summary").first.tap()
        assert "Teaching point:" in page.locator("fieldset.vignette-question details").first.inner_text()


def test_print_leaves_out_the_collapsed_answer_marker(browser: object, base_url: str) -> None:
    with reader(browser, base_url, **DESKTOP) as page:
        page.goto(f"{base_url}/book/assessment.html", wait_until="load")
        page.emulate_media(media="print")
        assert page.locator("fieldset.vignette-question").first.is_visible()
        assert not page.locator("details.vignette-answer summary").first.is_visible()


def test_on_this_page_works_from_the_keyboard(browser: object, base_url: str) -> None:
    """A keyboard user (a tablet with a keyboard, 1000 px) opens the page's sections, chooses
    one with Enter and is taken to it, focus on its heading."""
    with reader(browser, base_url, viewport={"width": 1000, "height": 800}) as page:
        page.goto(f"{base_url}/book/procedures.html", wait_until="load")
        button = page.get_by_role("button", name="On this page")
        button.focus()
        page.keyboard.press("Enter")
        drawer = page.locator("#pst-secondary-sidebar-modal")
        expect(drawer).to_have_js_property("open", True)
        section = drawer.get_by_role("link", name="Coblation of the C2 nerve root")
        section.focus()
        page.keyboard.press("Enter")
        expect(drawer).to_have_js_property("open", False)
        page.wait_for_url(re.compile(r"#coblation-of-the-c2-nerve-root$"))
        expect(page.get_by_role("heading", name="Coblation of the C2 nerve root", level=2)).to_be_focused()
        assert not page.problems.all(), page.problems.all()
