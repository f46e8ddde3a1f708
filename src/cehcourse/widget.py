"""The live quiz in Jupyter: ipywidgets built from the same case model, graded by
grading.py. Its mime bundle also carries the static HTML quiz, which the book prefers
(see nb_mime_priority_overrides in _config.yml), so an executed notebook shows a quiz
that works on the static site too."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from .course import CourseData, load_course
from .grading import Answer, AnyQuestion, Verdict, attempts_text, grade, score_text
from .kinds import kind_of
from .markdown import to_html, to_inline_html
from .model import Case
from .render_html import case_noun, render_case


def feedback_html(question: AnyQuestion, verdict: Verdict, answer: Answer) -> str:
    """The same feedback the static quiz shows: the verdict in words, what the question's
    kind says about the answer (kinds/), then the teaching point."""
    return (
        f'<p class="vignette-verdict"><strong>{verdict.word}.</strong></p>'
        f"{kind_of(question).feedback_html(question, verdict, answer)}"
        f"<p><strong>Teaching point:</strong> {to_inline_html(question.teaching_point)}</p>"
    )


class QuestionView(widgets.VBox):
    """One question: its kind's controls, a Check answer button and a feedback area."""

    def __init__(self, question: AnyQuestion, on_checked: Any):
        self.question = question
        self._on_checked = on_checked
        self.kind = kind_of(question)
        self.inputs = self.kind.live_inputs(question)
        stem = widgets.HTML(f"<strong>{to_inline_html(question.stem)}</strong>")
        self.check = widgets.Button(description="Check answer", button_style="primary")
        self.check.on_click(lambda _: self.grade_current())
        self.feedback = widgets.HTML("")
        self.attempts = widgets.HTML("")
        self.verdict: Verdict | None = None
        # The first graded try counts in the score; later tries are practice.
        self.first_verdict: Verdict | None = None
        super().__init__([stem, *self.inputs.widgets, self.check, self.feedback, self.attempts])

    def current_answer(self) -> Answer:
        return self.inputs.read()

    def grade_current(self) -> None:
        answer = self.current_answer()
        verdict = grade(self.question, answer)
        if not verdict.answered:
            self.feedback.value = f"<p>{self.kind.empty}</p>"
            return
        self.verdict = verdict
        if self.first_verdict is None:
            self.first_verdict = verdict
        else:
            self.attempts.value = f"<p>{attempts_text(self.first_verdict, verdict)}</p>"
        self.feedback.value = feedback_html(self.question, verdict, answer)
        self._on_checked()

    def clear(self) -> None:
        self.inputs.clear()
        self.feedback.value = ""
        self.attempts.value = ""
        self.verdict = None
        self.first_verdict = None


class CaseQuiz(widgets.VBox):
    """A whole case: stages that unfold as questions are answered, a score and Reset."""

    def __init__(self, case: Case, course: CourseData):
        self.case = case
        self._static_html = render_case(case, course.bib_path)
        self.views: dict[str, QuestionView] = {}
        self.stage_boxes: list[widgets.VBox] = []
        for number, stage in enumerate(case.stages, 1):
            views = [QuestionView(q, self._refresh) for q in stage.questions]
            self.views.update({view.question.id: view for view in views})
            header = widgets.HTML(
                f"<h3>Stage {number} of {len(case.stages)}: {escape(stage.title)}</h3>{to_html(stage.narrative)}"
            )
            self.stage_boxes.append(widgets.VBox([header, *views]))
        self.score = widgets.HTML()
        self.reset_button = widgets.Button(description=f"Reset this {case_noun(case)}")
        self.reset_button.on_click(lambda _: self.reset())
        title = widgets.HTML(
            f"<h2>{escape(case.title)}</h2><p>{escape(case.patient.describe().capitalize())} · "
            f"{len(self.views)} questions · about {case.minutes} min</p>"
        )
        super().__init__([title, widgets.HBox([self.score, self.reset_button]), *self.stage_boxes])
        self._refresh()

    def _refresh(self) -> None:
        """Show each stage once every question before it is answered; update the score."""
        open_ = True
        for box, stage in zip(self.stage_boxes, self.case.stages):
            box.layout.display = None if open_ else "none"
            if any(self.views[q.id].verdict is None for q in stage.questions):
                open_ = False
        verdicts = [view.first_verdict for view in self.views.values() if view.first_verdict is not None]
        right = sum(v.correct for v in verdicts)
        self.score.value = f"<strong>{score_text(right, len(verdicts), len(self.views))}</strong>"

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


def show_case(case_id: str, root: str | Path | None = None) -> CaseQuiz:
    """The live quiz for *case_id*; *root* defaults to the course repository above the cwd."""
    course = load_course(Path(root) if root else _find_root(Path.cwd().resolve()))
    if case_id not in course.cases:
        raise KeyError(f"unknown case '{case_id}'; known cases: {', '.join(sorted(course.cases))}")
    return CaseQuiz(course.cases[case_id], course)
