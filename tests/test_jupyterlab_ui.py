"""The live quiz in a real JupyterLab (the pinned 4.x), as a student meets it: the server
runs headless on loopback with its own settings, the notebook opens at 1366x768 with the
file browser open, the cells run from the Run menu, and single, multiple and numeric
questions are answered by clicking and typing. The feedback must say what Python's grader
says, and no option may overlap another or be cut, in the light and the dark theme; the
second part lays out every case of the course at once and measures every option.

CEHCOURSE_SCREENSHOTS=<folder> keeps the screenshots (light and dark) for a person to see."""

from __future__ import annotations

from playwright.sync_api import expect

import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cehcourse.course import load_course
from cehcourse.grading import correct_options, grade
from cehcourse.model import MultipleQuestion, NumericQuestion, SingleQuestion
from cehcourse.widget import feedback_html
from conftest import AXE

ROOT = Path(__file__).resolve().parent.parent
CASE = "classic-ceh"
VIEWPORT = {"width": 1366, "height": 768}
# What `make lab` opens: exercises/ inside the course repository (only what the notebook reads).
COURSE_FILES = ["_config.yml", "references.bib", "book/chapters.yaml", "book/cases", "exercises"]
SETTINGS = {
    # No news or update checks (they would go to the internet), no autosave.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def squash(markup: str) -> str:
    """Text without tags or white space, so layout differences don't count."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", markup)))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answering(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/status", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """JupyterLab on 127.0.0.1 with a token-less API, every config, data, runtime, settings
    and workspace folder in a temporary place, and always stopped afterwards."""
    base = tmp_path_factory.mktemp("jupyterlab")
    course = base / "course"
    for name in COURSE_FILES:
        source, target = ROOT / name, course / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    for name, values in SETTINGS.items():
        path = base / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(base / "config"), "JUPYTER_DATA_DIR": str(base / "data"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"), "IPYTHONDIR": str(base / "ipython")}
    port = _free_port()
    command = [str(Path(sys.executable).parent / "jupyter-lab"), "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
               "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={course}",
               "--LabApp.extension_manager=readonly", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (base / "server.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answering(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (base / "server.log").read_text()[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        # The server stops its kernels when asked to shut down; a signal is the fallback.
        try:
            urllib.request.urlopen(urllib.request.Request(f"{url}/api/shutdown", method="POST"), timeout=5)
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()


def shown_notebook(page: Any) -> Any:
    """The notebook in the main area's current tab."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def start_kernel(page: Any) -> None:
    """A fresh JupyterLab may ask which kernel to start, a moment after the notebook shows:
    a student picks the one offered. Ready once the kernel is named and idle and no
    question has come for two seconds."""
    select = page.get_by_role("dialog").get_by_role("button", name="Select", exact=True)
    named = shown_notebook(page).locator(".jp-Toolbar-kernelName").filter(has_text="Python 3")
    idle = shown_notebook(page).locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    deadline, quiet_since = time.monotonic() + 60, time.monotonic()
    while time.monotonic() - quiet_since < 2:
        if time.monotonic() > deadline:
            pytest.fail("the notebook's kernel did not start")
        if select.is_visible():
            select.click()
            quiet_since = time.monotonic()
        elif not (named.is_visible() and idle.count()):
            quiet_since = time.monotonic()
        page.wait_for_timeout(200)


@pytest.fixture(scope="module")
def notebook(browser: Any, lab: str) -> Iterator[Any]:
    """play-the-cases open in JupyterLab, its cells run from the Run menu. Requests that
    leave the machine are blocked and recorded, as are console errors."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]

    def route(route: Any) -> None:
        if route.request.url.startswith(lab) or route.request.url.startswith(("data:", "blob:", lab.replace("http", "ws"))):
            route.continue_()
        else:
            page.problems.append(f"external request: {route.request.url}")  # type: ignore[attr-defined]
            route.abort()

    def on_console(message: Any) -> None:
        if message.type == "error":
            page.problems.append(f"console error: {message.text}")  # type: ignore[attr-defined]

    context.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))  # type: ignore[attr-defined]
    page.goto(f"{lab}/lab/tree/exercises/play-the-cases.ipynb")
    page.locator(".jp-Notebook").wait_for(timeout=60_000)
    start_kernel(page)
    assert page.locator(".jp-FileBrowser").first.is_visible(), "the file browser should be open beside the notebook"
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    try:
        page.locator(".cehq").first.wait_for(state="attached", timeout=60_000)
    except Exception:
        if os.environ.get("CEHCOURSE_SCREENSHOTS"):
            page.screenshot(path=str(Path(os.environ["CEHCOURSE_SCREENSHOTS"]) / "jupyterlab-no-quiz.png"))
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
        pytest.fail("the quiz did not appear; cell errors:\n" + "\n".join(errors)[-3000:])
    yield page
    context.close()


def question_box(page: Any, qid: str) -> Any:
    """A question's box in the first quiz, found by its stem as a student finds it."""
    stem = next(q.stem for _, q in COURSE.cases[CASE].questions() if q.id == qid)
    box = page.locator(".cehq").first.locator(".cehq-question").filter(has_text=re.sub(r"[*_`]", "", stem)[:60])
    box.scroll_into_view_if_needed()
    return box


def check_and_read(page: Any, box: Any) -> str:
    before = box.locator(".cehq-feedback").count()
    box.get_by_role("button", name="Check answer").click()
    feedback = box.locator(".cehq-feedback")
    if before:
        page.wait_for_timeout(500)
    feedback.wait_for(timeout=20_000)
    text: str = feedback.inner_text()
    return text


# Every option row, label or text beside a control, measured in the page: its words must
# lie inside its own box (not cut, not spilling), its control inside the row, and no two
# rows of a question may overlap.
MEASURE = """(roots) => {
  const problems = [];
  let rows = 0;
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  for (const root of roots) {
    for (const question of root.querySelectorAll('.cehq-question')) {
      if (question.getClientRects().length === 0) continue;  // a stage not shown yet
      const found = [...question.querySelectorAll(
        '.widget-radio-box label, .widget-checkbox .widget-label-basic, .widget-text .widget-label, ' +
        '.widget-dropdown .widget-label, .widget-hbox .widget-html-content')];
      const boxes = [];
      for (const row of found) {
        const box = row.getBoundingClientRect();
        if (box.width === 0) continue;
        rows += 1;
        const words = document.createRange();
        words.selectNodeContents(row);
        const text = row.textContent.trim().slice(0, 70);
        if (row.scrollWidth > row.clientWidth + 1) problems.push('cut (wider than its box): ' + text);
        if (!inside(words.getBoundingClientRect(), box)) problems.push('words spill out of their row: ' + text);
        const control = row.querySelector('input');
        if (control && !inside(control.getBoundingClientRect(), box)) problems.push('control outside its row: ' + text);
        boxes.push([box, text]);
      }
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, ta] = boxes[i], [b, tb] = boxes[j];
        const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        if (overlap) problems.push('overlap: "' + ta + '" and "' + tb + '"');
      }
    }
  }
  return {rows, problems};
}"""


def measure(page: Any, selector: str) -> dict[str, Any]:
    result: dict[str, Any] = page.locator(selector).evaluate_all(MEASURE)
    return result


def shot(page: Any, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("CEHCOURSE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"jupyterlab-{name}.png"))


def contrast_problems(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(
        """async () => {
            const r = await axe.run('.cehq', {runOnly: {type: 'rule', values: ['color-contrast']}});
            return r.violations.flatMap(v => v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary));
        }"""
    )
    return found


COURSE = load_course(ROOT)


def test_a_student_plays_a_case_in_jupyterlab(notebook: Any, tmp_path: Path) -> None:
    page = notebook
    case = COURSE.cases[CASE]
    questions = [q for _, q in case.questions()]
    assert [q.kind for q in questions[:4]] == ["single", "single", "single", "multiple"], "the case's questions changed"

    # A wrong first answer: the option's letter and words, the verdict, marks in place.
    first = questions[0]
    assert isinstance(first, SingleQuestion)
    right = correct_options(first)[0]
    wrong = next(i for i in range(len(first.options)) if i != right)
    box = question_box(page, first.id)
    box.locator(".widget-radio-box label").nth(wrong).click()
    text = check_and_read(page, box)
    assert squash(text) == squash(feedback_html(first, grade(first, wrong), wrong)), text
    assert text.startswith("Incorrect."), text
    symbol = box.locator(".vignette-verdict").evaluate("p => getComputedStyle(p, '::before').content")
    assert "✗" in symbol, f"the verdict has no ✗ before it: {symbol}"
    labels = box.locator(".widget-radio-box label")
    assert labels.nth(wrong).inner_text().endswith("✗ Your answer: incorrect")
    assert labels.nth(right).inner_text().endswith("✓ Correct answer")
    assert box.locator(".widget-radio-box input").nth(wrong).is_checked(), "the student's choice stays selected"
    shot(page, "light", tmp_path)

    # The rest of the case answered right: a single answer opens stage 2, a multiple answer
    # is given by ticking boxes, the numeric one by typing a number.
    for question in questions[1:]:
        box = question_box(page, question.id)
        answer: Any
        if isinstance(question, SingleQuestion):
            answer = correct_options(question)[0]
            box.locator(".widget-radio-box label").nth(answer).click()
        elif isinstance(question, MultipleQuestion):
            answer = frozenset(correct_options(question))
            for index in sorted(answer):
                box.locator(".widget-checkbox .widget-label-basic").nth(index).click()
        else:
            assert isinstance(question, NumericQuestion)
            answer = question.answer.value
            unit = f" ({question.answer.unit})" if question.answer.unit else ""
            assert box.locator(".widget-text .widget-label").inner_text() == f"Answer{unit}"
            box.get_by_role("textbox").click()
            page.keyboard.type(f"{answer:g}")
        text = check_and_read(page, box)
        assert text.startswith("Correct."), f"{question.id}: {text}"
        expected = squash(feedback_html(question, grade(question, answer), answer))
        assert squash(text).startswith(expected), f"{question.id}: {text}"
        if question is questions[1]:
            # The note arrives in a later widget update than the verdict: wait for it.
            expect(box.locator(".cehq-feedback")).to_contain_text(
                "The next stage, “Stage 2 of 3: Examination”, is now shown below.", timeout=20_000)
    summary = page.locator(".cehq").first.locator(".cehq-summary")
    summary.scroll_into_view_if_needed()
    assert f"First try: {len(questions) - 1} of {len(questions)} correct." in summary.inner_text()
    assert "Review the question you missed on the first try:" in summary.inner_text()
    assert page.locator(".cehq").first.locator(".widget-html-content strong").filter(
        has_text=f"First-try score: {len(questions) - 1} correct of {len(questions)} answered").count() == 1

    layout = measure(page, ".cehq >> nth=0")
    assert layout["rows"] >= sum(len(getattr(q, "options", [])) for q in questions)
    assert not layout["problems"], "\n".join(layout["problems"])
    assert not contrast_problems(page)
    assert not page.problems, "\n".join(page.problems)


def test_every_option_of_every_case_is_whole_in_light_and_dark(notebook: Any, tmp_path: Path) -> None:
    """Every case with all its stages open, below the notebook, measured in both themes."""
    page = notebook
    page.keyboard.press("Escape")
    page.locator(".jp-Notebook .jp-Cell").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(
        "from cehcourse.widget import CaseQuiz; import ipywidgets; "
        "ipywidgets.VBox([CaseQuiz(case, course, preview=True) for case in course.cases.values()])"
    )
    page.keyboard.press("Control+Enter")  # run, and stay on the cell
    every_case = page.locator(".jp-Cell").last.locator(".cehq")
    expect_count = len(COURSE.cases)
    deadline = time.monotonic() + 60
    while every_case.count() < expect_count and time.monotonic() < deadline:
        page.wait_for_timeout(300)
    options = sum(len(getattr(q, "options", None) or getattr(q, "items", [])) for c in COURSE.cases.values() for _, q in c.questions())
    # The question with the longest option, for a person to look at in the screenshots.
    longest = max((q for c in COURSE.cases.values() for _, q in c.questions() if getattr(q, "options", None)),
                  key=lambda q: max(len(o.text) for o in q.options))  # type: ignore[attr-defined]
    longest_box = every_case.locator(".cehq-question").filter(has_text=re.sub(r"[*_`]", "", longest.stem)[:60]).first
    for theme in ("light", "dark"):
        if theme == "dark":
            page.get_by_role("menuitem", name="Settings", exact=True).click()
            page.locator(".lm-Menu").get_by_text("Theme", exact=True).click()
            page.locator(".lm-Menu").get_by_text("JupyterLab Dark", exact=True).click()
            page.locator("body[data-jp-theme-light='false']").wait_for(state="attached", timeout=20_000)
            page.wait_for_timeout(500)
            first = page.locator(".cehq").first
            first.scroll_into_view_if_needed()
            shot(page, "dark", tmp_path)
            assert not contrast_problems(page)
        longest_box.scroll_into_view_if_needed()
        shot(page, f"{theme}-longest-option", tmp_path)
        layout = page.locator(".jp-OutputArea .cehq").evaluate_all(MEASURE)
        assert layout["rows"] >= options, f"{theme}: measured {layout['rows']} rows for {options} options"
        assert not layout["problems"], f"{theme}:\n" + "\n".join(layout["problems"][:30])
    assert every_case.count() >= expect_count
    assert not page.problems, "\n".join(page.problems)


def test_sliders_are_labelled_in_full_and_figures_are_vector(notebook: Any) -> None:
    """The headache diary's sliders (one label was cut to "Window (d…" before): each label
    whole beside its slider; the figures arrive as SVG, sharp at any zoom. Every notebook's
    controls keep the same rule (tests/test_exercises.py)."""
    page = notebook
    name = "headache-diary"
    page.locator(".jp-DirListing-item").filter(has_text=f"{name}.ipynb").dblclick()
    shown_notebook(page).locator(".jp-Notebook").filter(has_text="Learning objectives").wait_for(timeout=60_000)
    start_kernel(page)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    sliders = shown_notebook(page).locator(".jp-OutputArea .widget-slider")
    sliders.first.wait_for(state="attached", timeout=60_000)
    sliders.first.scroll_into_view_if_needed()
    labels = sliders.evaluate_all("""all => all.map(s => {
        const label = s.querySelector('.widget-label');
        return {text: label.textContent, whole: label.scrollWidth <= label.clientWidth, shown: label.getClientRects().length > 0};
    })""")
    cells = json.loads((ROOT / "exercises" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    expected = re.findall(r'description="([^"]+)"', "".join("".join(cell["source"]) for cell in cells))
    assert [label["text"] for label in labels] == expected
    assert all(label["whole"] and label["shown"] for label in labels), labels
    outputs = shown_notebook(page).locator(".jp-OutputArea")
    assert outputs.locator(".jp-RenderedSVG").count() >= 1 and outputs.locator(".jp-RenderedImage").count() == 0, \
        "figures should arrive as SVG"
    assert not page.problems, "\n".join(page.problems)
