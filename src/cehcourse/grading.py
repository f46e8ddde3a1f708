"""Grading of one answer, in plain Python. Each question kind grades its own answers
(kinds/); vignette.js implements the same rules, and tests/test_agreement.py proves that
the two give the same verdicts.

Rules:
- single: correct when the chosen option is the correct one;
- multiple: correct when the chosen set equals the set of correct options;
- numeric: correct when |answer - value| <= tolerance;
- ordering: correct when every item has its own step and each is the right one.
An empty or incomplete answer is not graded (``answered`` is False).
"""

from __future__ import annotations

from .kinds import Answer, Verdict, format_number, kind_of
from .kinds.choice import correct_options
from .model import AnyQuestion

__all__ = ["Answer", "AnyQuestion", "Verdict", "correct_options", "format_number", "grade", "score_text"]


def grade(question: AnyQuestion, answer: Answer) -> Verdict:
    return kind_of(question).grade(question, answer)


def score_text(right: int, answered: int, total: int) -> str:
    """The running score a case shows (vignette.js writes the same words)."""
    count = f"{total} question{'' if total == 1 else 's'}"
    if answered == 0:
        return f"Not started: {count}."
    return f"Score: {right} correct of {answered} answered ({count})."
