"""Static HTML for a case: semantic markup that reads without JavaScript and that
vignette.js turns into a graded quiz. Every string from a case file is escaped or
passes through markdown.py, which has raw HTML disabled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

from . import bibliography
from .kinds import LETTERS, kind_of
from .markdown import to_html, to_inline_html
from .model import AnyQuestion, Case, Stage

__all__ = ["LETTERS", "case_noun", "render_case", "render_question", "worked_answer"]


def json_for_script(data: object) -> str:
    # "</" would end the <script> element early; \u003c keeps the JSON identical.
    # allow_nan=False: NaN or Infinity would make the island unparseable JSON.
    return json.dumps(data, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


def question_count(case: Case) -> int:
    return len(case.questions())


def grading_data(case: Case) -> dict[str, object]:
    """What vignette.js needs to grade; explanations are read from the rendered markup."""
    questions: dict[str, object] = {
        question.id: {
            "kind": question.kind, "hash": question.content_hash(), "objectives": case.objectives_of(question),
            **kind_of(question).grading_data(question),
        }
        for _, question in case.questions()
    }
    return {"id": case.id, "questions": questions}


def worked_answer(question: AnyQuestion) -> str:
    """The answer, every explanation and the teaching point: the static quiz's "Answer and
    explanations" (where vignette.js reads its feedback) and the instructor's answer key."""
    kind = kind_of(question)
    return (
        f"<p><strong>Answer:</strong> {kind.answer_html(question)}</p>"
        f"{kind.explanations_html(question)}"
        f'<div class="vignette-teaching"><strong>Teaching point:</strong> '
        f"{to_inline_html(question.teaching_point)}</div>"
    )


def render_question(question: AnyQuestion) -> str:
    kind = kind_of(question)
    return (
        f'<fieldset class="vignette-question" id="vg-{question.id}" data-question="{question.id}" '
        f'data-kind="{question.kind}" data-hash="{question.content_hash()}">'
        f"<legend>{to_inline_html(question.stem)}</legend>"
        f'<p class="vignette-hint">{kind.hint}</p>'
        f"{kind.inputs_html(question, f'vg-{question.id}')}"
        '<button type="button" class="vignette-check" hidden>Check answer</button>'
        '<div class="vignette-feedback" role="status" aria-live="polite"></div>'
        '<p class="vignette-attempts" aria-live="polite"></p>'
        '<details class="vignette-answer"><summary>Answer and explanations</summary>'
        f"{worked_answer(question)}</details>"
        "</fieldset>"
    )


def _stage(stage: Stage, number: int, total: int, level: int) -> str:
    questions = "".join(render_question(question) for question in stage.questions)
    title = escape(stage.title) if total == 1 else f"Stage {number} of {total}: {escape(stage.title)}"
    return (
        f'<div class="vignette-stage" data-stage="{stage.id}">'
        f'<h{level} class="vignette-stage-title">{title}</h{level}>'
        f'<div class="vignette-narrative">{to_html(stage.narrative)}</div>'
        f"{questions}</div>"
    )


def case_noun(case: Case) -> str:
    """What the reader calls this block: a library case, or a chapter's self-check."""
    return "self-check" if case.role == "chapter-check" else "case"


def render_evidence(case: Case, bib_path: Path, level: int) -> str:
    items = []
    for reference in bibliography.format_entries(bib_path, case.all_cites()):
        links = "".join(f' <a href="{escape(url)}">{label}</a>' for label, url in reference.links)
        items.append(f"<li>{escape(reference.text)}{links}</li>")
    return (
        f'<div class="vignette-evidence"><h{level}>Evidence for this {case_noun(case)}</h{level}>'
        f'<ol>{"".join(items)}</ol></div>'
    )


@dataclass(frozen=True)
class CaseEnding:
    """What the end-of-case summary points to: the case's objectives (tag, text, chapter
    URL), each marked met or to review once the case is done, and the next case in
    teaching order (URL, title), if any."""

    objectives: list[tuple[str, str, str]]
    next_case: tuple[str, str] | None


def _summary(ending: CaseEnding, level: int) -> str:
    objectives = "".join(
        f'<li data-objective="{escape(tag)}"><a href="{escape(url)}">{escape(text)}</a>'
        '<span class="vignette-objective-result"></span></li>'
        for tag, text, url in ending.objectives
    )
    next_link = (
        f'<p class="vignette-summary-next"><a href="{escape(ending.next_case[0])}">Next case: '
        f"{escape(ending.next_case[1])}</a></p>"
        if ending.next_case else '<p class="vignette-summary-next">This is the last case in the library.</p>'
    )
    return (
        '<div class="vignette-summary" hidden>'
        f'<h{level} class="vignette-summary-title">Case complete</h{level}>'
        '<p class="vignette-summary-score" role="status"></p>'
        '<div class="vignette-summary-review"></div>'
        f"<p>This case practised these learning objectives (each links to its chapter):</p>"
        f'<ul class="vignette-summary-objectives">{objectives}</ul>'
        f"{next_link}</div>"
    )


def render_case(
    case: Case, bib_path: Path, level: int = 2, show_title: bool = True, practice: bool = False,
    ending: CaseEnding | None = None,
) -> str:
    """The whole case as one self-contained block of HTML. On a case's own page the page
    heading is the title (``show_title=False``); stage headings are one level below *level*
    either way. ``practice`` marks a single question drawn into the practice set. With an
    ``ending``, a summary appears once every question is answered."""
    total = len(case.stages)
    stage_level = level + 1 if show_title else level
    stages = "".join(_stage(stage, n, total, stage_level) for n, stage in enumerate(case.stages, 1))
    count = question_count(case)
    noun = "question" if practice else case_noun(case)
    mode = f' data-noun="{noun}"' + (' data-mode="practice"' if practice else "")
    if show_title:
        opening = (
            f'<section class="vignette" data-vignette="{case.id}" aria-labelledby="vg-{case.id}-title"{mode}>'
            f'<h{level} class="vignette-title" id="vg-{case.id}-title">{escape(case.title)}</h{level}>'
        )
    else:
        opening = f'<section class="vignette" data-vignette="{case.id}" aria-label="Case: {escape(case.title)}"{mode}>'
    return (
        f"{opening}"
        f'<p class="vignette-meta">{case.patient.describe().capitalize()} · '
        f"{count} question{'s' if count != 1 else ''}{'' if practice else f' · about {case.minutes} min'}</p>"
        '<div class="vignette-toolbar" hidden><p class="vignette-score" aria-live="polite"></p>'
        f'<button type="button" class="vignette-reset">Reset this {noun}</button></div>'
        f"{stages}{_summary(ending, stage_level) if ending else ''}{render_evidence(case, bib_path, stage_level)}"
        f'<script type="application/json" class="vignette-data">{json_for_script(grading_data(case))}</script>'
        "</section>"
    )
