"""Every string a case file holds reaches the page as text, in both quiz renderers.

For each field a case author can write, a case is made whose only hostile value is in
that field. The static quiz (vignette.js) is then played through in Chromium, every
question answered so that all feedback, stage and score text is shown; the live widget's
HTML is rendered in the same browser. Nothing may run, and no element the author typed
may appear."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from cehcourse.grading import Answer
from cehcourse.model import Case, MultipleQuestion, NumericQuestion, SingleQuestion
from cehcourse.render_html import render_case
from cehcourse.widget import CaseQuiz, QuestionView

ROOT = Path(__file__).resolve().parent.parent
# Short enough for the shortest field (a unit); a script element is tried in the others.
EVIL = "<img src=x onerror=__pwned=1>"
SCRIPT = "<script>__pwned=2</script>"


def option(text: str, correct: bool = False) -> dict[str, Any]:
    return {"text": text, "correct": correct, "explanation": f"Why {text} is {'right' if correct else 'wrong'}."}


BASE: dict[str, Any] = {
    "id": "hostile-case",
    "title": "A case",
    "summary": "A summary.",
    "patient": {"age": 40, "sex": "female"},
    "minutes": 5,
    "chapters": ["assessment"],
    "objectives": ["assessment/history"],
    "cites": ["ichd3"],
    "stages": [
        {"id": "one", "title": "First stage", "narrative": "A narrative.", "questions": [
            {"id": "h-single", "kind": "single", "stem": "Pick one.", "teaching_point": "A point.",
             "options": [option("Alpha", True), option("Beta")]},
            {"id": "h-single-two", "kind": "single", "stem": "Pick another.", "teaching_point": "A point.",
             "options": [option("Epsilon", True), option("Zeta")]},
        ]},
        {"id": "two", "title": "Second stage", "narrative": "More story.", "questions": [
            {"id": "h-multiple", "kind": "multiple", "stem": "Pick some.", "teaching_point": "A point.",
             "options": [option("Gamma", True), option("Delta")]},
        ]},
        {"id": "three", "title": "Third stage", "narrative": "The end.", "questions": [
            {"id": "h-numeric", "kind": "numeric", "stem": "How many?", "teaching_point": "A point.",
             "answer": {"value": 6, "tolerance": 0, "unit": "days"}, "explanation": "Twelve halved."},
        ]},
    ],
}

# Every free-text field, as a path into BASE.
FIELDS: dict[str, tuple[Any, ...]] = {
    "case title": ("title",),
    "stage title": ("stages", 1, "title"),
    "narrative": ("stages", 0, "narrative"),
    "stem": ("stages", 0, "questions", 0, "stem"),
    "option text": ("stages", 0, "questions", 0, "options", 1, "text"),
    "option explanation": ("stages", 0, "questions", 0, "options", 0, "explanation"),
    "multiple option explanation": ("stages", 1, "questions", 0, "options", 1, "explanation"),
    "teaching point": ("stages", 1, "questions", 0, "teaching_point"),
    "numeric unit": ("stages", 2, "questions", 0, "answer", "unit"),
    "numeric explanation": ("stages", 2, "questions", 0, "explanation"),
}


def hostile(field: str) -> Case:
    data = copy.deepcopy(BASE)
    *parents, last = FIELDS[field]
    target = data
    for key in parents:
        target = target[key]
    target[last] = EVIL if last == "unit" else EVIL + SCRIPT
    return Case.model_validate(data)


def assert_inert(page: Any, field: str, shown: bool = True) -> None:
    assert page.evaluate("() => window.__pwned") is None, f"{field}: author markup ran"
    assert page.locator("main img, main script:not([type='application/json'])").count() == 0, (
        f"{field}: author markup became an element"
    )
    if shown:
        assert "<img src=x" in page.inner_text("main"), f"{field}: the text should still be shown, as text"


@pytest.mark.parametrize("field", FIELDS)
def test_static_quiz_shows_case_text_as_text(page: Any, field: str) -> None:
    markup = render_case(hostile(field), ROOT / "references.bib")
    script = (ROOT / "src" / "cehcourse" / "static" / "vignette.js").read_text(encoding="utf-8")
    page.goto(f"{page.base_url}/index.html")
    page.set_content(f"<!doctype html><html lang=en><body><main>{markup}</main><script>{script}</script></body></html>")
    # Play the case through: a wrong answer first, so every explanation is shown.
    page.check("#vg-h-single-1")
    page.click("#vg-h-single .vignette-check")
    page.check("#vg-h-single-two-0")
    page.click("#vg-h-single-two .vignette-check")
    page.check("#vg-h-multiple-1")
    page.click("#vg-h-multiple .vignette-check")
    page.fill("#vg-h-numeric-value", "7")
    page.click("#vg-h-numeric .vignette-check")
    assert page.inner_text("#vg-h-numeric .vignette-feedback").startswith("Incorrect.")
    for summary in page.locator("details.vignette-answer summary").all():
        summary.click()
    assert_inert(page, field)


def answer_widget(view: QuestionView, answer: Answer) -> None:
    controls = view.inputs.widgets
    if isinstance(view.question, NumericQuestion):
        controls[0].value = str(answer)
    elif isinstance(view.question, SingleQuestion):
        controls[0].value = answer
    else:
        assert isinstance(view.question, MultipleQuestion) and isinstance(answer, frozenset)
        for index, box in enumerate(controls[1:]):
            box.value = index in answer
    view.grade_current()


def widget_html(quiz: CaseQuiz) -> str:
    """Every HTML string the live quiz shows, in the order a student meets them."""
    parts = []

    def walk(widget: Any) -> None:
        value = getattr(widget, "value", None)
        if type(widget).__name__ == "HTML" and isinstance(value, str):
            parts.append(value)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(quiz)
    return "".join(parts)


@pytest.mark.parametrize("field", FIELDS)
def test_live_quiz_shows_case_text_as_text(page: Any, field: str) -> None:
    from cehcourse.course import load_course

    quiz = CaseQuiz(hostile(field), load_course(ROOT))
    # The keyed option this time: its explanation (the hostile one) is the feedback.
    answer_widget(quiz.views["h-single"], 0)
    answer_widget(quiz.views["h-single-two"], 0)
    answer_widget(quiz.views["h-multiple"], frozenset({1}))
    answer_widget(quiz.views["h-numeric"], 7.0)
    assert "Incorrect" in quiz.views["h-numeric"].feedback.value
    page.goto(f"{page.base_url}/index.html")
    page.set_content(f"<!doctype html><html lang=en><body><main>{widget_html(quiz)}</main></body></html>")
    # Option text is a RadioButtons label, a plain-text property, not HTML.
    assert_inert(page, field, shown=field != "option text")
    if field == "option text":
        assert any("<img src=x" in label for label, _ in quiz.views["h-single"].inputs.widgets[0].options)
    # Labels that are not HTML widgets (the numeric unit, checkbox options) must stay text.
    for view in quiz.views.values():
        for control in view.inputs.widgets:
            if hasattr(control, "description_allow_html"):
                assert control.description_allow_html is False
