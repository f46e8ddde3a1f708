"""Plain text of a case, for print, e-mail and the terminal: every stage and question,
and with ``answers=True`` the correct answers, every explanation and the teaching points."""

from __future__ import annotations

import textwrap

from .kinds import kind_of
from .model import Case


def _wrap(text: str, indent: str = "") -> str:
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(textwrap.fill(p, width=88, initial_indent=indent, subsequent_indent=indent) for p in paragraphs)


def render_case_text(case: Case, answers: bool = False) -> str:
    lines = [case.title, "=" * len(case.title), f"{case.patient.describe().capitalize()}. {case.summary}", ""]
    question_number = 0
    for stage_number, stage in enumerate(case.stages, 1):
        heading = f"Stage {stage_number}: {stage.title}"
        lines += [heading, "-" * len(heading), _wrap(stage.narrative), ""]
        for question in stage.questions:
            question_number += 1
            lines.append(_wrap(f"Q{question_number}. {question.stem}"))
            lines += [_wrap(text, indent) for indent, text in kind_of(question).text_lines(question, answers)]
            if answers:
                lines.append(_wrap(f"Teaching point: {question.teaching_point}", "    "))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
