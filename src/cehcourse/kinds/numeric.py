"""Numeric answer: a value, a tolerance and a unit, with a worked explanation."""

from __future__ import annotations

import math
from html import escape

import ipywidgets as widgets

from ..markdown import to_html
from ..model import NumericQuestion
from . import NOT_ANSWERED, Answer, LiveInputs, QuestionKind, Verdict, format_number, register


@register
class NumericKind(QuestionKind[NumericQuestion]):
    name = "numeric"
    hint = "Enter a number."
    empty = "Enter a number first."

    def grade(self, question: NumericQuestion, answer: Answer) -> Verdict:
        if not isinstance(answer, (int, float)) or isinstance(answer, bool) or not math.isfinite(answer):
            return NOT_ANSWERED
        expected = question.answer
        return Verdict(True, abs(float(answer) - expected.value) <= expected.tolerance)

    def sample_answers(self, question: NumericQuestion) -> list[Answer]:
        value, tolerance = question.answer.value, question.answer.tolerance
        step = max(1.0, abs(value)) * 0.01
        candidates = (value, value + tolerance, value - tolerance, value + tolerance + step,
                      value - tolerance - step, value * 2 + 1)
        return [round(v, 6) for v in candidates]

    def grading_data(self, question: NumericQuestion) -> dict[str, object]:
        return {"value": question.answer.value, "tolerance": question.answer.tolerance, "unit": question.answer.unit}

    def answer_text(self, question: NumericQuestion) -> str:
        unit = f" {question.answer.unit}" if question.answer.unit else ""
        tolerance = question.answer.tolerance
        spread = f" (accepted within ±{format_number(tolerance)})" if tolerance else ""
        return f"{format_number(question.answer.value)}{escape(unit)}{spread}"

    def inputs_html(self, question: NumericQuestion, base: str) -> str:
        unit = question.answer.unit
        label = f"Your answer{f' ({escape(unit)})' if unit else ''}"
        return (
            f'<div class="vignette-numeric"><label for="{base}-value">{label}</label> '
            f'<input type="number" step="any" inputmode="decimal" id="{base}-value" name="{base}">'
            "</div>"
        )

    def explanations_html(self, question: NumericQuestion) -> str:
        return f'<div class="vignette-explanation" data-explanation="numeric">{to_html(question.explanation)}</div>'

    def feedback_html(self, question: NumericQuestion, verdict: Verdict, answer: Answer) -> str:
        unit = f" {question.answer.unit}" if question.answer.unit else ""
        return (
            f"<p>You answered {format_number(float(answer))}{escape(unit)}. "  # type: ignore[arg-type]
            f"The answer is {self.answer_text(question)}.</p>{to_html(question.explanation)}"
        )

    def live_inputs(self, question: NumericQuestion) -> LiveInputs:
        unit = f" ({question.answer.unit})" if question.answer.unit else ""
        number = widgets.Text(placeholder="a number", description=f"Answer{unit}")

        def read() -> Answer:
            try:
                return float(number.value.strip())
            except ValueError:
                return None

        def clear() -> None:
            number.value = ""

        return LiveInputs([number], read, clear)

    def text_lines(self, question: NumericQuestion, answers: bool) -> list[tuple[str, str]]:
        unit = f" ({question.answer.unit})" if question.answer.unit else ""
        lines = [("    ", f"Answer{unit}: ________")]
        if answers:
            tolerance = question.answer.tolerance
            spread = f" (within ±{format_number(tolerance)})" if tolerance else ""
            lines.append(("    ", f"ANSWER: {format_number(question.answer.value)}{unit}{spread}"))
            lines.append(("    ", question.explanation))
        return lines
