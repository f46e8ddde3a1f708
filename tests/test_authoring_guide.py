"""AUTHORING.md, followed as a new instructor would, in a copy of the repository: the case
template from the guide is saved under a new id, checked with `cehcourse validate`, read
with `cehcourse text --answers`, played with show_case, given its page and its place in
_toc.yml as the guide says, and built with the command `make book` runs. The new page must
then show a quiz that grades in the browser, and the case index must link to it.

The build is a whole book (the guide's `make book`), so it reuses the execution cache of the
book under test: the notebooks are not run again (about 30 s instead of 60 s)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cehcourse.course import load_course
from cehcourse.grading import correct_options
from cehcourse.model import SingleQuestion
from cehcourse.widget import show_case
from conftest import SITE
from localsite import serve

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "AUTHORING.md").read_text(encoding="utf-8")
NEW_ID = "guide-follower"
BIN = Path(sys.executable).parent
# What a clone holds besides the book's sources, and what the build makes.
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "_build", "node_modules", ".pytest_cache", ".mypy_cache",
                                    "tests", "notes", "__pycache__", "*.egg-info", ".jupyter_cache")


def guide_block(language: str, after: str) -> str:
    """The first ```language block after the words *after* in the guide, dedented."""
    start = GUIDE.index(after)
    found = re.search(rf"^( *)(`{{3,}}){language}\n(.*?)^\1\2$", GUIDE[start:], re.S | re.M)
    assert found, f"AUTHORING.md has no {language} block after {after!r}"
    return textwrap.dedent(found.group(3))


def run(command: list[str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("guide") / "course"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    return copy


@pytest.fixture(scope="module")
def new_case(repository: Path) -> Path:
    """Step 1: the template, saved as book/cases/<id>.yaml with the id and question ids changed."""
    template = guide_block("yaml", "The template")
    template_id = yaml.safe_load(template)["id"]
    path = repository / "book" / "cases" / f"{NEW_ID}.yaml"
    path.write_text(template.replace(template_id, NEW_ID), encoding="utf-8")
    return path


def test_steps_2_to_4_check_read_and_play_the_new_case(repository: Path, new_case: Path) -> None:
    assert "`.venv/bin/cehcourse validate`" in GUIDE and "`.venv/bin/cehcourse text <id> --answers`" in GUIDE
    checked = run([str(BIN / "cehcourse"), "validate"], repository)
    assert checked.returncode == 0 and checked.stdout.startswith("OK: "), checked.stdout + checked.stderr
    assert NEW_ID not in checked.stderr, f"the template should pass without warnings:\n{checked.stderr}"
    case = yaml.safe_load(new_case.read_text(encoding="utf-8"))
    printed = run([str(BIN / "cehcourse"), "text", NEW_ID, "--answers"], repository)
    assert printed.returncode == 0 and printed.stdout.startswith(case["title"]) and "ANSWER:" in printed.stdout
    # show_case as in a notebook under exercises/: the course is found above it.
    quiz = show_case(NEW_ID, repository)
    first = quiz.case.stages[0].questions[0]
    assert isinstance(first, SingleQuestion)
    view = quiz.views[first.id]
    view.inputs.widgets[0].value = correct_options(first)[0]
    view.check.click()
    assert "Correct." in view.feedback.value
    assert quiz.visible_stages() == [stage.id for stage in quiz.case.stages[:2]]


@pytest.fixture(scope="module")
def built(repository: Path, new_case: Path) -> Path:
    """Steps 5-7: the page, the contents entry in teaching order, `make book`'s build."""
    page = guide_block("md", "**Give it a page.**")
    title = yaml.safe_load(new_case.read_text(encoding="utf-8"))["title"]
    (repository / "book" / "cases" / f"{NEW_ID}.md").write_text(
        page.replace("<case title>", title).replace("<id>", NEW_ID), encoding="utf-8")
    order = [case.id for case in load_course(repository).library_cases()]
    toc_path = repository / "_toc.yml"
    toc = toc_path.read_text(encoding="utf-8")
    place = order.index(NEW_ID)
    neighbour, after = (order[place - 1], True) if place else (order[1], False)
    line = re.search(rf"^( *)- file: book/cases/{neighbour}\n", toc, re.M)
    assert line, f"_toc.yml does not list book/cases/{neighbour}"
    entry = f"{line.group(1)}- file: book/cases/{NEW_ID}\n"
    at = line.end() if after else line.start()
    toc_path.write_text(toc[:at] + entry + toc[at:], encoding="utf-8")
    cases_part = next(c for part in yaml.safe_load(toc_path.read_text())["parts"] for c in part["chapters"]
                      if c["file"] == "book/cases")
    assert [s["file"].rsplit("/", 1)[1] for s in cases_part["sections"]] == order
    cache = SITE.parent / ".jupyter_cache"
    if cache.is_dir():
        shutil.copytree(cache, repository / "_build" / ".jupyter_cache")
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/jupyter-book build . $(JB_FLAGS)" in make and "JB_FLAGS := -W -n --keep-going" in make
    result = run([str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"], repository, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return repository / "_build" / "html"


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[str]:
    with serve(built) as url:
        yield url


def test_step_7_the_new_page_has_a_working_quiz(browser: Any, served: str, built: Path) -> None:
    case = load_course(built.parent.parent).cases[NEW_ID]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{served}/book/cases.html")
        page.get_by_role("link", name=case.title).first.click()
        page.wait_for_url(f"**/book/cases/{NEW_ID}.html")
        assert page.get_by_role("heading", level=1).inner_text().startswith(case.title)
        first = case.stages[0].questions[0]
        assert isinstance(first, SingleQuestion)
        question = page.locator(f'fieldset[data-question="{first.id}"]')
        question.get_by_label(first.options[correct_options(first)[0]].text[:40], exact=False).check()
        question.get_by_role("button", name="Check answer").click()
        assert question.locator(".vignette-feedback").inner_text().startswith("Correct.")
        assert page.locator(f'.vignette-stage[data-stage="{case.stages[1].id}"]').is_visible()
    finally:
        context.close()
    assert not errors, errors
