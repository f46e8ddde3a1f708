"""Grading is plain Python on the model; these rules are what vignette.js mirrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cehcourse.course import load_course
from cehcourse.grading import grade
from cehcourse.model import MultipleQuestion, NumericQuestion, OrderingQuestion, SingleQuestion

ROOT = Path(__file__).resolve().parent.parent
CASE = load_course(ROOT).cases["classic-ceh"]
QUESTIONS = {q.id: q for _, q in CASE.questions()}
SINGLE = QUESTIONS["classic-first-feature"]  # option 0 correct
MULTIPLE = QUESTIONS["classic-ichd-criteria"]  # options 0 and 1 correct
NUMERIC = QUESTIONS["classic-diary-responder"]  # 6 days, tolerance 0


def test_fixture_questions_have_the_expected_kinds() -> None:
    assert isinstance(SINGLE, SingleQuestion)
    assert isinstance(MULTIPLE, MultipleQuestion)
    assert isinstance(NUMERIC, NumericQuestion)


@pytest.mark.parametrize("choice, correct", [(0, True), (1, False), (2, False), (3, False)])
def test_single_answer(choice: int, correct: bool) -> None:
    verdict = grade(SINGLE, choice)
    assert verdict.answered and verdict.correct is correct
    assert verdict.chosen == [choice] and verdict.missed == []
    assert verdict.word == ("Correct" if correct else "Incorrect")


@pytest.mark.parametrize(
    "chosen, correct, missed",
    [
        ({0, 1}, True, []),
        ({0}, False, [1]),
        ({0, 1, 2}, False, []),
        ({2, 3}, False, [0, 1]),
        ({1, 3}, False, [0]),
    ],
)
def test_multiple_answer_needs_exactly_the_correct_set(chosen: set[int], correct: bool, missed: list[int]) -> None:
    verdict = grade(MULTIPLE, frozenset(chosen))
    assert verdict.correct is correct
    assert verdict.chosen == sorted(chosen)
    assert verdict.missed == missed


@pytest.mark.parametrize("value, correct", [(6, True), (6.0, True), (5.999, False), (7, False), (-6, False)])
def test_numeric_within_tolerance(value: float, correct: bool) -> None:
    assert grade(NUMERIC, value).correct is correct


def test_numeric_tolerance_is_inclusive() -> None:
    widened = NUMERIC.model_copy(update={"answer": NUMERIC.answer.model_copy(update={"tolerance": 0.5})})
    assert grade(widened, 6.5).correct and grade(widened, 5.5).correct
    assert not grade(widened, 6.51).correct


@pytest.mark.parametrize("question, empty", [(SINGLE, None), (MULTIPLE, frozenset()), (NUMERIC, None), (NUMERIC, float("nan"))])
def test_empty_answers_are_not_graded(question, empty) -> None:  # type: ignore[no-untyped-def]
    verdict = grade(question, empty)
    assert not verdict.answered and verdict.word == "Not answered"


def test_content_hash_changes_with_content() -> None:
    edited = SINGLE.model_copy(update={"stem": SINGLE.stem + " (edited)"})
    assert edited.content_hash() != SINGLE.content_hash()
    assert SINGLE.content_hash() == SINGLE.model_copy().content_hash()


def ordering_question(count: int = 4, qid: str = "order-demo") -> OrderingQuestion:
    items = [{"text": f"Step {n} text", "explanation": f"Why step {n}."} for n in range(1, count + 1)]
    return OrderingQuestion.model_validate(
        {"id": qid, "kind": "ordering", "stem": "Order them.", "teaching_point": "A point.", "items": items}
    )


@pytest.mark.parametrize("qid", ["order-demo", "a", "b", "chk-path-order", "x-y-z"])
def test_ordering_is_shown_shuffled_never_in_the_right_order(qid: str) -> None:
    question = ordering_question(qid=qid)
    order = question.display_order()
    assert sorted(order) == [0, 1, 2, 3] and order != [0, 1, 2, 3]
    assert question.steps() == [index + 1 for index in order]
    assert question.display_order() == order, "the same order every time, in every renderer"


def test_ordering_grades_each_item_and_names_the_misplaced() -> None:
    question = ordering_question()
    steps = tuple(question.steps())
    right = grade(question, steps)
    assert right.answered and right.correct and right.missed == []
    swapped = (steps[1], steps[0], *steps[2:])
    wrong = grade(question, swapped)
    assert wrong.answered and not wrong.correct and wrong.missed == [0, 1]


@pytest.mark.parametrize("answer", [None, (1, 2, 3), (1, 1, 2, 3), (0, 1, 2, 3), (1, 2, 3, 5), frozenset({1, 2, 3, 4})])
def test_an_incomplete_or_repeated_ordering_is_not_graded(answer: object) -> None:
    assert not grade(ordering_question(), answer).answered  # type: ignore[arg-type]
