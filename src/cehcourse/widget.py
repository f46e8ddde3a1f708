"""The live quiz in Jupyter: ipywidgets built from the same case model, graded by
grading.py. Its mime bundle also carries the static HTML quiz, which the book prefers
(see nb_mime_priority_overrides in _config.yml), so an executed notebook shows a quiz
that works on the static site too. It speaks as the book's quiz does: the verdict in
words and a symbol, options marked in place after checking, a note when the next stage
opens, and a summary once every question is answered."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from .course import CourseData, load_course
from .grading import Answer, AnyQuestion, Verdict, attempts_text, correct_options, grade, score_text
from .kinds import kind_of
from .live_style import CSS, QUIZ_CLASS
from .markdown import plain_text, to_html, to_inline_html
from .model import Case
from .render_html import case_noun, render_case

CHOICE_KINDS = ("single", "multiple")


def feedback_html(question: AnyQuestion, verdict: Verdict, answer: Answer) -> str:
    """The same feedback the static quiz shows: the verdict in words, what the question's
    kind says about the answer (kinds/), then the teaching point."""
    return (
        f'<p class="vignette-verdict"><strong>{verdict.word}.</strong></p>'
        f"{kind_of(question).feedback_html(question, verdict, answer)}"
        f"<p><strong>Teaching point:</strong> {to_inline_html(question.teaching_point)}</p>"
    )


def option_marks(question: AnyQuestion, verdict: Verdict) -> dict[int, str]:
    """The words the book's quiz puts beside options after a check (choice kinds only)."""
    if question.kind not in CHOICE_KINDS:
        return {}
    right = set(correct_options(question))  # type: ignore[arg-type]
    marks = {i: "✓ Your answer: correct" if i in right else "✗ Your answer: incorrect" for i in verdict.chosen}
    marks.update({i: "✓ Correct answer" for i in sorted(right - set(verdict.chosen))})
    return marks


class OptionLabels:
    """The option controls of a choice question (radio buttons, or one checkbox per option),
    with their labels as first drawn, so marks can be added in place and taken away."""

    def __init__(self, controls: list[Any]):
        self.radios = [c for c in controls if isinstance(c, widgets.RadioButtons)]
        self.boxes = [c for c in controls if isinstance(c, widgets.Checkbox)]
        self.radio_labels = [[label for label, _ in radio.options] for radio in self.radios]
        self.box_labels = [box.description for box in self.boxes]

    def show(self, marks: dict[int, str]) -> None:
        def marked(index: int, label: str) -> str:
            return f"{label} — {marks[index]}" if index in marks else label

        for radio, labels in zip(self.radios, self.radio_labels):
            values = [value for _, value in radio.options]
            chosen = radio.value
            # New options select the first one: put the student's choice back, in one message.
            with radio.hold_sync():
                radio.options = [(marked(v, label), v) for label, v in zip(labels, values)]
                radio.value = chosen
        for index, (box, label) in enumerate(zip(self.boxes, self.box_labels)):
            box.description = marked(index, label)


def _full_width_button(description: str, **kwargs: Any) -> widgets.Button:
    # A button's default width (148 px) cuts longer words such as "Reset this self-check";
    # flex-start keeps it from stretching across the question.
    return widgets.Button(description=description, layout=widgets.Layout(width="auto", align_self="flex-start"), **kwargs)


class QuestionView(widgets.VBox):
    """One question: its kind's controls, a Check answer button and a feedback area."""

    def __init__(self, question: AnyQuestion, on_checked: Callable[[QuestionView], None]):
        self.question = question
        self._on_checked = on_checked
        self.kind = kind_of(question)
        self.inputs = self.kind.live_inputs(question)
        self.options = OptionLabels(self.inputs.widgets)
        stem = widgets.HTML(f"<strong>{to_inline_html(question.stem)}</strong>")
        self.check = _full_width_button("Check answer", button_style="primary")
        self.check.on_click(lambda _: self.grade_current())
        self.feedback = widgets.HTML("")
        self.attempts = widgets.HTML("")
        self.verdict: Verdict | None = None
        # The first graded try counts in the score; later tries are practice.
        self.first_verdict: Verdict | None = None
        super().__init__([stem, *self.inputs.widgets, self.check, self.feedback, self.attempts])
        self.add_class("cehq-question")

    def current_answer(self) -> Answer:
        return self.inputs.read()

    def grade_current(self) -> None:
        answer = self.current_answer()
        verdict = grade(self.question, answer)
        if not verdict.answered:
            self.options.show({})
            self.feedback.value = f"<p>{self.kind.empty}</p>"
            return
        self.verdict = verdict
        if self.first_verdict is None:
            self.first_verdict = verdict
        else:
            self.attempts.value = f"<p>{attempts_text(self.first_verdict, verdict)}</p>"
        self.options.show(option_marks(self.question, verdict))
        state = "is-correct" if verdict.correct else "is-incorrect"
        self.feedback.value = (
            f'<div class="cehq-feedback {state}">{feedback_html(self.question, verdict, answer)}</div>'
        )
        self._on_checked(self)

    def add_note(self, text: str) -> None:
        """A line under the feedback (the next stage has opened)."""
        self.feedback.value = self.feedback.value.removesuffix("</div>") + f"<p>{escape(text)}</p></div>"

    def clear(self) -> None:
        self.inputs.clear()
        self.options.show({})
        self.feedback.value = ""
        self.attempts.value = ""
        self.verdict = None
        self.first_verdict = None


class CaseQuiz(widgets.VBox):
    """A whole case: stages that unfold as questions are answered, a score, Reset, and a
    summary at the end. ``preview`` opens every stage at once (for authors)."""

    def __init__(self, case: Case, course: CourseData, preview: bool = False):
        self.case = case
        self.course = course
        self.preview = preview
        self._static_html = render_case(case, course.bib_path)
        self.views: dict[str, QuestionView] = {}
        self.stage_boxes: list[widgets.VBox] = []
        self.stage_titles: list[str] = []
        for number, stage in enumerate(case.stages, 1):
            views = [QuestionView(q, self._checked) for q in stage.questions]
            self.views.update({view.question.id: view for view in views})
            title = f"Stage {number} of {len(case.stages)}: {stage.title}"
            self.stage_titles.append(title)
            header = widgets.HTML(f"<h3>{escape(title)}</h3>{to_html(stage.narrative)}")
            self.stage_boxes.append(widgets.VBox([header, *views]))
        self.score = widgets.HTML()
        self.reset_button = _full_width_button(f"Reset this {case_noun(case)}")
        self.reset_button.on_click(lambda _: self.reset())
        self.summary = widgets.HTML("")
        title = widgets.HTML(
            f"<h2>{escape(case.title)}</h2><p>{escape(case.patient.describe().capitalize())} · "
            f"{len(self.views)} questions · about {case.minutes} min</p>"
        )
        # The style sheet rides along, hidden; a <style> applies wherever it sits.
        style = widgets.HTML(f"<style>{CSS}</style>", layout=widgets.Layout(display="none"))
        toolbar = widgets.HBox([self.score, self.reset_button], layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([style, title, toolbar, *self.stage_boxes, self.summary])
        self.add_class(QUIZ_CLASS)
        self._refresh()

    def _checked(self, view: QuestionView) -> None:
        before = self.visible_stages()
        self._refresh()
        opened = [title for title, stage in zip(self.stage_titles, self.case.stages)
                  if stage.id in self.visible_stages() and stage.id not in before]
        if opened:
            view.add_note(f"The next stage, “{opened[0]}”, is now shown below.")

    def _refresh(self) -> None:
        """Show each stage once every question before it is answered; update the score
        and, once every question is answered, the summary."""
        open_ = True
        for box, stage in zip(self.stage_boxes, self.case.stages):
            box.layout.display = None if open_ else "none"
            if not self.preview and any(self.views[q.id].verdict is None for q in stage.questions):
                open_ = False
        verdicts = [view.first_verdict for view in self.views.values() if view.first_verdict is not None]
        right = sum(v.correct for v in verdicts)
        self.score.value = f"<strong>{score_text(right, len(verdicts), len(self.views))}</strong>"
        done = len(verdicts) == len(self.views)
        self.summary.value = self._summary_html(right) if done else ""
        self.summary.layout.display = None if done else "none"

    def _summary_html(self, right: int) -> str:
        """The book's end-of-case summary, in the same words (vignette.js, render_html)."""
        total = len(self.views)
        missed = [view for view in self.views.values() if view.first_verdict is not None and not view.first_verdict.correct]
        if missed:
            noun = "question" if len(missed) == 1 else "questions"
            items = "".join(f"<li>{escape(plain_text(view.question.stem))}</li>" for view in missed)
            review = f"<p>Review the {noun} you missed on the first try:</p><ul>{items}</ul>"
        else:
            review = "<p>Every question right on the first try.</p>"
        objectives = []
        for tag in self.case.objectives:
            objective = self.course.catalogue.objective(tag)
            chapter = self.course.catalogue.chapters.get(tag.partition("/")[0])
            if objective is not None and chapter is not None:
                objectives.append(f"<li>{escape(objective.text)} (chapter: {escape(chapter.title)})</li>")
        practised = (f"<p>This {case_noun(self.case)} practised these learning objectives:</p><ul>{''.join(objectives)}</ul>"
                     if objectives else "")
        return (
            f'<div class="cehq-summary"><h3>{case_noun(self.case).capitalize()} complete</h3>'
            f"<p><strong>First try: {right} of {total} correct.</strong></p>{review}{practised}</div>"
        )

    def visible_stages(self) -> list[str]:
        return [s.id for box, s in zip(self.stage_boxes, self.case.stages) if box.layout.display != "none"]

    def reset(self) -> None:
        for view in self.views.values():
            view.clear()
        self._refresh()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/html"] = self._static_html
        return bundle


def _find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "_config.yml").exists() and (folder / "book" / "cases").is_dir():
            return folder
    raise FileNotFoundError(f"no course repository (with _config.yml and book/cases) above {start}")


def show_case(case_id: str, root: str | Path | None = None, preview: bool = False) -> CaseQuiz:
    """The live quiz for *case_id*; *root* defaults to the course repository above the cwd.
    ``preview=True`` opens every stage at once, for an author checking a case."""
    course = load_course(Path(root) if root else _find_root(Path.cwd().resolve()))
    if case_id not in course.cases:
        raise KeyError(f"unknown case '{case_id}'; known cases: {', '.join(sorted(course.cases))}")
    return CaseQuiz(course.cases[case_id], course, preview)
