"""Shared fixtures: the built site served on loopback, and Debian's chromium driven by
Playwright (Playwright's own browser download cannot work offline)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from localsite import serve

ROOT = Path(__file__).resolve().parent.parent
# COURSE_SITE points the tests at another build (default: the repo's _build/html).
SITE = (ROOT / os.environ.get("COURSE_SITE", "_build/html")).resolve()
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags that keep chromium from reaching for the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


# Markers (registered in pyproject.toml) follow from the fixtures a test asks for, so a new
# test cannot forget them: `make unit` runs `-m "not site"` and needs no build.
# A style that ends every transition and animation at once (and hides the caret): a page is
# measured or compared as it settles, not half way through a colour change.
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; }"
SITE_FIXTURES = {"site", "base_url", "page", "phone", "browser"}
BROWSER_FIXTURES = {"page", "phone", "browser"}


# `make test` runs the site tests on three workers (pytest-xdist, `--dist loadgroup
# --no-loadscope-reorder`), which take them one by one in this order. The longest go first
# (measured with --durations, see notes/ENGINEERING-testtime.md), so that no worker is
# still on a long test while the others have nothing left to do.
LONGEST_FIRST = (
    "test_authoring_guide.py::test_step_7",
    "test_standalone_notebooks.py",
    "test_jupyterlab_ui.py",
    "test_pdf.py",
    "test_typing.py",
    "test_optimised_site.py::test_every_page_looks_the_same",
    "test_tiny_book.py",
    "test_loader.py::test_book_build_stops",
)
# Modules whose tests share an expensive module-scoped fixture (a JupyterLab server, a fresh
# virtual environment, a built book): kept on one worker, or each worker would set it up.
ONE_WORKER = ("test_jupyterlab_ui.py", "test_standalone_notebooks.py", "test_tiny_book.py")


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1]


def _rank(item: pytest.Item) -> int:
    name = _module(item) + item.nodeid[item.nodeid.index("::"):]
    return next((rank for rank, prefix in enumerate(LONGEST_FIRST) if name.startswith(prefix)), len(LONGEST_FIRST))


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`--dist loadgroup` with the groups above. pytest-xdist 3.8 marks a group by changing
    a test's id, which pytest 9 ignores (its own loadgroup split these modules over both
    workers, each starting the server), so the group is found here from the module."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneWorkerPerGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
            return module if module in ONE_WORKER else nodeid

    return OneWorkerPerGroup(config, log)  # type: ignore[arg-type]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        # A parametrized argument that shares a fixture's name (test_tiny_book's `page`) is
        # not that fixture: the tiny book needs no built site and no browser.
        callspec = getattr(item, "callspec", None)
        fixtures = set(getattr(item, "fixturenames", ())) - set(callspec.params if callspec else ())
        if fixtures & SITE_FIXTURES:
            item.add_marker(pytest.mark.site)
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
    items.sort(key=_rank)  # stable: the rest keep pytest's order


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail("the book is not built: run `make book` first (make test does)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@dataclass
class PageProblems:
    """What a careful reader's browser would complain about while a page loads."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed_requests]
            + [f"external request: {m}" for m in self.external_requests]
        )


# A phone as most students hold one: 390 px wide, and they tap.
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:
    """A fresh browser context per test (fresh localStorage), recording problems on
    ``page.problems``; requests that leave the local server are blocked and recorded."""
    yield from _recorded_page(browser, base_url, {})


@pytest.fixture
def phone(browser: object, base_url: str) -> Iterator[object]:
    """As ``page``, on a 390 px touch screen."""
    yield from _recorded_page(browser, base_url, PHONE)


def _recorded_page(browser: object, base_url: str, options: dict[str, object]) -> Iterator[object]:
    context = browser.new_context(**options)  # type: ignore[attr-defined]
    new_page = context.new_page()
    problems = PageProblems()

    def on_console(message: object) -> None:
        if message.type == "error":  # type: ignore[attr-defined]
            problems.console_errors.append(message.text)  # type: ignore[attr-defined]

    def on_response(response: object) -> None:
        if response.status >= 400:  # type: ignore[attr-defined]
            problems.failed_requests.append(f"{response.status} {response.url}")  # type: ignore[attr-defined]

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(base_url) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            problems.external_requests.append(url)
            route.abort()  # type: ignore[attr-defined]

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    def on_request_failed(request: object) -> None:
        # A reload or navigation cancels requests still in flight (net::ERR_ABORTED): that
        # is the browser's doing, not a broken page. Missing files arrive as 4xx responses.
        failure = request.failure  # type: ignore[attr-defined]
        if request.url.startswith(base_url) and "ERR_ABORTED" not in str(failure):  # type: ignore[attr-defined]
            problems.failed_requests.append(f"{failure} {request.url}")  # type: ignore[attr-defined]

    new_page.on("requestfailed", on_request_failed)
    new_page.on("response", on_response)
    context.route("**/*", route)
    new_page.problems = problems  # type: ignore[attr-defined]
    new_page.base_url = base_url  # type: ignore[attr-defined]
    new_page.goto = _whole_page_goto(new_page)  # type: ignore[attr-defined]
    yield new_page
    context.close()


# A long page renders its sections after the load event (render-sections.js); until then a
# section far below has no layout, and reading its text or geometry from a script (not a
# reader's scrolling, which renders it) finds nothing.
SECTIONS_RENDERED = "() => !document.querySelector('.bd-article') || document.documentElement.hasAttribute('data-sections-rendered')"


# Resolves once the browser has drawn two frames: scroll events and layout have caught up.
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _whole_page_goto(tab: Any) -> Callable[..., Any]:
    """``goto`` that, when it waits for the load event, also waits for the page to be whole."""
    goto = tab.goto

    def whole_page_goto(url: str, **options: Any) -> Any:
        response = goto(url, **options)
        if options.get("wait_until", "load") == "load":
            tab.wait_for_function(SECTIONS_RENDERED, timeout=10000)
        return response

    return whole_page_goto


def answer_stage_one(tab: Any) -> None:
    """Answer every question of a case's first stage (its first option) and check each,
    as a student would: stage 2 then opens."""
    for question in tab.locator(".vignette-stage").first.locator("fieldset.vignette-question").all():
        question.locator("input").first.check()
        question.locator(".vignette-check").click()


def run_axe(page: object) -> list[str]:
    """WCAG 2.1 A/AA violations on the current page, one line each. Measured once a long
    page has rendered all its sections (render-sections.js): axe reads geometry, and a
    section not yet rendered has none to read."""
    page.wait_for_function(SECTIONS_RENDERED, timeout=10000)  # type: ignore[attr-defined]
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return list(result)
