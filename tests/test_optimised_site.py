"""Guards for the optimised site (src/cehcourse/optimise): each page looks exactly as Sphinx
built it, in light and dark mode, on a phone and a desktop; classes that scripts add at run
time keep their rules; and the head holds what the optimisation promises.

Sphinx's own output is kept by the build under the doctree folder (the optimiser starts
every pass from it): served beside the same _static, it is the site built without the
optimisation, so no second build is needed.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
from functools import lru_cache
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cehcourse.optimise import head
from cehcourse.optimise.site import STORE_NAME, pages, root_of
from cehcourse.optimise.stylesheets import load as load_stylesheet
from cehcourse.optimise.minify import minify
from conftest import NO_TRANSITIONS, SECTIONS_RENDERED, SITE, run_axe
from localsite import serve
from runtime_classes import runtime_classes

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# What a reader sees of each element and of its ::before and ::after: its box and the
# properties a stylesheet sets. Compared for every element, so a rule lost anywhere on a
# page shows, not only in the part a screenshot holds. Margins, padding, sizes and fonts
# show in the boxes; dark mode changes colours only, so it compares those.
STYLE = ["visibility", "opacity", "color", "background-color", "background-image", "font-family", "font-weight",
         "font-style", "text-align", "text-decoration-line", "text-transform", "letter-spacing", "white-space",
         "border-top", "border-right", "border-bottom", "border-left", "border-radius", "box-shadow", "transform",
         "list-style-type", "overflow", "mask-image", "content"]
COLOURS = ["color", "background-color", "background-image", "border-top-color", "border-right-color",
           "border-bottom-color", "border-left-color", "box-shadow", "text-decoration-color", "content"]
FINGERPRINT = """props => {
  const out = [];
  for (const e of document.body.querySelectorAll('*:not(script):not(style):not(template)')) {
    const r = e.getBoundingClientRect();
    let line = e.tagName + '#' + e.id + '.' + (typeof e.className === 'string' ? e.className : '') + ' '
      + [r.x, r.y + window.scrollY, r.width, r.height].map(v => Math.round(v * 10) / 10).join(',');
    const s = getComputedStyle(e);
    line += ' ' + props.map(p => s.getPropertyValue(p)).join('|');
    for (const pseudo of ['::before', '::after']) {
      const q = getComputedStyle(e, pseudo);
      if (q.content !== 'none' && q.content !== 'normal') line += ' ' + pseudo + props.map(p => q.getPropertyValue(p)).join('|');
    }
    out.push(line);
  }
  return out;
}"""
# The same list, hashed in the page (FNV-1a): moving every element's line out of the page
# for each view took longer than making it.
FINGERPRINT_HASH = FINGERPRINT.replace("return out;", (
    "const text = out.join('\\n'); let h = 0x811c9dc5;"
    " for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }"
    " return [h >>> 0, out.length];"))
assert FINGERPRINT_HASH != FINGERPRINT


@pytest.fixture(scope="session")
def store(site: Path) -> Path:
    kept = site.parent / ".doctrees" / STORE_NAME
    if not kept.is_dir():
        pytest.fail(f"the build kept no unoptimised copy of the site ({kept}): build with `make book`")
    return kept


@pytest.fixture(scope="session")
def unoptimised_site(site: Path, store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as Sphinx wrote it: its kept pages beside the same _static."""
    copy = tmp_path_factory.mktemp("unoptimised") / "html"
    shutil.copytree(site, copy)
    for page in pages(site):
        if not (store / page).is_file():
            pytest.fail(f"{page}: no unoptimised copy kept in {store}: rebuild from clean (make clean book)")
        shutil.copyfile(store / page, copy / page)
    return copy


# ---- the head: what the optimisation promises --------------------------------------------


def test_every_page_is_the_optimised_form_of_what_sphinx_wrote(site: Path, store: Path) -> None:
    """The kept copies are in step with the site (or the screenshot guard would compare
    against stale pages), and each page's head is lean: one existing content-hashed
    stylesheet, no script preloads, no script that blocks the first paint, Sphinx's search
    scripts only on the search page."""
    options = (site / "_static" / head.DOCUMENTATION_OPTIONS).read_text(encoding="utf-8")
    problems = []
    for page in pages(site):
        text = (site / page).read_text(encoding="utf-8")
        tags = head.head_tags(text)
        styles = [tag.attrs["href"] for tag in tags if tag.name == "link" and "stylesheet" in tag.attrs.get("rel", "")]
        scripts = [tag.attrs.get("src", "").split("?")[0].rsplit("/", 1)[-1] for tag in tags if tag.name == "script"]
        bundle = styles[0][len(root_of(page)):] if len(styles) == 1 else ""
        if not re.fullmatch(r"_static/site\.[0-9a-f]{12}\.css", bundle) or not (site / bundle).is_file():
            problems.append(f"{page}: stylesheets {styles}, not one existing _static/site.<hash>.css")
        if any(tag.attrs.get("rel") == "preload" for tag in tags):
            problems.append(f"{page}: preloads a script")
        search_scripts = sorted(set(scripts) & set(head.SEARCH_ONLY_SCRIPTS))
        if page != head.SEARCH_PAGE and search_scripts:
            problems.append(f"{page}: loads {search_scripts}, which only work on search.html")
        if head.DOCUMENTATION_OPTIONS in scripts or "const DOCUMENTATION_OPTIONS" not in text:
            problems.append(f"{page}: documentation options not inline")
        blocking = [tag.attrs["src"] for tag in tags if tag.name == "script" and tag.attrs.get("src") and not {"defer", "async"} & tag.attrs.keys()]
        if blocking:
            problems.append(f"{page}: {blocking} hold up the first paint")
        kept = (store / page).read_text(encoding="utf-8")
        if head.rewrite(kept, root=root_of(page), bundle=bundle, documentation_options=options,
                        search_page=page == head.SEARCH_PAGE) != text:
            problems.append(f"{page}: not the optimised form of the kept copy (the store is stale)")
    assert not problems, "\n".join(problems)
    for stylesheet in (site / "_static").glob("site.*.css"):
        css = stylesheet.read_text(encoding="utf-8")
        assert "/*" not in css, f"{stylesheet.name} is not minified"
        assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", css), f"{stylesheet.name} fetches from another site"


# ---- classes that scripts add at run time -------------------------------------------------

def _selectors(css: str) -> set[str]:
    """Every selector of a stylesheet, one by one, in the minifier's spelling (so that the
    original and the optimised stylesheet compare)."""
    import tinycss2

    found: set[str] = set()

    def walk(rules: list[Any]) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                found.update(_split_selector_list(tinycss2.serialize(rule.prelude)))
            elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports", "layer", "container"):
                walk(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))

    walk(tinycss2.parse_stylesheet(minify(css), skip_comments=True, skip_whitespace=True))
    return found


@lru_cache(maxsize=None)
def _stylesheet_selectors(site: Path, path: str) -> set[str]:
    """The selectors of one of Sphinx's stylesheets (bundles share most of them)."""
    return _selectors(load_stylesheet(site, path))


def _split_selector_list(selectors: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in selectors:
        depth += char in "([" 
        depth -= char in ")]"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return parts + [current]


_SELECTOR_CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
_HTML_CLASS = re.compile(r"""\sclass=(?:"([^"]*)"|'([^']*)')""")


def test_classes_added_at_run_time_keep_their_rules(site: Path, store: Path) -> None:
    """For every class that a page's scripts (theme and course) add at run time and that
    has a rule in the page's unoptimised stylesheets, the rule is still in the page's
    optimised stylesheet: a purge that drops one fails here, not in front of a student.
    A rule whose other classes never occur on the page's pages is not required."""
    problems: set[str] = set()
    checked = 0
    by_bundle: dict[str, list[str]] = {}
    for page in pages(site):
        tags = head.head_tags((site / page).read_text(encoding="utf-8"))
        bundle = next(tag.attrs["href"][len(root_of(page)):] for tag in tags if tag.name == "link" and "stylesheet" in tag.attrs.get("rel", ""))
        by_bundle.setdefault(bundle, []).append(page)
    for bundle, members in by_bundle.items():
        kept_pages = {page: (store / page).read_text(encoding="utf-8") for page in members}
        scripts = {src for page, text in kept_pages.items() for src in _script_files(site, page, text)}
        names, patterns = runtime_classes([script.read_text(encoding="utf-8", errors="replace") for script in sorted(scripts)])
        present = names | {c for text in kept_pages.values() for d, s in _HTML_CLASS.findall(text) for c in (d or s).split()}
        first = next(iter(kept_pages))
        original = set().union(*(_stylesheet_selectors(site, path) for path in head.stylesheets(kept_pages[first], root_of(first))))
        optimised = _selectors((site / bundle).read_text(encoding="utf-8"))
        for selector in original:
            classes = set(_SELECTOR_CLASS.findall(re.sub(r":not\([^)]*\)", "", selector)))
            added = {c for c in classes if c in names or any(re.match(p, c) for p in patterns)}
            if not added or not classes <= present | added:
                continue
            checked += 1
            if selector not in optimised:
                problems.add(f"{bundle}: `{selector}` (class {', '.join(sorted(added))} is added at run time) was purged")
    assert checked > 50, f"only {checked} rules for run-time classes found: is the script scan still finding them?"
    assert not problems, "\n".join(sorted(problems))


def _script_files(site: Path, page: str, text: str) -> list[Path]:
    files = []
    for url in re.findall(r"""<script\b[^>]*?\b(?:src|data-first-use-src)=["']([^"']+)["']""", text):
        if not re.match(r"^(?:[a-z]+:|//)", url):
            path = (site / page).parent / url.split("?")[0]
            if path.is_file():
                files.append(path.resolve())
    return files


# ---- the screenshot guard --------------------------------------------------------------

# Both sites draw the same "random" numbers (the question bank draws a random set).
SEEDED_RANDOM = """(() => {
  let s = 20261128;
  Math.random = () => (s = (s * 16807) % 2147483647) / 2147483647;
  crypto.getRandomValues = (array) => { for (let i = 0; i < array.length; i++) array[i] = Math.floor(Math.random() * 256); return array; };
})();"""
# Antialiasing of curved edges (rounded corners) can differ by a level or two between two
# paints of the same page, and now and then by more at a pixel or two (one corner pixel of
# the chapter box did, once in four runs of the whole suite). A lost rule changes far more:
# the thinnest, a 1 px border, runs along a whole box; and the element fingerprint compares
# every computed colour exactly.
ANTIALIASING = 2
STRAY_PIXELS = 3


def _pixels_differ(one: bytes, other: bytes) -> str:
    """'' when two PNG screenshots show the same picture; otherwise where they differ."""
    if one == other:
        return ""
    from PIL import Image, ImageChops

    first, second = Image.open(io.BytesIO(one)).convert("RGB"), Image.open(io.BytesIO(other)).convert("RGB")
    if first.size != second.size:
        return f"sizes {first.size} and {second.size}"
    difference = ImageChops.difference(first, second).point(lambda level: 255 if level > ANTIALIASING else 0)
    differing = sum(difference.convert("L").histogram()[1:])
    return f"{differing} pixels differ, in {difference.getbbox()}" if differing > STRAY_PIXELS else ""


def test_the_screenshot_comparison_sees_a_lost_rule_but_not_a_stray_corner_pixel() -> None:
    from PIL import Image

    def png(marks: list[tuple[int, int]]) -> bytes:
        image = Image.new("RGB", (60, 40), "white")
        for xy in marks:
            image.putpixel(xy, (0, 0, 0))
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue()

    page = png([])
    assert _pixels_differ(page, png([])) == ""
    assert _pixels_differ(page, png([(59, 39), (58, 39)])) == "", "a corner's antialiasing"
    border = png([(x, 10) for x in range(5, 35)])  # a lost 1 px border, 30 px long
    assert _pixels_differ(page, border).startswith("30 pixels differ")


def _show(tab: Any, viewport: dict[str, int], mode: str) -> None:
    """The page at this size in this colour mode (switched as the theme's switch does)."""
    tab.set_viewport_size(viewport)
    tab.evaluate("m => { document.documentElement.dataset.theme = m; document.documentElement.dataset.mode = m;"
                 " window.scrollTo(0, 0); }", mode)


def _looks(tab: Any, cdp: Any, url: str) -> dict[tuple[int, str], tuple[bytes, list[int]]]:
    """A page's top-of-page screenshot and element fingerprint (its hash: the whole list is
    only fetched to report a difference) on a phone and a desktop, light and dark. The
    screenshots come straight from chromium, PNG compressed for speed (still lossless)."""
    seen = {}
    tab.set_viewport_size(PHONE)
    tab.goto(url, wait_until="load")
    # The question bank draws its set one question per task, after the load event.
    tab.wait_for_function("() => !document.querySelector('[aria-busy=\"true\"]')")
    # Long pages render their sections after the load event (render-sections.js).
    tab.wait_for_function(SECTIONS_RENDERED)
    tab.add_style_tag(content=NO_TRANSITIONS)
    tab.evaluate("document.fonts.ready")
    for viewport in (PHONE, DESKTOP):
        for mode in ("light", "dark"):
            _show(tab, viewport, mode)
            fingerprint = tab.evaluate(FINGERPRINT_HASH, STYLE if mode == "light" else COLOURS)
            shot = base64.b64decode(cdp.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})["data"])
            seen[(viewport["width"], mode)] = (shot, fingerprint)
    return seen


def _first_difference(elements: list[str], expected: list[str]) -> str:
    """The first element that differs in more than its height (its ancestors grow with it)."""
    def without_height(line: str) -> str:
        return re.sub(r"^(\S+ [\d.-]+,[\d.-]+,[\d.-]+),[\d.-]+", r"\1", line)

    pairs = [(i, a, b) for i, (a, b) in enumerate(zip(elements, expected)) if a != b]
    if not pairs:
        return f"{len(elements)} elements, {len(expected)} without the optimisation"
    i, a, b = next((pair for pair in pairs if without_height(pair[1]) != without_height(pair[2])), pairs[0])
    return f"element {i} differs:\n    optimised:   {a[:400]}\n    unoptimised: {b[:400]}"


def _compare(page: str, urls: tuple[str, str], tabs: list[tuple[Any, Any]], shots: Path) -> list[str]:
    optimised, unoptimised = (_looks(tab, cdp, f"{url}/{page}") for (tab, cdp), url in zip(tabs, urls))
    problems = []
    for (width, mode), (shot, fingerprint) in optimised.items():
        expected_shot, expected_fingerprint = unoptimised[(width, mode)]
        where = f"{page} ({width} px, {mode})"
        if difference := _pixels_differ(shot, expected_shot):
            name = re.sub(r"\W+", "-", where)
            (shots / f"{name}-optimised.png").write_bytes(shot)
            (shots / f"{name}-unoptimised.png").write_bytes(expected_shot)
            problems.append(f"{where}: the top of the page looks different: {difference} (screenshots in {shots})")
        if fingerprint != expected_fingerprint:
            viewport = PHONE if width == PHONE["width"] else DESKTOP
            elements = []
            for tab, _cdp in tabs:
                _show(tab, viewport, mode)
                elements.append(tab.evaluate(FINGERPRINT, STYLE if mode == "light" else COLOURS))
            problems.append(f"{where}: {_first_difference(*elements)}")
    return problems


@pytest.fixture(scope="session")
def guard_tabs(browser: Any, site: Path, unoptimised_site: Path) -> Iterator[tuple[tuple[str, str], list[tuple[Any, Any]]]]:
    """Both sites served, and one tab on each (seeded random, no motion), kept for the
    whole session: each page's comparison navigates them, as one pass over the pages did."""
    with serve(site) as optimised_url, serve(unoptimised_site) as unoptimised_url:
        tabs: list[tuple[Any, Any]] = []
        contexts = []
        for _site in range(2):
            context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
            context.add_init_script(SEEDED_RANDOM)
            tab = context.new_page()
            tabs.append((tab, context.new_cdp_session(tab)))
            contexts.append(context)
        yield (optimised_url, unoptimised_url), tabs
        for context in contexts:
            context.close()


def _guarded_pages() -> list[str]:
    """Every page (GUARD_PAGES, a regular expression, narrows them for a quick look),
    heaviest first so that the two test workers finish together."""
    if not (SITE / "index.html").exists():
        return ["index.html"]  # not built: the `site` fixture then fails with a clear message
    chosen = [page for page in pages(SITE) if re.search(os.environ.get("GUARD_PAGES", ""), page)]
    return sorted(chosen, key=lambda page: -(SITE / page).stat().st_size)


# One test per page (not one test for the whole site), so that pytest-xdist deals the pages
# out to both workers and the other tests fill the gaps.
@pytest.mark.browser
@pytest.mark.parametrize("page", _guarded_pages())
def test_every_page_looks_the_same_as_without_the_optimisation(
        page: str, guard_tabs: tuple[tuple[str, str], list[tuple[Any, Any]]], tmp_path: Path) -> None:
    """Every page, phone and desktop, light and dark: the top of the page pixel for pixel,
    and every element's box and style (the whole page, below the fold too) are the same
    as on the page Sphinx wrote."""
    urls, tabs = guard_tabs
    problems = _compare(page, urls, tabs, tmp_path)
    assert not problems, f"{len(problems)} difference(s):\n" + "\n".join(problems)


# ---- the optimised site still works ------------------------------------------------------


def test_a_student_on_a_phone_can_use_the_optimised_site(browser: Any, base_url: str) -> None:
    """The menu, the colour-mode switch, a quiz and search on the optimised pages (their
    scripts now load deferred, search's only on search.html), with no console error, no
    request leaving the site and no axe violation."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    problems: list[str] = []

    def offline(route: Any) -> None:
        if route.request.url.startswith((base_url, "data:", "blob:")):
            route.continue_()
        else:
            problems.append(f"external request: {route.request.url}")
            route.abort()

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    context.route("**/*", offline)
    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    try:
        page.goto(f"{base_url}/book/cases/classic-ceh.html", wait_until="load")
        page.locator(".course-menu-button").tap()
        drawer = page.locator("#pst-primary-sidebar-modal")
        assert drawer.evaluate("d => d.open"), "the menu button opens the contents"
        page.keyboard.press("Escape")
        assert not drawer.evaluate("d => d.open"), "Escape closes the contents"

        light = page.evaluate("getComputedStyle(document.body).backgroundColor")
        switch = page.locator(".theme-switch-button")
        for _ in range(3):  # the switch cycles through light, dark and the system's mode
            if page.evaluate("document.documentElement.dataset.theme") == "dark":
                break
            switch.tap()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark", "the switch reaches dark mode"
        page.wait_for_timeout(400)  # the theme's colour transition
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light, "dark mode repaints the page"

        question = page.locator("fieldset.vignette-question").first
        question.locator("label").first.tap()
        question.get_by_role("button", name="Check answer").tap()
        assert re.search(r"\b(Correct|Incorrect)\.", question.locator(".vignette-feedback").inner_text()), "the quiz grades the answer"
        problems += [f"axe (dark, feedback showing): {violation}" for violation in run_axe(page)]

        page.goto(f"{base_url}/search.html?q=pregabalin", wait_until="load")
        page.wait_for_function("() => document.querySelectorAll('#search-results ul.search li').length > 0", timeout=15000)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
