"""Grading of one answer, in plain Python. vignette.js implements the same rules;
tests/test_agreement.py proves that the two give the same verdicts.

Rules:
- single: correct when the chosen option is the correct one;
- multiple: correct when the chosen set equals the set of correct options;
- numeric: correct when |answer - value| <= tolerance.
An empty answer is not graded (``answered`` is False).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .model import MultipleQuestion, NumericQuestion, SingleQuestion

AnyQuestion = SingleQuestion | MultipleQuestion | NumericQuestion
Answer = int | frozenset[int] | float | None


@dataclass(frozen=True)
class Verdict:
    answered: bool
    correct: bool
    # Markdown explanations of the options the student chose, in option order.
    chosen: list[int] = field(default_factory=list)
    # Correct options the student did not choose (multiple answer only).
    missed: list[int] = field(default_factory=list)

    @property
    def word(self) -> str:
        if not self.answered:
            return "Not answered"
        return "Correct" if self.correct else "Incorrect"


def correct_options(question: SingleQuestion | MultipleQuestion) -> list[int]:
    return [index for index, option in enumerate(question.options) if option.correct]


def grade(question: AnyQuestion, answer: Answer) -> Verdict:
    if isinstance(question, NumericQuestion):
        return _grade_numeric(question, answer)
    if isinstance(question, SingleQuestion):
        if answer is None or isinstance(answer, (frozenset, float)):
            return Verdict(answered=False, correct=False)
        return Verdict(True, answer in correct_options(question), chosen=[answer])
    if not isinstance(answer, frozenset) or not answer:
        return Verdict(answered=False, correct=False)
    right = set(correct_options(question))
    chosen = sorted(answer)
    return Verdict(True, set(chosen) == right, chosen=chosen, missed=sorted(right - set(chosen)))


def _grade_numeric(question: NumericQuestion, answer: Answer) -> Verdict:
    if not isinstance(answer, (int, float)) or isinstance(answer, bool) or not math.isfinite(answer):
        return Verdict(answered=False, correct=False)
    expected = question.answer
    return Verdict(True, abs(float(answer) - expected.value) <= expected.tolerance)


def format_number(value: float) -> str:
    """Numbers as a reader writes them: 12 not 12.0, 0.35 not 0.35000000000000003."""
    return f"{value:.10g}"


def score_text(right: int, answered: int, total: int) -> str:
    """The running score a case shows (vignette.js writes the same words)."""
    count = f"{total} question{'' if total == 1 else 's'}"
    if answered == 0:
        return f"Not started: {count}."
    return f"Score: {right} correct of {answered} answered ({count})."
