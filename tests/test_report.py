"""`cehcourse report`: students' exported progress pooled into a class report. The exports
are made here from the real course (several learners, one learner twice, an export without
a learner id, an answer to an old version of a question, a broken file and a file from
another tool), and the CSV numbers are checked against them exactly."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from cehcourse.cli import main as cli_main
from cehcourse.course import load_course
from cehcourse.kinds import LETTERS
from cehcourse.kinds.ordering import letters_in_order
from cehcourse.model import AnyQuestion, Case, MultipleQuestion, NumericQuestion, OrderingQuestion, SingleQuestion
from cehcourse.report import BadExport, ordered_cases, read_export

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT)


def first(kind: type[AnyQuestion], role: str | None = None) -> tuple[Case, Any]:
    for case in ordered_cases(COURSE):
        for _, question in case.questions():
            if isinstance(question, kind) and (role is None or case.role == role):
                return case, question
    raise AssertionError(f"no {kind.__name__} in the course")


S_CASE, SINGLE = first(SingleQuestion, "case")
M_CASE, MULTI = first(MultipleQuestion, "case")
N_CASE, NUMERIC = first(NumericQuestion)
O_CASE, ORDER = first(OrderingQuestion)

RIGHT = next(i for i, o in enumerate(SINGLE.options) if o.correct)
WRONG1, WRONG2 = [i for i, o in enumerate(SINGLE.options) if not o.correct][:2]
M_RIGHT = sorted(i for i, o in enumerate(MULTI.options) if o.correct)
M_WRONG = sorted({M_RIGHT[0], next(i for i, o in enumerate(MULTI.options) if not o.correct)})
N_RIGHT = NUMERIC.answer.value
N_WRONG = NUMERIC.answer.value + NUMERIC.answer.tolerance + 5
O_RIGHT = ORDER.steps()
O_WRONG = [O_RIGHT[1], O_RIGHT[0], *O_RIGHT[2:]]


def entry(question: AnyQuestion, first_answer: Any, latest: Any, first_right: bool, latest_right: bool,
          old: bool = False, legacy: bool = False) -> dict[str, Any]:
    """One stored answer as vignette.js exports it; *legacy* leaves out f and t."""
    data: dict[str, Any] = {"h": "0123456789ab" if old else question.content_hash(), "a": latest, "c": latest_right}
    if not legacy:
        data.update(f=first_right, t=first_answer)
    return data


def export(learner: str | None, exported: str, answers: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    cases: dict[str, dict[str, Any]] = {}
    for (case_id, qid), value in answers.items():
        cases.setdefault(case_id, {})[qid] = value
    data: dict[str, Any] = {"format": "cehcourse-progress", "version": 1, "exported": exported, "cases": cases}
    if learner is not None:  # newer exports: a learner id, and the case last opened
        data["learner"] = learner
        data["last"] = next(iter(cases), "")
    return data


S, M, N, O = (S_CASE.id, SINGLE.id), (M_CASE.id, MULTI.id), (N_CASE.id, NUMERIC.id), (O_CASE.id, ORDER.id)

EXPORTS: dict[str, dict[str, Any]] = {
    # Ada exported twice: the earlier file must not count.
    "ada-monday.json": export("a1b2c3d4e5f60718", "2026-11-23T09:00:00.000Z", {
        S: entry(SINGLE, [WRONG2], [WRONG2], False, False),
        N: entry(NUMERIC, N_WRONG, N_WRONG, False, False),
    }),
    "ada-friday.json": export("a1b2c3d4e5f60718", "2026-11-27T16:30:00.000Z", {
        S: entry(SINGLE, [WRONG1], [RIGHT], False, True),
        M: entry(MULTI, M_RIGHT, M_RIGHT, True, True),
        N: entry(NUMERIC, N_WRONG, N_RIGHT, False, True),
        O: entry(ORDER, O_WRONG, O_RIGHT, False, True),
    }),
    "ben.json": export("0f0e0d0c0b0a0908", "2026-11-27T11:00:00Z", {
        S: entry(SINGLE, [RIGHT], [RIGHT], True, True),
        M: entry(MULTI, M_WRONG, M_RIGHT, False, True),
        N: entry(NUMERIC, N_RIGHT, N_RIGHT, True, True),
        O: entry(ORDER, O_RIGHT, O_RIGHT, True, True),
    }),
    # An older export: no learner id and no first tries (f = c, t = a).
    "old-export.json": export(None, "2026-11-20T08:00:00.000Z", {
        S: entry(SINGLE, None, [WRONG1], False, False, legacy=True),
        M: entry(MULTI, None, M_RIGHT, False, True, legacy=True),
        O: entry(ORDER, None, O_WRONG, False, False, legacy=True),
    }),
    # Cleo answered the single question before it last changed: that answer is left out.
    "cleo.json": export("cafebabe00000001", "2026-11-28T07:45:00+01:00", {
        S: entry(SINGLE, [RIGHT], [RIGHT], True, True, old=True),
        N: entry(NUMERIC, N_WRONG, N_WRONG, False, False),
        ("retired-case", "gone-question"): {"h": "abc", "a": [0], "c": True},
    }),
}
BROKEN = '{"format": "cehcourse-progress", "version": 1, "cases": {'
OTHER_TOOL = json.dumps({"format": "anki-deck", "cards": []})


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    for name, data in EXPORTS.items():
        (folder / name).write_text(json.dumps(data, indent=2))
    (folder / "notes.txt").write_text("not a json file: ignored when a folder is given")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["--root", str(ROOT), "report", *args])
    return code, out.getvalue(), err.getvalue()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_report_numbers_match_the_exports(inputs: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    code, stdout, stderr = run(str(inputs), "--output", str(output))
    assert code == 0, stderr
    # Students: Ada (Friday's file), Ben, Cleo, and the export without an id = 4.
    assert "Report on 4 student(s) from 5 file(s)" in stdout
    assert re.search(r"learner a1b2c3d4e5f60718 is in 2 files: counted the newest, \S*ada-friday\.json "
                     r"\(exported 2026-11-27 16:30:00 UTC\); not counted: \S*ada-monday\.json", stdout)
    assert re.search(r"warning: \S*old-export\.json: no learner id", stderr)
    assert "1 answer(s) to earlier versions of a question left out" in stdout
    assert "1 answer(s) to questions no longer in the course left out" in stdout

    questions = {(r["case"], r["question"]): r for r in read_csv(output / "questions.csv")}
    assert len(questions) == sum(len(c.questions()) for c in COURSE.cases.values())
    expected = {
        # students answering, right on the first try, share, old answers left out
        S: ("3", "1", "0.333", "1"),  # Ada wrong first (Friday's file), Ben right, old export wrong; Cleo's is old
        M: ("3", "2", "0.667", "0"),  # Ada right, Ben wrong, old export right (no f, so f = c = true)
        N: ("3", "1", "0.333", "0"),  # Ada wrong first, Ben right, Cleo wrong
        O: ("3", "1", "0.333", "0"),  # Ada wrong first, Ben right, old export wrong
    }
    for key, (answered, right, share, old) in expected.items():
        row = questions[key]
        assert (row["students_answered"], row["first_try_correct"], row["first_try_share_correct"],
                row["old_version_answers_ignored"]) == (answered, right, share, old), key
    untouched = next(r for k, r in questions.items() if k not in expected)
    assert (untouched["students_answered"], untouched["first_try_share_correct"]) == ("0", "")

    options = read_csv(output / "options.csv")
    single = {r["answer"]: r for r in options if (r["case"], r["question"]) == S}
    assert list(single) == list(LETTERS[: len(SINGLE.options)])
    chosen = {LETTERS[i]: 0 for i in range(len(SINGLE.options))}
    chosen[LETTERS[WRONG1]] += 2  # Ada's first try, the old export
    chosen[LETTERS[RIGHT]] += 1  # Ben
    assert {k: int(r["chosen_first_try"]) for k, r in single.items()} == chosen
    assert single[LETTERS[RIGHT]]["correct"] == "true" and single[LETTERS[WRONG1]]["correct"] == "false"
    assert single[LETTERS[WRONG1]]["share_of_students_answered"] == "0.667"

    multi = {r["answer"]: int(r["chosen_first_try"]) for r in options if (r["case"], r["question"]) == M}
    expected_multi = {LETTERS[i]: 0 for i in range(len(MULTI.options))}
    for answer in (M_RIGHT, M_WRONG, M_RIGHT):  # Ada, Ben, old export (t = a)
        for index in answer:
            expected_multi[LETTERS[index]] += 1
    assert multi == expected_multi

    numeric = [(r["answer"], r["correct"], r["chosen_first_try"]) for r in options if (r["case"], r["question"]) == N]
    assert numeric == [(f"{N_WRONG:.10g}", "false", "2"), (f"{N_RIGHT:.10g}", "true", "1")]

    ordering = [(r["answer"], r["correct"], r["chosen_first_try"]) for r in options if (r["case"], r["question"]) == O]
    assert ordering == [(letters_in_order(O_WRONG), "false", "2"), (letters_in_order(O_RIGHT), "true", "1")]

    # Objectives: every first try over the questions of the cases tagged with it.
    counted = {S: (3, 1), M: (3, 2), N: (3, 1), O: (3, 1)}
    students_on = {S: {"ada", "ben", "old"}, M: {"ada", "ben", "old"}, N: {"ada", "ben", "cleo"},
                   O: {"ada", "ben", "old"}}
    objectives = {r["objective"]: r for r in read_csv(output / "objectives.csv")}
    assert len(objectives) == sum(len(c.objectives) for c in COURSE.catalogue.chapters.values())
    for ref, row in objectives.items():
        tagged = {case.id for case in COURSE.cases.values() if ref in case.objectives}
        tested = {(case.id, q.id) for case in COURSE.cases.values() for _, q in case.questions() if ref in case.objectives_of(q)}
        keys = [key for key in counted if key in tested]
        answers = sum(counted[key][0] for key in keys)
        firsts_right = sum(counted[key][1] for key in keys)
        who: set[str] = set().union(*(students_on[key] for key in keys)) if keys else set()
        assert row["cases"].split() == [c.id for c in ordered_cases(COURSE) if c.id in tagged]
        assert (int(row["first_try_answers"]), int(row["first_try_correct"]), int(row["students"])) == (
            answers, firsts_right, len(who)), ref
        assert row["first_try_share_correct"] == (f"{firsts_right / answers:.3f}" if answers else "")
    assert any(int(r["first_try_answers"]) for r in objectives.values())


def test_report_html_is_self_contained_and_accessible(inputs: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    assert run(str(inputs), "--output", str(output))[0] == 0
    page = (output / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)
    # One chart for the objectives, one per case with answers.
    assert len(svgs) == 1 + len({S[0], M[0], N[0], O[0]})
    for svg in svgs:
        assert re.match(r'<svg\b[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', svg)
        assert "<title id=" in svg
    assert page.count("<figure>") == len(svgs) == page.count("<figcaption>")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids repeat across the inline charts"
    # No external resources: no scripts, stylesheets, images or fonts to fetch, no URLs.
    for pattern in (r"<script", r"<link", r"<img", r"<iframe", r"@import", r"https?:", r"(?:src|href)=\"(?!#)"):
        assert not re.search(pattern, page, flags=re.IGNORECASE), pattern
    assert '<th scope="col">' in page and '<th scope="row">' in page and "<caption>" in page
    assert SINGLE.id in page and "a1b2c3d4e5f60718" in page


def test_malformed_and_foreign_files_are_refused(inputs: Path, tmp_path: Path) -> None:
    (inputs / "broken.json").write_text(BROKEN)
    (inputs / "other-tool.json").write_text(OTHER_TOOL)
    output = tmp_path / "out"
    code, stdout, stderr = run(str(inputs), "--output", str(output))
    assert code == 1 and not output.exists()
    lines = stderr.splitlines()
    assert re.fullmatch(r"\S*broken\.json: it is not valid JSON", lines[0])
    assert re.fullmatch(r"\S*other-tool\.json: it is not a progress export from this course "
                        r"\(its format is 'anki-deck', expected 'cehcourse-progress'\)", lines[1])
    assert lines[2] == "2 input(s) refused; nothing written. Fix or remove them, or run with --skip-bad."
    assert "Traceback" not in stderr

    code, stdout, stderr = run(str(inputs), "--output", str(output), "--skip-bad")
    assert code == 0
    assert re.search(r"^warning: \S*broken\.json: it is not valid JSON \(skipped\)$", stderr, flags=re.M)
    assert re.search(r"^warning: \S*other-tool\.json: .* \(skipped\)$", stderr, flags=re.M)
    assert "Report on 4 student(s) from 5 file(s)" in stdout
    assert read_csv(output / "questions.csv")


@pytest.mark.parametrize("data, message", [
    ([1, 2, 3], "it is not a progress export (not a JSON object)"),
    ({"format": "cehcourse-progress", "version": 2, "exported": "2026-11-28T10:00:00Z", "cases": {}},
     "its version 2 is not 1"),
    ({"format": "cehcourse-progress", "version": 1, "cases": {}}, 'it has no "exported" time'),
    ({"format": "cehcourse-progress", "version": 1, "exported": "yesterday", "cases": {}},
     "its \"exported\" time 'yesterday' is not an ISO 8601 time"),
    ({"format": "cehcourse-progress", "version": 1, "exported": "2026-11-28T10:00:00Z", "learner": 7, "cases": {}},
     'its "learner" id is not a short piece of text'),
    ({"format": "cehcourse-progress", "version": 1, "exported": "2026-11-28T10:00:00Z"}, 'it has no "cases" object'),
    ({"format": "cehcourse-progress", "version": 1, "exported": "2026-11-28T10:00:00Z",
      "cases": {"c": {"q": {"h": "x", "a": [0]}}}}, "the answer to 'q' in case 'c' has no true/false \"c\""),
    ({"format": "cehcourse-progress", "version": 1, "exported": "2026-11-28T10:00:00Z",
      "cases": {"c": {"q": {"h": "x", "a": [0], "c": True, "t": "A"}}}},
     "the first-try answer \"t\" to 'q' in case 'c' is not an answer (a number or a list of whole numbers)"),
])
def test_read_export_says_what_is_wrong(tmp_path: Path, data: object, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data))
    with pytest.raises(BadExport) as caught:
        read_export(path)
    assert str(caught.value) == message


def test_an_answer_that_cannot_fit_its_question_is_refused(inputs: Path, tmp_path: Path) -> None:
    data = export("feedfacefeedface", "2026-11-28T10:00:00Z", {
        S: entry(SINGLE, [len(SINGLE.options)], [RIGHT], False, True),  # no such option
    })
    (inputs / "hand-edited.json").write_text(json.dumps(data))
    code, _, stderr = run(str(inputs), "--output", str(tmp_path / "out"))
    assert code == 1
    assert re.search(rf"^\S*hand-edited\.json: the first-try answer to '{SINGLE.id}' cannot be an answer to "
                     r"that question \(single\)$", stderr, flags=re.M)


def test_missing_inputs_and_nothing_usable(tmp_path: Path) -> None:
    code, _, stderr = run(str(tmp_path / "nowhere"), "--output", str(tmp_path / "out"))
    assert code == 1 and re.search(r"nowhere: no such file or folder", stderr)
    (tmp_path / "only.json").write_text(OTHER_TOOL)
    code, _, stderr = run(str(tmp_path / "only.json"), "--output", str(tmp_path / "out"), "--skip-bad")
    assert code == 1 and "no usable progress files" in stderr and not (tmp_path / "out").exists()


def test_files_can_be_named_one_by_one(inputs: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    code, stdout, _ = run(str(inputs / "ben.json"), str(inputs / "ben.json"), "--output", str(output))
    assert code == 0 and "Report on 1 student(s) from 1 file(s)" in stdout
    row = next(r for r in read_csv(output / "questions.csv") if (r["case"], r["question"]) == S)
    assert (row["students_answered"], row["first_try_correct"]) == ("1", "1")
