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

__all__ = ["Answer", "AnyQuestion", "Verdict", "attempts_text", "correct_options", "format_number", "grade", "score_text"]


def grade(question: AnyQuestion, answer: Answer) -> Verdict:
    return kind_of(question).grade(question, answer)


def score_text(first_try_right: int, answered: int, total: int) -> str:
    """The running score a case shows (vignette.js writes the same words). Only a
    question's first try counts; later tries are practice."""
    count = f"{total} question{'' if total == 1 else 's'}"
    if answered == 0:
        return f"Not started: {count}."
    return f"First-try score: {first_try_right} correct of {answered} answered ({count})."


def attempts_text(first: Verdict, latest: Verdict) -> str:
    """Said under the feedback when a question is tried again (vignette.js says the same)."""
    return (
        f"First try: {first.word.lower()}; this try: {latest.word.lower()}. "
        "Your score counts the first try."
    )
