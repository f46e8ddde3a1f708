"""Single best answer and multiple answer: options with a correct flag and an explanation each."""

from __future__ import annotations

import itertools

import ipywidgets as widgets

from ..markdown import plain_text, to_inline_html
from ..model import MultipleQuestion, SingleQuestion
from . import LETTERS, NOT_ANSWERED, Answer, LiveInputs, QuestionKind, Verdict, explanation_list, letter_html, option_label, register

Choice = SingleQuestion | MultipleQuestion


def correct_options(question: Choice) -> list[int]:
    return [index for index, option in enumerate(question.options) if option.correct]


def _size_then_members(combo: frozenset[int]) -> tuple[int, list[int]]:
    return len(combo), sorted(combo)


class _ChoiceKind(QuestionKind[Choice]):
    input_type = "radio"
    empty = "Choose an answer first."

    def grading_data(self, question: Choice) -> dict[str, object]:
        return {"correct": correct_options(question)}

    def answer_text(self, question: Choice) -> str:
        return ", ".join(LETTERS[i] for i in correct_options(question))

    def answer_html(self, question: Choice) -> str:
        return ", ".join(letter_html(i) for i in correct_options(question))

    def inputs_html(self, question: Choice, base: str) -> str:
        rows = [
            f'<div class="vignette-option"><input type="{self.input_type}" id="{base}-{index}" '
            f'name="{base}" value="{index}"><label for="{base}-{index}">{option_label(index, option.text)}</label></div>'
            for index, option in enumerate(question.options)
        ]
        return f'<div class="vignette-options">{"".join(rows)}</div>'

    def explanations_html(self, question: Choice) -> str:
        return explanation_list([
            (index, f"<strong>{letter_html(index)}. {to_inline_html(option.text)}</strong> "
                    f"({'Correct option' if option.correct else 'Incorrect option'})", option.explanation)
            for index, option in enumerate(question.options)
        ])

    def feedback_html(self, question: Choice, verdict: Verdict, answer: Answer) -> str:
        # A missed single best answer names the right one, as a numeric miss gives the number.
        named = f"<p>The answer is {self.answer_text(question)}.</p>" if self.name == "single" and not verdict.correct else ""
        items = [
            f"<li><strong>You chose {LETTERS[i]}.</strong> {to_inline_html(question.options[i].explanation)}</li>"
            for i in verdict.chosen
        ] + [
            f"<li><strong>You missed {LETTERS[i]}.</strong> {to_inline_html(question.options[i].explanation)}</li>"
            for i in verdict.missed
        ]
        return f"{named}<ul>{''.join(items)}</ul>"

    def text_lines(self, question: Choice, answers: bool) -> list[tuple[str, str]]:
        right = correct_options(question)
        lines = [("    ", self.hint)]
        for index, option in enumerate(question.options):
            lines.append(("    ", f"{LETTERS[index]}. {option.text}"))
            if answers:
                lines.append(("        ", f"({'correct' if index in right else 'incorrect'}) {option.explanation}"))
        if answers:
            lines.append(("    ", f"ANSWER: {self.answer_text(question)}"))
        return lines


@register
class SingleKind(_ChoiceKind):
    name = "single"
    hint = "Choose one answer."

    def grade(self, question: Choice, answer: Answer) -> Verdict:
        if not isinstance(answer, int) or isinstance(answer, bool):
            return NOT_ANSWERED
        return Verdict(True, answer in correct_options(question), chosen=[answer])

    def sample_answers(self, question: Choice) -> list[Answer]:
        return list(range(len(question.options)))

    def live_inputs(self, question: Choice) -> LiveInputs:
        choice = widgets.RadioButtons(
            options=[(f"{LETTERS[i]}. {plain_text(o.text)}", i) for i, o in enumerate(question.options)],
            value=None,
            layout=widgets.Layout(width="auto"),
        )

        def clear() -> None:
            choice.value = None

        return LiveInputs([choice], lambda: None if choice.value is None else int(choice.value), clear)


@register
class MultipleKind(_ChoiceKind):
    name = "multiple"
    hint = "Select all that apply."
    input_type = "checkbox"

    def grade(self, question: Choice, answer: Answer) -> Verdict:
        if not isinstance(answer, frozenset) or not answer:
            return NOT_ANSWERED
        right = set(correct_options(question))
        chosen = sorted(answer)
        return Verdict(True, set(chosen) == right, chosen=chosen, missed=sorted(right - set(chosen)))

    def sample_answers(self, question: Choice) -> list[Answer]:
        indices = range(len(question.options))
        sizes = range(1, len(question.options) + 1) if len(question.options) <= 5 else [1, 2, len(question.options)]
        combos = {frozenset(c) for size in sizes for c in itertools.combinations(indices, size)}
        combos.add(frozenset(correct_options(question)))
        ordered = sorted(combos, key=_size_then_members)
        return list(ordered)

    def live_inputs(self, question: Choice) -> LiveInputs:
        boxes = [
            widgets.Checkbox(value=False, description=f"{LETTERS[i]}. {plain_text(o.text)}", indent=False,
                             layout=widgets.Layout(width="auto"))
            for i, o in enumerate(question.options)
        ]

        def clear() -> None:
            for box in boxes:
                box.value = False

        return LiveInputs(
            [widgets.HTML(f"<em>{self.hint}</em>"), *boxes],
            lambda: frozenset(i for i, box in enumerate(boxes) if box.value),
            clear,
        )
