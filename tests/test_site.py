"""Reader-quality gates for every built HTML page, in Debian's chromium.

Each page must load offline (no request leaves the local server), without console errors,
page errors or failed requests, with no axe-core WCAG 2.1 A/AA violation in light AND dark
mode, with every internal link and #anchor resolving, and with the medical disclaimer
visible. Failures name the page and list every problem found on it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import NO_TRANSITIONS, SITE, run_axe

DISCLAIMER = "not medical advice"
# Sphinx's generated index is empty for this book but is still a page a reader can reach.
PAGES = sorted(
    path.relative_to(SITE).as_posix()
    for path in SITE.rglob("*.html")
    if not path.relative_to(SITE).parts[0].startswith(("_static", "_sources", "_images"))
) or ["index.html"]  # not built: the `site` fixture then fails with a clear message


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@lru_cache(maxsize=None)
def ids_in(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def link_problems(page: object, site: Path, base_url: str, relpath: str) -> list[str]:
    """Internal <a href> targets that do not exist, and #anchors with no matching id."""
    links = page.evaluate(  # type: ignore[attr-defined]
        """() => Array.from(document.querySelectorAll('a[href]')).map(a => [a.getAttribute('href'), a.href])"""
    )
    dom_ids = set(page.evaluate("() => Array.from(document.querySelectorAll('[id]')).map(e => e.id)"))  # type: ignore[attr-defined]
    here = urlsplit(f"{base_url}/{relpath}").path
    problems = []
    for raw, absolute in links:
        if not absolute.startswith(base_url + "/"):
            continue  # external, mailto:, javascript: ... (external links are not requested)
        parts = urlsplit(absolute)
        target_path = unquote(parts.path)
        target = site / target_path.lstrip("/")
        if target_path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            problems.append(f"broken link: {raw!r} -> {target_path} does not exist")
            continue
        fragment = unquote(parts.fragment)
        if not fragment:
            continue
        ids = dom_ids if target_path == here else ids_in(target)
        if target.suffix == ".html" and fragment not in ids:
            problems.append(f"broken anchor: {raw!r} -> no id {fragment!r} in {target_path}")
    return sorted(set(problems))


def load(page: object, url: str) -> None:
    page.goto(url, wait_until="load")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]


@pytest.mark.parametrize("relpath", PAGES)
def test_page_is_reader_quality(page: object, site: Path, base_url: str, relpath: str) -> None:
    url = f"{base_url}/{relpath}"
    load(page, url)
    problems = list(page.problems.all())  # type: ignore[attr-defined]

    disclaimer = page.locator(f"text=/{DISCLAIMER}/i").first  # type: ignore[attr-defined]
    if not disclaimer.count() or not disclaimer.is_visible():
        problems.append(f"the disclaimer ({DISCLAIMER!r}) is not visible")

    problems += [f"axe (light): {v}" for v in run_axe(page)]
    problems += link_problems(page, site, base_url, relpath)

    # Dark mode, as a reader who picked it in the theme switch gets it. The page's requests
    # were checked on the first load (and are still collected); run_axe waits for the page
    # to be whole, and any colour transition is ended at once rather than waited out.
    page.evaluate("() => localStorage.setItem('mode', 'dark')")  # type: ignore[attr-defined]
    page.goto(url, wait_until="load")  # type: ignore[attr-defined]
    page.add_style_tag(content=NO_TRANSITIONS)  # type: ignore[attr-defined]
    mode = page.evaluate("() => document.documentElement.dataset.theme")  # type: ignore[attr-defined]
    if mode != "dark":
        problems.append(f"dark mode did not apply (data-theme={mode!r})")
    problems += [f"axe (dark): {v}" for v in run_axe(page)]
    problems += [p for p in page.problems.all() if p not in problems]  # type: ignore[attr-defined]

    if problems:
        pytest.fail(f"{relpath}: {len(problems)} problem(s)\n  " + "\n  ".join(problems), pytrace=False)


def _search(page: object, base_url: str, word: str) -> list[str]:
    load(page, f"{base_url}/search.html?q={word}")
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => { const s = document.querySelector('#search-results .search-summary, #search-results p');"
        " return s && !/searching|preparing/i.test(s.textContent); }",
        timeout=15000,
    )
    return list(page.locator("#search-results ul.search li a").all_text_contents())  # type: ignore[attr-defined]


def _pages_mentioning(site: Path, word: str) -> list[str]:
    return [
        p
        for p in PAGES
        if p != "search.html" and re.search(rf"\b{word}\b", (site / p).read_text(encoding="utf-8"), re.I)
    ]


@pytest.mark.parametrize("word", ["headache", "pregabalin"])
def test_search_works_offline(page: object, site: Path, base_url: str, word: str) -> None:
    expected = _pages_mentioning(site, word)
    assert expected, f"no page mentions {word!r}: the search check needs a word the book uses"
    results = _search(page, base_url, word)
    problems = page.problems.all()  # type: ignore[attr-defined]
    assert results, f"searching {word!r} found nothing, though {len(expected)} page(s) mention it: {expected[:5]}"
    assert not problems, "search.html: " + "\n  ".join(problems)


def test_a_students_search_finds_the_teaching_not_the_answer_key(page: object, base_url: str) -> None:
    """The answer key is for instructors, who reach it from the contents and the instructor
    guide: a student searching a medicine gets the chapter and the cases, not the answers."""
    results = _search(page, base_url, "pregabalin")
    assert "Medicines" in results, results
    answers = [title for title in results if title.startswith("Answer key")]
    assert not answers, f"a search for pregabalin offers the answer key: {answers}"
    page.goto(f"{base_url}/book/instructor-guide.html")  # type: ignore[attr-defined]
    assert page.locator("article.bd-article a[href='answer-key.html']").count(), "the instructor guide links to the key"  # type: ignore[attr-defined]


@pytest.mark.parametrize("word", ["pregabalin", "flexion"])
def test_search_snippets_never_show_answers(page: object, base_url: str, word: str) -> None:
    """Snippets are cut from each found page's text; the quizzes' worked answers (and the
    answer key's entries) must not be in them."""
    results = _search(page, base_url, word)
    assert results
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    snippets = page.locator("#search-results ul.search li .context").all_text_contents()  # type: ignore[attr-defined]
    assert snippets, "search shows snippets"
    for marker in ("Correct option", "Incorrect option", "Teaching point", "Answer:"):
        shown = [s for s in snippets if marker in s]
        assert not shown, f"a snippet shows a worked answer ({marker!r}): {shown[0][:160]}"


def test_skip_link_and_visible_focus(page: object, base_url: str) -> None:
    chapter = "book/what-is-ceh.html" if "book/what-is-ceh.html" in PAGES else "index.html"
    load(page, f"{base_url}/{chapter}")
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    page.wait_for_timeout(400)  # type: ignore[attr-defined]  # the link slides in (0.15 s)
    focused = page.evaluate(  # type: ignore[attr-defined]
        """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                   const s = getComputedStyle(e);
                   return {text: e.textContent.trim(), href: e.getAttribute('href'),
                           visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight,
                           outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                           shadow: s.boxShadow !== 'none'}; }"""
    )
    assert focused["href"] == "#main-content", f"the first Tab stop is not the skip link: {focused}"
    assert focused["visible"], f"the focused skip link is not on screen: {focused}"
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert page.evaluate("() => location.hash") == "#main-content"  # type: ignore[attr-defined]
    # Keep tabbing: every focused control shows a focus indicator.
    missing = []
    for _ in range(12):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        state = page.evaluate(  # type: ignore[attr-defined]
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                       if (e === document.body) return ['<body>', true];  // past the last control
                       return [e.outerHTML.slice(0, 80), (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none']; }"""
        )
        if not state[1]:
            missing.append(state[0])
    assert not missing, "focus is not visible on:\n  " + "\n  ".join(missing)
