"""Ordering: put steps (of management, of a pathway) in order. The items are written in
the right order and shown in a fixed shuffle; the student gives each item its step number."""

from __future__ import annotations

import ipywidgets as widgets

from ..markdown import to_inline_html
from ..model import OrderingQuestion
from . import LETTERS, NOT_ANSWERED, Answer, LiveInputs, QuestionKind, Verdict, explanation_list, option_label, register


def letters_in_order(steps: tuple[int, ...] | list[int]) -> str:
    """The shown items' letters, sorted by the step each was given."""
    return ", ".join(LETTERS[item] for _, item in sorted((step, item) for item, step in enumerate(steps)))


@register
class OrderingKind(QuestionKind[OrderingQuestion]):
    name = "ordering"
    hint = "Give each step its number, 1 for the first."
    empty = "Give every step its own number first."

    def grade(self, question: OrderingQuestion, answer: Answer) -> Verdict:
        size = len(question.items)
        if not isinstance(answer, tuple) or sorted(answer) != list(range(1, size + 1)):
            return NOT_ANSWERED
        misplaced = [item for item, (given, right) in enumerate(zip(answer, question.steps())) if given != right]
        return Verdict(True, not misplaced, missed=misplaced)

    def sample_answers(self, question: OrderingQuestion) -> list[Answer]:
        steps = tuple(question.steps())
        swapped = (steps[1], steps[0], *steps[2:])
        reversed_ = tuple(len(steps) + 1 - step for step in steps)
        in_display_order = tuple(range(1, len(steps) + 1))
        return list(dict.fromkeys([steps, swapped, reversed_, in_display_order]))

    def grading_data(self, question: OrderingQuestion) -> dict[str, object]:
        return {"steps": question.steps()}

    def answer_text(self, question: OrderingQuestion) -> str:
        return letters_in_order(question.steps())

    def inputs_html(self, question: OrderingQuestion, base: str) -> str:
        size = len(question.items)
        choices = '<option value="">Step…</option>' + "".join(
            f'<option value="{step}">Step {step}</option>' for step in range(1, size + 1)
        )
        rows = [
            f'<div class="vignette-order-item"><select id="{base}-{shown}" name="{base}-{shown}" data-item="{shown}" '
            f'aria-describedby="{base}-{shown}-text">{choices}</select>'
            f'<label for="{base}-{shown}" id="{base}-{shown}-text">{option_label(shown, question.items[item].text)}</label></div>'
            for shown, item in enumerate(question.display_order())
        ]
        return f'<div class="vignette-order">{"".join(rows)}</div>'

    def explanations_html(self, question: OrderingQuestion) -> str:
        shown_at = {item: shown for shown, item in enumerate(question.display_order())}
        return explanation_list([
            (shown_at[item], f"<strong>Step {item + 1}: {LETTERS[shown_at[item]]}. {to_inline_html(entry.text)}</strong>",
             entry.explanation)
            for item, entry in enumerate(question.items)
        ])

    def feedback_html(self, question: OrderingQuestion, verdict: Verdict, answer: Answer) -> str:
        assert isinstance(answer, tuple)
        steps = question.steps()
        parts = [f"<p>Your order: {letters_in_order(answer)}.</p>", f"<p>The right order: {letters_in_order(steps)}.</p>"]
        if verdict.missed:
            order = question.display_order()
            items = "".join(
                f"<li><strong>You put {LETTERS[shown]} at step {answer[shown]}; it is step {steps[shown]}.</strong> "
                f"{to_inline_html(question.items[order[shown]].explanation)}</li>"
                for shown in verdict.missed
            )
            parts.append(f"<ul>{items}</ul>")
        return "".join(parts)

    def live_inputs(self, question: OrderingQuestion) -> LiveInputs:
        size = len(question.items)
        choices = [("Step…", 0)] + [(f"Step {step}", step) for step in range(1, size + 1)]
        menus = []
        rows = []
        for shown, item in enumerate(question.display_order()):
            menu = widgets.Dropdown(options=choices, value=0, description=f"{LETTERS[shown]}.",
                                    layout=widgets.Layout(width="9.5em", flex="none"),
                                    style={"description_width": "1.5em"})
            menus.append(menu)
            text = widgets.HTML(to_inline_html(question.items[item].text), layout=widgets.Layout(flex="1 1 auto"))
            rows.append(widgets.HBox([menu, text], layout=widgets.Layout(align_items="center")))

        def clear() -> None:
            for menu in menus:
                menu.value = 0

        return LiveInputs([widgets.HTML(f"<em>{self.hint}</em>"), *rows], lambda: tuple(m.value for m in menus), clear)

    def text_lines(self, question: OrderingQuestion, answers: bool) -> list[tuple[str, str]]:
        lines = [("    ", f"{self.hint} Write the step numbers.")]
        for shown, item in enumerate(question.display_order()):
            lines.append(("    ", f"{LETTERS[shown]}. {question.items[item].text}   Step: ___"))
        if answers:
            shown_at = {item: shown for shown, item in enumerate(question.display_order())}
            lines.append(("    ", f"ANSWER: {self.answer_text(question)}"))
            for item, entry in enumerate(question.items):
                lines.append(("        ", f"(step {item + 1}, {LETTERS[shown_at[item]]}) {entry.explanation}"))
        return lines
