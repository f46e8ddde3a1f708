"""Importing and exporting progress on the progress page, as a student does it on a 390 px
phone: a merge confirmed with the numbers it changes, replace as a separate choice, every
refused file changing nothing, full storage said and changing nothing, "correct" flags
re-graded from the course, one malformed stored entry dropped on its own, the
confirmation by keyboard alone and without accessibility violations."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import run_axe
from playwright.sync_api import expect

from cehcourse.course import CourseData, load_course
from cehcourse.model import AnyQuestion

ROOT = Path(__file__).resolve().parent.parent
PROGRESS = "book/progress.html"
STORE_KEY = "cehcourse.progress.v1"
LEARNER_HERE = "00000000000000aa"
LEARNER_FILE = "00000000000000bb"
CLASSIC = "classic-ceh"
OTHER = "hemicrania-continua"
FULL_STORAGE = "() => { Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); }; }"


@pytest.fixture(scope="module")
def course() -> CourseData:
    return load_course(ROOT)


def question(course: CourseData, case_id: str, number: int) -> AnyQuestion:
    return course.cases[case_id].questions()[number][1]


def answer_to(q: AnyQuestion, right: bool) -> Any:
    """The answer a student would save (as the quiz stores it), rightly or wrongly."""
    if q.kind in ("single", "multiple"):
        correct = [i for i, option in enumerate(q.options) if option.correct]  # type: ignore[union-attr]
        wrong = [i for i, option in enumerate(q.options) if not option.correct]  # type: ignore[union-attr]
        return (correct[:1] if q.kind == "single" else correct) if right else wrong[:1]
    if q.kind == "numeric":
        return q.answer.value if right else q.answer.value + q.answer.tolerance + 100  # type: ignore[union-attr]
    steps = q.steps()  # type: ignore[union-attr]
    return steps if right else list(reversed(steps))


def saved(q: AnyQuestion, right: bool, first_right: bool | None = None) -> dict[str, Any]:
    """A stored answer: the latest try *right*, the first try *first_right* (default: the same)."""
    first = right if first_right is None else first_right
    return {"h": q.content_hash(), "a": answer_to(q, right), "c": right, "f": first, "t": answer_to(q, first)}


def export_file(tmp_path: Path, name: str, cases: dict[str, Any], **extra: Any) -> Path:
    data = {"format": "cehcourse-progress", "version": 1, "exported": "2026-11-27T10:00:00.000Z",
            "learner": LEARNER_FILE, "cases": cases, **extra}
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def open_progress(page, store: dict[str, Any] | None = None) -> None:  # type: ignore[no-untyped-def]
    """The progress page, with *store* as this browser's saved progress."""
    page.goto(f"{page.base_url}/{PROGRESS}")
    if store is not None:
        page.evaluate("([key, value]) => localStorage.setItem(key, value)", [STORE_KEY, json.dumps(store)])
        page.reload()
    page.wait_for_selector(".progress-tools:not([hidden])")


def choose_file(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Tap the file input and pick *path* in the browser's file chooser."""
    with page.expect_file_chooser() as chooser:
        page.locator("#progress-import-file").tap()
    chooser.value.set_files(str(path))


def stored(page) -> Any:  # type: ignore[no-untyped-def]
    raw = page.evaluate("key => localStorage.getItem(key)", STORE_KEY)
    return json.loads(raw) if raw else None


def cell(page, case_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(page.inner_text(f'[data-progress-case="{case_id}"]'))


def says(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """The status line under the import controls reads *text* (the dialog closes first)."""
    expect(page.locator(".progress-message")).to_have_text(text)


def dialog_text(page) -> str:  # type: ignore[no-untyped-def]
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    return str(dialog.inner_text())


def focused(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.evaluate("() => document.activeElement.id || document.activeElement.textContent"))


def focus_is_back(page) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("#progress-import-file")).to_be_focused()


def total_questions(course: CourseData) -> int:
    return sum(len(case.questions()) for case in course.cases.values())


def test_merge_confirms_the_numbers_and_keeps_a_wrong_first_try(phone, course, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = phone
    c0, c1, c2 = (question(course, CLASSIC, n) for n in range(3))
    o0, o1, o2 = (question(course, OTHER, n) for n in range(3))
    here = {"version": 1, "learner": LEARNER_HERE, "last": CLASSIC,
            "cases": {CLASSIC: {c0.id: saved(c0, right=False), c1.id: saved(c1, right=True)}},
            "review": {f"{CLASSIC}/{c0.id}": {"h": c0.content_hash(), "b": 1, "d": "2099-01-10"}}}
    open_progress(page, here)
    assert cell(page, CLASSIC) == "In progress: 2 of 6 answered, 1 correct first time"
    # The file: c0 right on its first try there (a later try, really), c1 the same as here,
    # three answers new here (one of them wrong), and an earlier review day for c0.
    path = export_file(tmp_path, "phone.json", {
        CLASSIC: {c0.id: saved(c0, right=True), c1.id: saved(c1, right=True)},
        OTHER: {o0.id: saved(o0, right=True), o1.id: saved(o1, right=True), o2.id: saved(o2, right=False)},
    }, last=OTHER, review={
        f"{CLASSIC}/{c0.id}": {"h": c0.content_hash(), "b": 1, "d": "2099-01-05"},
        f"{OTHER}/{o2.id}": {"h": o2.content_hash(), "b": 1, "d": "2099-01-06"},
    })
    choose_file(page, path)
    text = dialog_text(page)
    assert "Import \u201cphone.json\u201d?" in text
    assert "The file holds 5 answers to this course's questions." in text
    assert ("Merge (keeps your progress): adds 3 answers, replaces 1, adds 1 question to your review schedule, "
            "brings 1 review forward; 1 answer already the same here.") in text
    assert "Replace: deletes the 2 answers saved in this browser and keeps only the file's 5." in text
    assert focused(page) == "Merge with my progress", "focus moves into the confirmation"
    assert stored(page) == here, "nothing changes before the student chooses"
    page.get_by_role("button", name="Merge with my progress").tap()
    says(page, "Merged phone.json into your progress: added 3 answers, replaced 1, "
               "added 1 question to your review schedule, brought 1 review forward.")
    assert not page.get_by_role("dialog").count()
    focus_is_back(page)
    # c0: the file's answer is now the latest one, but the first try that counts stays wrong.
    assert cell(page, CLASSIC) == "In progress: 2 of 6 answered, 1 correct first time"
    assert cell(page, OTHER) == f"In progress: 3 of {len(course.cases[OTHER].questions())} answered, 2 correct first time"
    assert page.inner_text(".progress-overall") == (
        f"5 of {total_questions(course)} questions answered; 3 right on the first try (60%).")
    merged = stored(page)
    assert merged["cases"][CLASSIC][c0.id]["a"] == answer_to(c0, right=True)
    assert merged["cases"][CLASSIC][c0.id]["f"] is False
    assert merged["review"][f"{CLASSIC}/{c0.id}"]["d"] == "2099-01-05", "the earlier review day is kept"
    assert merged["review"][f"{OTHER}/{o2.id}"]["d"] == "2099-01-06"
    assert merged["last"] == CLASSIC, "where this browser left off stays"
    assert merged["learner"] == LEARNER_FILE, "one student keeps one id across devices"
    # The case page shows the merged answer.
    page.goto(f"{page.base_url}/book/cases/{CLASSIC}.html")
    page.wait_for_selector(f"#vg-{c0.id} .vignette-feedback.is-correct")
    assert "First try: incorrect" in page.inner_text(f"#vg-{c0.id} .vignette-attempts")
    assert not page.problems.all(), page.problems.all()


def test_replace_is_a_separate_explicit_choice_and_cancel_changes_nothing(phone, course, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = phone
    c0, c1 = question(course, CLASSIC, 0), question(course, CLASSIC, 1)
    o0 = question(course, OTHER, 0)
    here = {"version": 1, "learner": LEARNER_HERE, "last": CLASSIC,
            "cases": {CLASSIC: {c0.id: saved(c0, right=True), c1.id: saved(c1, right=True)}}}
    open_progress(page, here)
    path = export_file(tmp_path, "laptop.json", {OTHER: {o0.id: saved(o0, right=True)}}, last=OTHER)
    choose_file(page, path)
    dialog_text(page)
    page.get_by_role("button", name="Cancel").tap()
    says(page, "Import of laptop.json cancelled. Nothing was changed.")
    assert stored(page) == here
    choose_file(page, path)
    assert "Replace: deletes the 2 answers saved in this browser and keeps only the file's 1." in dialog_text(page)
    page.get_by_role("button", name="Replace all my progress with this file").tap()
    says(page, "Replaced your progress with laptop.json: 1 answer.")
    assert cell(page, CLASSIC) == "Not started"
    assert cell(page, OTHER) == f"In progress: 1 of {len(course.cases[OTHER].questions())} answered, 1 correct first time"
    now = stored(page)
    assert now["cases"] == {OTHER: {o0.id: saved(o0, right=True)}}
    assert (now["learner"], now["last"]) == (LEARNER_FILE, OTHER)
    assert not page.problems.all(), page.problems.all()


def test_every_refused_file_says_why_and_changes_nothing(phone, course, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = phone
    c0 = question(course, CLASSIC, 0)
    good = saved(c0, right=True)
    here = {"version": 1, "learner": LEARNER_HERE, "cases": {CLASSIC: {c0.id: saved(c0, right=False)}}}
    open_progress(page, here)
    big = tmp_path / "huge.json"
    big.write_text(json.dumps({"format": "cehcourse-progress", "version": 1, "cases": {}, "pad": "x" * 1_100_000}))
    impossible = {**good, "a": [len(c0.options)], "t": [len(c0.options)]}  # type: ignore[union-attr]
    refused = [
        (export_file(tmp_path, "unknown-case.json", {"no-such-case": {c0.id: good}}),
         "it has answers for the case \u201cno-such-case\u201d, which is not in this course"),
        (export_file(tmp_path, "unknown-question.json", {CLASSIC: {"no-such-question": good}}),
         "it has an answer to the question \u201cno-such-question\u201d in the case \u201cclassic-ceh\u201d, which is not in this course"),
        (big, "it is 1.1 MB, over the 1 MB limit for a progress file"),
        (tmp_path / "broken.json", "it is not valid JSON"),
        (tmp_path / "other.json", "it is not a progress export from this course (its format is \u201csomething-else\u201d, "
                                  "expected \u201ccehcourse-progress\u201d)"),
        (export_file(tmp_path, "future.json", {}, version=2), "its version is \u201c2\u201d; this course reads version 1"),
        (export_file(tmp_path, "bad-entry.json", {CLASSIC: {c0.id: {"h": 1}}}),
         "the answer to \u201cclassic-first-feature\u201d in the case \u201cclassic-ceh\u201d is malformed"),
        (export_file(tmp_path, "impossible.json", {CLASSIC: {c0.id: impossible}}),
         "the answer to \u201cclassic-first-feature\u201d in the case \u201cclassic-ceh\u201d is not a possible answer to that question"),
        (export_file(tmp_path, "bad-review.json", {}, review={"classic-ceh/nothing": {"h": "x", "b": 1, "d": "2099-01-01"}}),
         "its review schedule names the question \u201cclassic-ceh/nothing\u201d, which is not in this course"),
    ]
    (tmp_path / "broken.json").write_text("{oops")
    (tmp_path / "other.json").write_text(json.dumps({"format": "something-else", "version": 1, "cases": {}}))
    for path, reason in refused:
        choose_file(page, path)
        expected = f"Could not import {path.name}: {reason}. Nothing was changed."
        page.wait_for_function("text => document.querySelector('.progress-message').textContent === text", arg=expected)
        assert not page.get_by_role("dialog").count(), f"{path.name}: no confirmation for a refused file"
        assert stored(page) == here, path.name
    assert cell(page, CLASSIC) == "In progress: 1 of 6 answered, 0 correct first time"
    assert not page.problems.all(), page.problems.all()


def test_full_storage_during_import_says_so_and_changes_nothing(phone, course, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = phone
    c0, o0 = question(course, CLASSIC, 0), question(course, OTHER, 0)
    here = {"version": 1, "learner": LEARNER_HERE, "cases": {CLASSIC: {c0.id: saved(c0, right=False)}}}
    open_progress(page, here)
    page.evaluate(FULL_STORAGE)
    path = export_file(tmp_path, "progress.json", {OTHER: {o0.id: saved(o0, right=True)}})
    for choice in ("Merge with my progress", "Replace all my progress with this file"):
        choose_file(page, path)
        dialog_text(page)
        page.get_by_role("button", name=choice).tap()
        says(page, "Could not import progress.json: this browser would not save the result "
                   "(its storage is full or blocked). Nothing was changed.")
        assert stored(page) == here
        assert cell(page, OTHER) == "Not started" and cell(page, CLASSIC) == "In progress: 1 of 6 answered, 0 correct first time"
    assert not page.problems.all(), page.problems.all()


def test_a_falsified_correct_flag_is_regraded_from_the_course(phone, course, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = phone
    c0 = question(course, CLASSIC, 0)
    lie = {**saved(c0, right=False), "c": True, "f": True}  # a wrong answer claimed right
    open_progress(page)
    choose_file(page, export_file(tmp_path, "lie.json", {CLASSIC: {c0.id: lie}}))
    assert ("1 answer in it is marked right or wrong differently from the course's answer key: "
            "the course's grading counts.") in dialog_text(page)
    page.get_by_role("button", name="Merge with my progress").tap()
    says(page, "Merged lie.json into your progress: added 1 answer.")
    assert cell(page, CLASSIC) == "In progress: 1 of 6 answered, 0 correct first time"
    assert page.inner_text(".progress-overall") == (
        f"1 of {total_questions(course)} questions answered; 0 right on the first try (0%).")
    assert stored(page)["cases"][CLASSIC][c0.id]["c"] is False
    page.goto(f"{page.base_url}/book/cases/{CLASSIC}.html")
    page.wait_for_selector(f"#vg-{c0.id} .vignette-feedback:not(:empty)")
    assert page.inner_text(f"#vg-{c0.id} .vignette-verdict") == "Incorrect."
    assert not page.problems.all(), page.problems.all()


def test_one_malformed_stored_entry_is_dropped_on_its_own(phone, course) -> None:  # type: ignore[no-untyped-def]
    page = phone
    c0, c1 = question(course, CLASSIC, 0), question(course, CLASSIC, 1)
    o0 = question(course, OTHER, 0)
    store = {"version": 1, "learner": LEARNER_HERE, "cases": {
        CLASSIC: {c0.id: saved(c0, right=True), c1.id: {"h": c1.content_hash(), "a": "not an answer", "c": "yes"}},
        OTHER: {o0.id: saved(o0, right=False)}}}
    open_progress(page, store)
    assert cell(page, CLASSIC) == "In progress: 1 of 6 answered, 1 correct first time"
    assert cell(page, OTHER) == f"In progress: 1 of {len(course.cases[OTHER].questions())} answered, 0 correct first time"
    assert page.inner_text(".progress-overall") == (
        f"2 of {total_questions(course)} questions answered; 1 right on the first try (50%).")
    page.goto(f"{page.base_url}/book/cases/{CLASSIC}.html")
    page.wait_for_selector(f"#vg-{c0.id} .vignette-feedback.is-correct")
    assert page.is_checked(f"#vg-{c0.id}-{answer_to(c0, right=True)[0]}")
    assert page.inner_text(f"#vg-{c1.id} .vignette-feedback") == "", "the bad entry is simply not there"
    assert not page.problems.all(), page.problems.all()


def test_export_then_import_on_a_fresh_browser(phone, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(f"{page.base_url}/book/cases/{CLASSIC}.html")
    page.wait_for_selector(".vignette-toolbar:not([hidden])")
    page.locator("#vg-classic-first-feature-1 + label").tap()  # a wrong answer: reviewed tomorrow
    page.locator("#vg-classic-first-feature .vignette-check").tap()
    page.goto(f"{page.base_url}/{PROGRESS}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export progress (JSON file)").tap()
    exported = tmp_path / "ceh-course-progress.json"
    download.value.save_as(exported)
    data = json.loads(exported.read_text())
    assert (data["format"], data["version"], data["last"]) == ("cehcourse-progress", 1, CLASSIC)
    assert re.fullmatch(r"[0-9a-f]{16}", data["learner"])
    assert data["cases"][CLASSIC]["classic-first-feature"]["f"] is False
    assert list(data["review"]) == [f"{CLASSIC}/classic-first-feature"], "the review schedule travels too"
    page.evaluate("() => localStorage.clear()")
    page.reload()
    page.wait_for_selector(".progress-tools:not([hidden])")
    assert cell(page, CLASSIC) == "Not started"
    choose_file(page, exported)
    assert "adds 1 answer, adds 1 question to your review schedule." in dialog_text(page)
    page.get_by_role("button", name="Merge with my progress").tap()
    expect(page.locator(f'[data-progress-case="{CLASSIC}"]')).to_have_text("In progress: 1 of 6 answered, 0 correct first time")
    assert stored(page)["review"] == data["review"] and stored(page)["learner"] == data["learner"]
    assert not page.problems.all(), page.problems.all()


def test_the_confirmation_by_keyboard_alone(page, course, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c0 = question(course, CLASSIC, 0)
    open_progress(page)
    path = export_file(tmp_path, "progress.json", {CLASSIC: {c0.id: saved(c0, right=True)}})
    page.focus(".progress-export")
    page.keyboard.press("Tab")
    assert focused(page) == "progress-import-file"
    # The file picker itself is the browser's (Space on the focused input opens it, but
    # headless Chromium does so only in a focused window, which parallel runs cannot
    # promise): the file goes straight into the input the keyboard reached.
    page.set_input_files("#progress-import-file", str(path))
    dialog_text(page)
    assert focused(page) == "Merge with my progress"
    page.keyboard.press("Tab")
    assert focused(page) == "Replace all my progress with this file"
    page.keyboard.press("Tab")
    assert focused(page) == "Cancel"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "Merge with my progress"
    page.keyboard.press("Escape")
    says(page, "Import of progress.json cancelled. Nothing was changed.")
    focus_is_back(page)
    assert stored(page) is None
    page.set_input_files("#progress-import-file", str(path))
    dialog_text(page)
    page.keyboard.press("Enter")  # on the focused Merge button
    says(page, "Merged progress.json into your progress: added 1 answer.")
    focus_is_back(page)
    assert cell(page, CLASSIC) == "In progress: 1 of 6 answered, 1 correct first time"
    assert not page.problems.all(), page.problems.all()


def test_no_accessibility_violations_with_the_confirmation_open(phone, course, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = phone
    c0 = question(course, CLASSIC, 0)
    path = export_file(tmp_path, "progress.json", {CLASSIC: {c0.id: saved(c0, right=False)}})
    open_progress(page)
    for mode in ("light", "dark"):
        page.evaluate("mode => localStorage.setItem('mode', mode)", mode)
        page.reload()
        page.wait_for_selector(".progress-tools:not([hidden])")
        assert page.evaluate("() => document.documentElement.dataset.theme") == mode
        choose_file(page, path)
        dialog_text(page)
        page.wait_for_timeout(400)  # the theme's colour transitions
        assert run_axe(page) == [], mode
        box = page.get_by_role("dialog").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, "the confirmation fits a phone"
        page.get_by_role("button", name="Cancel").tap()
    assert not page.problems.all(), page.problems.all()
