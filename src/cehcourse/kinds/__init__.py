"""Question kinds, one module each, registered by name (as jupyterquiz registers one
renderer per question type). A kind says how its answer is graded and how it is shown in
the book's static quiz, in the live Jupyter quiz and in print; the case-level renderers
(render_html, widget, render_text, pages) only ever ask the registry.

A new kind is: its model class in model.py, a module here, its entry in
static/vignette.js, and a paragraph in AUTHORING.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from ..markdown import to_inline_html
from ..model import AnyQuestion

LETTERS = "ABCDEFGH"

# What a student gives: an option index (single), a set of them (multiple), a number
# (numeric), the step given to each item as shown (ordering); None when nothing is given.
Answer = int | frozenset[int] | float | tuple[int, ...] | None


@dataclass(frozen=True)
class Verdict:
    answered: bool
    correct: bool
    # Options the student chose, in option order.
    chosen: list[int] = field(default_factory=list)
    # Correct options the student did not choose (multiple), or items put at the wrong step
    # (ordering).
    missed: list[int] = field(default_factory=list)

    @property
    def word(self) -> str:
        if not self.answered:
            return "Not answered"
        return "Correct" if self.correct else "Incorrect"


NOT_ANSWERED = Verdict(answered=False, correct=False)


@dataclass
class LiveInputs:
    """A question's controls in the live quiz, how to read them and how to clear them."""

    widgets: list[Any]
    read: Callable[[], Answer]
    clear: Callable[[], None]


Q = TypeVar("Q", bound=AnyQuestion)


class QuestionKind(Generic[Q]):
    name: ClassVar[str]
    # Said under the stem, and the reply to "Check answer" with nothing answered.
    hint: ClassVar[str]
    empty: ClassVar[str]

    def grade(self, question: Q, answer: Answer) -> Verdict:
        raise NotImplementedError

    def sample_answers(self, question: Q) -> list[Answer]:
        """Answers that between them reach every verdict (for the agreement tests)."""
        raise NotImplementedError

    def grading_data(self, question: Q) -> dict[str, object]:
        """What vignette.js needs to grade, beside the kind and the content hash."""
        raise NotImplementedError

    def answer_text(self, question: Q) -> str:
        """The right answer in a few words, as safe HTML."""
        raise NotImplementedError

    def answer_html(self, question: Q) -> str:
        """The right answer for the worked answer; choice kinds mark their letters so a
        quiz that shuffles the options can relabel them."""
        return self.answer_text(question)

    def inputs_html(self, question: Q, base: str) -> str:
        """The static quiz's controls; element ids start with *base*."""
        raise NotImplementedError

    def explanations_html(self, question: Q) -> str:
        """The worked answer's explanations, as safe HTML; vignette.js copies from it."""
        raise NotImplementedError

    def feedback_html(self, question: Q, verdict: Verdict, answer: Answer) -> str:
        """Feedback between the verdict and the teaching point: the same words
        vignette.js shows (tests/test_agreement.py compares them)."""
        raise NotImplementedError

    def live_inputs(self, question: Q) -> LiveInputs:
        raise NotImplementedError

    def text_lines(self, question: Q, answers: bool) -> list[tuple[str, str]]:
        """Printed lines after the stem, as (indent, text) pairs."""
        raise NotImplementedError


KINDS: dict[str, QuestionKind[Any]] = {}


def register(kind: type[QuestionKind[Any]]) -> type[QuestionKind[Any]]:
    KINDS[kind.name] = kind()
    return kind


def kind_of(question: AnyQuestion) -> QuestionKind[Any]:
    return KINDS[question.kind]


def format_number(value: float) -> str:
    """Numbers as a reader writes them: 12 not 12.0, 0.35 not 0.35000000000000003."""
    return f"{value:.10g}"


def letter_html(index: int) -> str:
    """An option's letter; data-letter names the option, so a shuffled quiz can relabel it."""
    return f'<span data-letter="{index}">{LETTERS[index]}</span>'


def option_label(index: int, markdown: str) -> str:
    return f'<span class="vignette-letter">{letter_html(index)}.</span> {to_inline_html(markdown)}'


def explanation_list(entries: list[tuple[int, str, str]]) -> str:
    """The worked answer's list: (shown index, head as safe HTML, explanation as Markdown)
    per entry. vignette.js copies an entry's explanation by its data-option."""
    items = "".join(
        f'<li data-option="{shown}"><span class="vignette-option-head">{head}</span>'
        f'<span class="vignette-explanation">{to_inline_html(explanation)}</span></li>'
        for shown, head, explanation in entries
    )
    return f'<ul class="vignette-explanations">{items}</ul>'


# Importing the modules registers the kinds.
from . import choice, numeric, ordering  # noqa: E402,F401
