"""The item-writing check: each rule fires on a flawed question and stays quiet on a sound
one; `cehcourse validate` prints warnings and still passes, and fails on errors with one
located line each."""

from __future__ import annotations

import contextlib
import copy
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cehcourse.cli import main as cli_main
from cehcourse.course import load_course
from cehcourse.itemcheck import (
    LIBRARY_LONGEST_SHARE,
    LIBRARY_MIN_QUESTIONS,
    LONGEST_MARGIN,
    LONGEST_RATIO,
    Issue,
    check_course,
    check_library,
    check_question,
    normalise,
)
from cehcourse.model import MultipleQuestion, OrderingQuestion, SingleQuestion

ROOT = Path(__file__).resolve().parent.parent

SOUND_OPTIONS = [
    ("Physical therapy combining mobilisation with deep neck flexor training.", True),
    ("A greater occipital nerve block at the first visit, then review.", False),
    ("Pregabalin, started low and reviewed against a headache diary.", False),
    ("An MRI of the cervical spine before any treatment is chosen.", False),
]
SOUND_STEM = "A 44-year-old woman has cervicogenic headache. Which first-line treatment fits the evidence best?"


def single(stem: str = SOUND_STEM, options: list[tuple[str, bool]] | None = None) -> SingleQuestion:
    return SingleQuestion.model_validate({
        "id": "t-single", "kind": "single", "stem": stem, "teaching_point": "A point.",
        "options": [{"text": text, "correct": right, "explanation": "Why."} for text, right in options or SOUND_OPTIONS],
    })


def multiple(stem: str, options: list[tuple[str, bool]]) -> MultipleQuestion:
    return MultipleQuestion.model_validate({
        "id": "t-multiple", "kind": "multiple", "stem": stem, "teaching_point": "A point.",
        "options": [{"text": text, "correct": right, "explanation": "Why."} for text, right in options],
    })


def rules(issues: list[Issue]) -> list[str]:
    return [issue.rule for issue in issues]


def test_a_sound_question_has_no_issues() -> None:
    assert check_question(single()) == []


# ---- all of the above / none of the above -----------------------------------------------

@pytest.mark.parametrize("text", [
    "All of the above.", "None of the above", "none of these; the figure is real", "Both of the above.",
    "All of these options are correct.", "Any of the answers above.", "Neither of those.",
])
def test_all_or_none_of_the_above_is_an_error(text: str) -> None:
    options = SOUND_OPTIONS[:3] + [(text, False)]
    issues = check_question(single(options=options))
    assert rules(issues) == ["all-none-above"]
    assert issues[0].severity == "error" and issues[0].where == "options[3].text"


def test_all_of_the_above_in_a_multiple_answer_question() -> None:
    question = multiple("Which of these are SNNOOP10 flags?", [
        ("New headache after the age of 65.", True), ("Headache brought on by coughing.", True),
        ("All of the above.", True),
    ])
    assert "all-none-above" in rules(check_question(question))


@pytest.mark.parametrize("text", [
    "All of her headaches begin in the neck.", "None of her symptoms wake her at night.",
    "Both sides of the neck are tender.", "Above 30° in both directions.",
])
def test_all_or_none_as_plain_words_is_fine(text: str) -> None:
    options = SOUND_OPTIONS[:3] + [(text, False)]
    assert "all-none-above" not in rules(check_question(single(options=options)))


# ---- negative stems ----------------------------------------------------------------------

@pytest.mark.parametrize("stem", [
    "Which of these is not a red flag?",
    "All of these are SNNOOP10 flags except which one?",
    "Which test is least useful here?",
    "Which statement about the trial is false?",
    "She has had the headache for years. Which finding cannot come from the neck?",
])
def test_an_unemphasised_negative_stem_is_a_warning(stem: str) -> None:
    issues = check_question(single(stem=stem))
    assert "negative-stem" in rules(issues)
    assert next(i for i in issues if i.rule == "negative-stem").severity == "warning"


@pytest.mark.parametrize("stem", [
    "Which of these is NOT a red flag?",
    "Which of these is **not** a red flag?",
    "All of these are SNNOOP10 flags EXCEPT which one?",
    "Which test is __least__ useful here?",
    # Not negative questions: the word is part of a phrase or of the lead-in.
    "Which reduction counts as a response: a fall of at least 50%?",
    "Why does a single block give false positives?",
    "She did not improve with physiotherapy. Which step comes next?",
    "Which treatment helps not only the headache but the neck pain?",
])
def test_emphasised_or_harmless_negatives_pass(stem: str) -> None:
    assert "negative-stem" not in rules(check_question(single(stem=stem)))


# ---- the correct option longest by far ---------------------------------------------------

def test_a_much_longer_correct_option_is_a_warning() -> None:
    long_right = "Physical therapy combining mobilisation with low-load deep cervical flexor training, " \
                 "agreed with her and reviewed against a headache diary at six weeks."
    options = [(long_right, True), ("A nerve block.", False), ("Pregabalin.", False), ("An MRI scan.", False)]
    issues = check_question(single(options=options))
    assert rules(issues) == ["longest-correct"]
    assert issues[0].where == "options[0].text" and issues[0].severity == "warning"


def test_the_thresholds_need_both_ratio_and_margin() -> None:
    # Twice as long but only a few characters longer: short options pass.
    short = [("Right C6 root.", True), ("C5.", False), ("C7.", False)]
    assert "longest-correct" not in rules(check_question(single(options=short)))
    # Far more characters but less than the ratio: long options pass.
    distractor = "x" * 200
    right = "y" * int(200 * LONGEST_RATIO)
    assert "longest-correct" not in rules(check_question(single(options=[(right, True), (distractor, False)])))
    # Just over both.
    right = "y" * (int(200 * LONGEST_RATIO) + 1)
    assert int(200 * LONGEST_RATIO) + 1 - 200 > LONGEST_MARGIN
    assert "longest-correct" in rules(check_question(single(options=[(right, True), (distractor, False)])))


def test_multiple_answer_longest_rule_needs_every_correct_option_long() -> None:
    long_a = "Recent, unusually severe neck pain or headache unlike the usual pattern, with neck stiffness."
    long_b = "A drooping eyelid with a smaller pupil on the same side as the pain, noticed in the last week."
    flagged = multiple("Which features suggest dissection?", [
        (long_a, True), (long_b, True), ("Tender neck.", False), ("Age 39.", False),
    ])
    assert "longest-correct" in rules(check_question(flagged))
    mixed = multiple("Which features suggest dissection?", [
        (long_a, True), ("Horner syndrome.", True), ("Tender neck.", False), ("Age 39.", False),
    ])
    assert "longest-correct" not in rules(check_question(mixed))


def keyed_longest(longest: bool) -> SingleQuestion:
    """A question whose correct option is, or is not, the longest (by a little)."""
    right = ("Physical therapy with low-load deep neck flexor training.", True)
    wrong = "A greater occipital nerve block at the first visit."
    assert len(wrong) < len(right[0]) < len(wrong) + 20
    return single(options=[right, (wrong if longest else wrong + " Repeat it monthly.", False)])


def test_a_library_that_keys_the_longest_option_is_warned_about() -> None:
    total = max(LIBRARY_MIN_QUESTIONS, 10)
    over = int(total * LIBRARY_LONGEST_SHARE) + 1
    questions = [keyed_longest(True)] * over + [keyed_longest(False)] * (total - over)
    issues = check_library(list(questions))
    assert [(i.rule, i.severity) for i in issues] == [("longest-correct-share", "warning")]
    assert f"{over} of {total} single-answer questions" in issues[0].message


def test_a_balanced_or_small_library_passes() -> None:
    total = max(LIBRARY_MIN_QUESTIONS, 10)
    half = int(total * LIBRARY_LONGEST_SHARE)
    assert check_library([keyed_longest(True)] * half + [keyed_longest(False)] * (total - half)) == []
    assert check_library([keyed_longest(True)] * (LIBRARY_MIN_QUESTIONS - 1)) == []


# ---- duplicates --------------------------------------------------------------------------

def test_exact_duplicates_after_normalising_are_an_error() -> None:
    options = SOUND_OPTIONS[:3] + [("  physical THERAPY combining mobilisation, with deep-neck flexor training ", False)]
    issues = check_question(single(options=options))
    assert ("duplicate-option", "error", "options[3].text") in [(i.rule, i.severity, i.where) for i in issues]


def test_near_duplicates_are_a_warning() -> None:
    options = SOUND_OPTIONS[:3] + [("Physical therapy combining mobilisations with deep neck flexor training.", False)]
    issues = check_question(single(options=options))
    assert [(i.rule, i.severity) for i in issues] == [("near-duplicate", "warning")]
    reordered = SOUND_OPTIONS[:3] + [("Deep neck flexor training combining mobilisation with physical therapy.", False)]
    assert "near-duplicate" in rules(check_question(single(options=reordered)))


def test_options_differing_in_what_matters_are_not_near_duplicates() -> None:
    options = [("Positive to the right.", True), ("Positive to the left.", False), ("Negative on both sides.", False)]
    assert check_question(single(stem="How do you read her flexion–rotation test?", options=options)) == []
    roots = [("Right C6.", True), ("Right C5.", False), ("Right C7.", False), ("Right C8.", False)]
    assert check_question(single(stem="Which root explains his arm signs?", options=roots)) == []
    subtypes = [("Infrequent episodic tension-type headache (2.1).", False),
                ("Frequent episodic tension-type headache (2.2).", False),
                ("Chronic tension-type headache (2.3).", True)]
    assert check_question(single(stem="Which ICHD-3 subtype fits?", options=subtypes)) == []


def test_duplicate_ordering_items_are_an_error() -> None:
    question = OrderingQuestion.model_validate({
        "id": "t-order", "kind": "ordering", "stem": "In what order?", "teaching_point": "A point.",
        "items": [{"text": t, "explanation": "Why."} for t in ["Screen for red flags.", "Start exercise.", "Screen for red flags!"]],
    })
    assert [(i.rule, i.where) for i in check_question(question)] == [("duplicate-option", "items[2].text")]


def test_normalise_ignores_case_space_punctuation_and_markdown() -> None:
    assert normalise("  **Right**  C6 —  root. ") == normalise("right c6 root") == "right c6 root"


# ---- cover the options -------------------------------------------------------------------

@pytest.mark.parametrize("stem", [
    "Which of the following is true?",
    "Which statement is correct?",
    "Which reply is the most accurate?",
    "What is the best response now?",
    "Months later she is better. Which summary for her is fair?",
])
def test_a_stem_without_a_question_is_a_warning(stem: str) -> None:
    issues = check_question(single(stem=stem))
    assert "cover-options" in rules(issues)


@pytest.mark.parametrize("stem", [
    SOUND_STEM,
    "Which statement about the pregabalin trial is correct?",
    "She asks whether duloxetine has been tested for her headache. What is accurate?",
    "What is the diagnosis?",
    "How do you read her flexion–rotation test?",
])
def test_a_stem_with_a_question_passes(stem: str) -> None:
    assert "cover-options" not in rules(check_question(single(stem=stem)))


@pytest.mark.parametrize("narrative, fires", [
    ("She phones the next morning. She asks whether she has been harmed and whether to stop.", False),
    ('He says: "Is that why my head hurts?"', False),
    ('She asks whether it will work.\n\nHe says: "I have decided: I want the crack."', True),
    ("Before needling, the physiotherapist asks about her health and medicines.", True),
])
def test_the_stage_narrative_may_pose_the_question(narrative: str, fires: bool) -> None:
    issues = check_question(single(stem="What is the best response?"), narrative)
    assert ("cover-options" in rules(issues)) is fires


def test_cover_rule_is_for_single_answer_only() -> None:
    question = multiple("Which statements are correct?", [("A thing.", True), ("Another thing.", False)])
    assert "cover-options" not in rules(check_question(question))


# ---- the command -------------------------------------------------------------------------

def make_course(tmp_path: Path, change: Any) -> Path:
    """The real catalogue and bibliography with one case: classic-ceh as *change* leaves it."""
    (tmp_path / "book" / "cases").mkdir(parents=True)
    (tmp_path / "book" / "chapters.yaml").write_text((ROOT / "book" / "chapters.yaml").read_text())
    (tmp_path / "references.bib").write_text((ROOT / "references.bib").read_text())
    data = copy.deepcopy(yaml.safe_load((ROOT / "book" / "cases" / "classic-ceh.yaml").read_text()))
    data["role"] = "chapter-check"  # no page needed
    change(data)
    (tmp_path / "book" / "cases" / "classic-ceh.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return tmp_path


def run_validate(course: Path) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["--root", str(course), "validate"])
    return code, err.getvalue().splitlines(), out.getvalue()


def first_choice(data: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
    for s, stage in enumerate(data["stages"]):
        for q, question in enumerate(stage["questions"]):
            if question["kind"] == "single":
                return s, q, question
    raise AssertionError("no single-answer question")


LINE = re.compile(r"^\S+\.yaml: case '[a-z0-9-]+': stages\[\d+\]\.questions\[\d+\]\.[\w.\[\]]+: .+ \[[a-z-]+, question '[a-z0-9-]+'\]$")


def test_validate_fails_on_an_item_writing_error(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        first_choice(data)[2]["options"][-1]["text"] = "None of the above."

    s, q, _ = first_choice(yaml.safe_load((ROOT / "book" / "cases" / "classic-ceh.yaml").read_text()))
    code, lines, stdout = run_validate(make_course(tmp_path, change))
    assert code == 1 and stdout == ""
    errors = [line for line in lines if "all-none-above" in line]
    assert len(errors) == 1
    assert f"book/cases/classic-ceh.yaml: case 'classic-ceh': stages[{s}].questions[{q}].options[" in errors[0]
    assert "'None of the above'" in errors[0]
    assert lines[-1].endswith("warning(s).") and lines[-1].startswith("1 item-writing error(s)")
    assert all(LINE.match(line) for line in lines[:-1]), lines


def test_validate_passes_with_warnings(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        first_choice(data)[2]["stem"] = "Which of these is not typical of her headache?"

    code, lines, stdout = run_validate(make_course(tmp_path, change))
    assert code == 0, lines
    negative = [line for line in lines if "[negative-stem" in line]
    assert len(negative) == 1 and ": warning: negatively worded stem ('not')" in negative[0]
    assert all(LINE.match(line) for line in lines), lines
    assert stdout.startswith("OK: 1 cases") and f"{len(lines)} item-writing warning(s)." in stdout


def test_the_library_has_no_item_writing_errors() -> None:
    findings = check_course(load_course(ROOT))
    errors = [str(f) for f in findings if f.severity == "error"]
    assert errors == []
