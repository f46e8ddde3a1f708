"""Long pages render in parts (course.css, render-sections.js, theme_patch.py): each section is
laid out as it nears the screen and the rest once the page has loaded. What a reader must
see is a whole page that does not move: every section there, links into the middle of a
chapter landing on their heading, tables that scroll sideways reachable from the keyboard,
and print with everything. The speed itself is measured by `make bench`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sphinx.errors import ExtensionError

from cehcourse import figure_size, figure_text, section_edges, theme_patch
from conftest import ROOT, TWO_FRAMES, answer_stage_one

# What the stylesheet renders lazily (render-sections.js's LAZY): a page's sections and the
# questions of a quiz's later stages.
LAZY_SECTIONS = ".bd-article section > section:not(.vignette)"
LAZY_QUESTIONS = ".vignette-stage ~ .vignette-stage .vignette-question"
# Whether the browser has rendered a lazy part, checked on its first child (the heading or
# legend): checkVisibility counts a skipped content-visibility: auto element itself as
# visible, only what is inside it as not.
RENDERED = "part => part.firstElementChild.checkVisibility({contentVisibilityAuto: true})"
SECTION_STATES = f"() => [...document.querySelectorAll('{LAZY_SECTIONS}')].map(s => [s.id, ({RENDERED})(s)])"
# Once render-sections.js has made the page whole, nothing in it is left to render later.
STILL_LAZY = "() => [...document.querySelectorAll('.bd-article *')].filter(e => getComputedStyle(e).contentVisibility === 'auto').map(e => e.id || e.className)"


def test_a_long_chapter_is_whole_once_loaded(phone: object, base_url: str) -> None:
    # (The `phone` fixture's goto waits for <html data-sections-rendered>, see conftest.py.)
    phone.goto(f"{base_url}/book/assessment.html", wait_until="load")  # type: ignore[attr-defined]
    sections = phone.evaluate(SECTION_STATES)  # type: ignore[attr-defined]
    assert len(sections) > 10, "the assessment chapter has many sections"
    assert all(shown for _id, shown in sections), [name for name, shown in sections if not shown]
    assert phone.evaluate(STILL_LAZY) == []  # type: ignore[attr-defined]
    # The page's length is its real length: the last heading sits where its section is.
    last = phone.locator(".bd-article section section h2").last  # type: ignore[attr-defined]
    last.scroll_into_view_if_needed()
    assert last.is_visible()
    assert not phone.problems.all(), phone.problems.all()  # type: ignore[attr-defined]


def test_a_cases_later_questions_are_whole_when_shown(phone: object, base_url: str) -> None:
    """A case's later questions are not laid out as the page first paints; once the page has
    loaded (the fixture waits for render-sections.js) they are, so when a student answers
    stage 1, every question of stage 2 is there, including those far below the screen."""
    phone.goto(f"{base_url}/book/cases/refractory-ceh.html", wait_until="load")  # type: ignore[attr-defined]
    assert phone.evaluate(STILL_LAZY) == []  # type: ignore[attr-defined]
    stages = phone.locator(".vignette-stage")  # type: ignore[attr-defined]
    expect(stages.nth(1)).to_be_hidden()
    answer_stage_one(phone)
    expect(stages.nth(1)).to_be_visible()
    # Back to the top, where a student starts: what makes this a test is that the stage's last
    # question is then further below the screen than Chromium renders by itself (150 % of
    # the screen's height, kViewportMarginPercentage).
    phone.evaluate("scrollTo(0, 0)")  # type: ignore[attr-defined]
    phone.evaluate(TWO_FRAMES)  # type: ignore[attr-defined]
    questions = stages.nth(1).locator("fieldset.vignette-question")
    assert questions.last.evaluate("q => q.getBoundingClientRect().top > 2.5 * innerHeight")
    states = questions.evaluate_all(f"qs => qs.map({RENDERED})")
    assert len(states) >= 2 and all(states), states
    assert not phone.problems.all(), phone.problems.all()  # type: ignore[attr-defined]


def test_the_lazy_parts_are_the_same_in_the_stylesheet_and_the_script() -> None:
    """course.css leaves these parts unrendered; render-sections.js renders the same ones once
    the page has loaded. A part only in the stylesheet would stay unrendered for good."""
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "_static" / "course.css").read_text(encoding="utf-8"), flags=re.S)
    lazy_in_css = {selector.strip() for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
                   if re.search(r"content-visibility:\s*auto", body) for selector in selectors.split(",")}
    script = (ROOT / "src" / "cehcourse" / "static" / "render-sections.js").read_text(encoding="utf-8")
    lazy_in_script = set(re.search(r'var LAZY = "([^"]+)"', script).group(1).split(", "))  # type: ignore[union-attr]
    assert lazy_in_css == lazy_in_script == {LAZY_SECTIONS, LAZY_QUESTIONS}


def test_a_link_into_the_middle_of_a_chapter_lands_on_its_heading(phone: object, base_url: str) -> None:
    """Instructors link to sections; the sections above the target render after the jump
    and must not push it off the screen."""
    target = "the-differential-diagnosis"
    phone.goto(f"{base_url}/book/assessment.html#{target}", wait_until="load")  # type: ignore[attr-defined]
    phone.wait_for_timeout(300)  # type: ignore[attr-defined]
    top = phone.evaluate(f"() => document.getElementById('{target}').querySelector('h3, h2').getBoundingClientRect().top")  # type: ignore[attr-defined]
    assert 0 <= top < 200, f"the linked heading is {top:.0f} px from the top of the screen"


def test_tables_that_scroll_sideways_can_be_reached_by_keyboard(phone: object, base_url: str) -> None:
    phone.goto(f"{base_url}/book/assessment.html", wait_until="load")  # type: ignore[attr-defined]
    stops = """() => [...document.querySelectorAll('.pst-scrollable-table-container, pre')].map(b =>
        [b.scrollWidth > b.clientWidth || b.scrollHeight > b.clientHeight, b.getAttribute('tabindex')])"""
    blocks = phone.evaluate(stops)  # type: ignore[attr-defined]
    wide = [tabindex for scrolls, tabindex in blocks if scrolls]
    assert wide, "at 390 px some of the chapter's tables scroll sideways"
    assert all(tabindex == "0" for tabindex in wide), blocks
    assert all(tabindex == "-1" for scrolls, tabindex in blocks if not scrolls), blocks
    # A wider screen: tables that now fit lose their tab stop.
    phone.set_viewport_size({"width": 1280, "height": 800})  # type: ignore[attr-defined]
    settled = f"() => ({stops})().every(([scrolls, tabindex]) => (tabindex === '0') === scrolls)"
    phone.wait_for_function(settled, timeout=5000)  # type: ignore[attr-defined]
    blocks = phone.evaluate(stops)  # type: ignore[attr-defined]
    assert any(tabindex == "-1" for _scrolls, tabindex in blocks), "at 1280 px some tables fit"
    assert not phone.problems.all(), phone.problems.all()  # type: ignore[attr-defined]


def test_print_lays_out_every_section(page: object, base_url: str) -> None:
    """On screen the parts are lazy; in print, everything is laid out. (render-sections.js is
    left out, so that what is measured is the stylesheet's doing.)"""
    page.route("**/render-sections.js*", lambda route: route.fulfill(body="", content_type="text/javascript"))  # type: ignore[attr-defined]
    # Not goto's "load": the fixture's goto would then wait for render-sections.js to say the
    # page is whole, which it never will here.
    page.goto(f"{base_url}/book/assessment.html", wait_until="domcontentloaded")  # type: ignore[attr-defined]
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    kinds = f"() => [...new Set([...document.querySelectorAll('{LAZY_SECTIONS}, {LAZY_QUESTIONS}')].map(s => getComputedStyle(s).contentVisibility))]"
    assert page.evaluate(kinds) == ["auto"]  # type: ignore[attr-defined]
    assert page.locator(LAZY_QUESTIONS).count() > 0, "the chapter's checks have later stages"  # type: ignore[attr-defined]
    page.emulate_media(media="print")  # type: ignore[attr-defined]
    assert page.evaluate(kinds) == ["visible"]  # type: ignore[attr-defined]


def test_the_theme_script_in_the_site_leaves_tab_stops_to_the_course(site: Path) -> None:
    script = (site / theme_patch.THEME_SCRIPT).read_text(encoding="utf-8")
    assert "tab stops by render-sections.js" in script, "the build left the theme's pass in"


def _installed_theme_script() -> str:
    import pydata_sphinx_theme

    path = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "scripts" / "pydata-sphinx-theme.js"
    return path.read_text(encoding="utf-8")


def test_the_patch_takes_out_only_the_load_time_pass() -> None:
    original = _installed_theme_script()
    patched = theme_patch.remove_tab_stop_pass(original)
    assert patched != original
    assert theme_patch.remove_tab_stop_pass(patched) == patched, "patching twice changes nothing"
    # Only the call went: the function is still there (its resize and mutation hooks lived in it).
    assert len(original) - len(patched) < 120
    assert patched.count("function ") == original.count("function ")


def test_a_changed_theme_stops_the_build_with_a_clear_message() -> None:
    with pytest.raises(ExtensionError, match=r"pydata-sphinx-theme\.js: the theme's load-time tab-stop pass"):
        theme_patch.remove_tab_stop_pass("console.log('a different theme script')")
    with pytest.raises(ExtensionError, match=r"pydata-sphinx-theme\.js: the theme's sidebar scroll"):
        theme_patch.defer_sidebar_scroll("console.log('a different theme script')")
    with pytest.raises(ExtensionError, match=r"pydata-sphinx-theme\.js: the theme's contents highlighting"):
        theme_patch.defer_toc_syncing("console.log('a different theme script')")


def test_the_contents_highlighting_measures_in_a_task_of_its_own() -> None:
    original = _installed_theme_script()
    patched = theme_patch.defer_toc_syncing(original)
    assert patched != original and theme_patch.defer_toc_syncing(patched) == patched
    assert patched.replace("setTimeout(c)/*cehcourse: later*/", "c()") == original


def test_the_sidebar_scroll_waits_and_is_skipped_while_the_sidebar_is_hidden() -> None:
    original = _installed_theme_script()
    patched = theme_patch.defer_sidebar_scroll(original)
    assert theme_patch.defer_sidebar_scroll(patched) == patched, "patching twice changes nothing"
    start = patched.index("cehcourse: later")
    scroll = patched[start : patched.index("sidebar-scroll-top", patched.index("beforeunload", start))]
    assert scroll.index("setTimeout(function(){") < scroll.index("getBoundingClientRect"), "measured in a task of its own"
    assert 'visibility==="hidden")return' in scroll, "skipped while the sidebar is hidden"
    # Nothing else changed: the same code with the wrapper taken out.
    unwrapped = patched.replace(theme_patch._DEFERRED + "setTimeout(function(){", "").replace(theme_patch._SKIP_HIDDEN, "")
    assert unwrapped.replace("})})}),", "})}),", 1) == original


def test_the_sidebar_is_scrolled_to_the_current_page_on_a_desktop(page: object, base_url: str) -> None:
    """On a desktop the theme still scrolls the sidebar so that the current page shows."""
    page.set_viewport_size({"width": 1280, "height": 400})  # type: ignore[attr-defined]
    page.goto(f"{base_url}/exercises/play-the-cases.html", wait_until="load")  # type: ignore[attr-defined]
    sidebar = page.locator("#pst-primary-sidebar")  # type: ignore[attr-defined]
    page.wait_for_function("() => document.getElementById('pst-primary-sidebar').scrollTop > 0")  # type: ignore[attr-defined]
    current = sidebar.locator(".current.reference").last
    top = current.evaluate("a => a.getBoundingClientRect().top")
    assert 0 < top < 400, f"the current page's link is in view in the sidebar ({top:.0f})"
    assert not page.problems.all(), page.problems.all()  # type: ignore[attr-defined]


def test_figure_labels_are_laid_out_at_the_figures_own_size(site: Path) -> None:
    """figure_text.py: every SVG figure with labels carries text-rendering="geometricPrecision"."""
    labelled = [path for path in (site / "_images").glob("*.svg") if "<text" in path.read_text(encoding="utf-8")]
    assert labelled, "the care pathway and the notebooks' charts have text labels"
    unmarked = [path.name for path in labelled if 'text-rendering="geometricPrecision"' not in path.read_text(encoding="utf-8")[:2000]]
    assert not unmarked, unmarked


def test_the_figure_mark_goes_on_the_root_once_and_only_where_there_is_text() -> None:
    svg = '<?xml version="1.0"?>\n<svg width="10pt" viewBox="0 0 10 10"><text x="1">A</text></svg>'
    marked = figure_text.with_precise_text(svg)
    assert marked.startswith('<?xml version="1.0"?>\n<svg text-rendering="geometricPrecision" width="10pt"')
    assert figure_text.with_precise_text(marked) == marked
    no_text = '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>'
    assert figure_text.with_precise_text(no_text) == no_text


def test_svg_figures_get_their_size_so_their_box_is_kept_while_loading() -> None:
    sizes = {"pathway.svg": (742, 852)}
    body = ('<img alt="A" src="../_images/pathway.svg" style="width: 100%;" />'
            '<img src="../_images/other.svg" /><img width="5" src="../_images/pathway.svg" />')
    sized = figure_size.with_sizes(body, sizes.get)
    assert sized.startswith('<img width="742" height="852" alt="A" src="../_images/pathway.svg"')
    assert '<img src="../_images/other.svg" />' in sized, "a figure of unknown size is left alone"
    assert '<img width="5" src="../_images/pathway.svg" />' in sized, "a size already given stays"


def test_an_svg_size_is_its_root_size_in_css_pixels(tmp_path: Path) -> None:
    matplotlib = tmp_path / "chart.svg"
    matplotlib.write_text('<?xml version="1.0"?>\n<svg width="432pt" height="288pt" viewBox="0 0 432 288"><g/></svg>')
    assert figure_size.svg_size(matplotlib, 0.0) == (576, 384), "points are 4/3 of a CSS pixel"
    unitless = tmp_path / "plain.svg"
    unitless.write_text('<svg viewBox="0 0 720 461"><svg viewBox="0 0 1 1"/></svg>')
    assert figure_size.svg_size(unitless, 0.0) == (720, 461), "the root's viewBox, not a nested one"
    tiny = tmp_path / "tiny.svg"
    tiny.write_text('<svg viewBox="0 0 0.2 0.2"/>')
    assert figure_size.svg_size(tiny, 0.0) is None


def test_figures_in_the_site_reserve_their_box(site: Path) -> None:
    pathway = (site / "book" / "care-pathway.html").read_text(encoding="utf-8")
    assert re.search(r'<img width="989" height="1135" [^>]*src="\.\./_images/pathway\.svg"', pathway)
    # A notebook's charts too (matplotlib, sized in points).
    notebook = (site / "exercises" / "reading-evidence.html").read_text(encoding="utf-8")
    charts = re.findall(r"<img\b[^>]*_images/[^\"]+\.svg[^>]*>", notebook)
    assert charts and all(re.search(r'\swidth="\d+" height="\d+"', chart) for chart in charts), charts


def test_a_block_a_script_adds_later_gets_its_tab_stop(phone: object, base_url: str) -> None:
    """The question bank draws its cards after the page has loaded; a card's wide table must
    be reachable by keyboard as one in the page is."""
    phone.goto(f"{base_url}/book/practice.html", wait_until="load")  # type: ignore[attr-defined]
    phone.evaluate("""() => { const pre = document.createElement('pre'); pre.id = 'added-later';
        pre.textContent = 'x'.repeat(400); document.getElementById('main-content').querySelector('article').append(pre); }""")  # type: ignore[attr-defined]
    phone.wait_for_function("() => document.getElementById('added-later').getAttribute('tabindex') === '0'", timeout=5000)  # type: ignore[attr-defined]


# ---- section edges (section_edges.py) ----------------------------------------------------


def test_the_element_before_a_section_and_a_sections_last_element_are_marked() -> None:
    body = ('<section id="page"><h1>T</h1><p>Intro</p><img src="a.png" alt="a class=b" />\n'
            '<section class="x" id="one"><h2>One</h2><p class="x">Text</p><section class="vignette"><p>Q</p></section></section>'
            '<section id="two"><h2>Two</h2><ul><li>open item</ul><p>End<br></p></section>'
            '<section id="three"><h2>Three</h2><p>open paragraph<div>a block closes it</div></section></section>')
    marked = section_edges.mark_section_edges(body)
    edge = section_edges.EDGE_ATTRIBUTE
    assert f'<img src="a.png" alt="a class=b" {edge} />' in marked, "before the first section (a void element)"
    assert f'<section class="vignette" {edge}>' in marked, "a quiz card ending a section"
    assert f'<section class="x" id="one" {edge}>' in marked and f'<section id="two" {edge}>' in marked, \
        "a section followed by a section"
    assert f'<p {edge}>End<br></p>' in marked, "a section's last element"
    assert f'<div {edge}>a block closes it</div>' in marked and "<p>open paragraph" in marked, \
        "a block start tag closes an open paragraph, as in a browser"
    assert '<p class="x">Text</p>' in marked and "<p>Q</p>" in marked and "<p>Intro</p>" in marked
    assert marked.count(edge) == 6
    assert section_edges.mark_section_edges("<p>no sections</p>") == "<p>no sections</p>"


def test_section_edges_in_the_site_are_the_ones_the_stylesheet_had_found(phone: object, base_url: str) -> None:
    """What `:has(+ section)` and `:last-child` found once the page is whole, and only that,
    is marked on the pages that had moved while arriving."""
    for path in ("book/answer-key/medications.html", "book/assessment.html", "exercises/reading-evidence.html"):
        phone.goto(f"{base_url}/{path}")  # type: ignore[attr-defined]
        found, marked = phone.evaluate("""() => {
          const lazy = '.bd-article section > section:not(.vignette)';
          const found = new Set([...document.querySelectorAll(`${lazy} > :last-child, .bd-article section > :has(+ ${lazy.split(' > ')[1]})`)]);
          const marked = new Set(document.querySelectorAll('[data-section-edge]'));
          return [found.size, [...found].every(e => marked.has(e)) && [...marked].every(e => found.has(e)) ? marked.size : -1];
        }""")  # type: ignore[attr-defined]
        assert found > 10 and marked == found, f"{path}: {found} edges in the page, {marked} marked as the same"


def test_the_page_contents_follow_the_reader_on_a_desktop(page: object, base_url: str) -> None:
    """The theme highlights, in the page's contents, the section being read (set up a moment
    after load by theme_patch.defer_toc_syncing)."""
    page.set_viewport_size({"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.goto(f"{base_url}/book/procedures.html", wait_until="load")  # type: ignore[attr-defined]
    page.wait_for_selector("html[data-sections-rendered]", state="attached")  # type: ignore[attr-defined]
    heading = page.get_by_role("heading", name="Glucocorticoid injections", level=2)  # type: ignore[attr-defined]
    heading.evaluate("h => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 120)")
    active = page.locator("#pst-page-toc-nav a.active")  # type: ignore[attr-defined]
    expect(active).to_have_text("Glucocorticoid injections")
    assert not page.problems.all(), page.problems.all()  # type: ignore[attr-defined]
