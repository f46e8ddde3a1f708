"""Plain text of a case, for print, e-mail and the terminal: every stage and question,
and with ``answers=True`` the correct answers, every explanation and the teaching points."""

from __future__ import annotations

import textwrap

from .grading import correct_options, format_number
from .model import Case, NumericQuestion
from .render_html import LETTERS


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
            if isinstance(question, NumericQuestion):
                unit = f" ({question.answer.unit})" if question.answer.unit else ""
                lines.append(f"    Answer{unit}: ________")
                if answers:
                    tolerance = question.answer.tolerance
                    spread = f" (within ±{format_number(tolerance)})" if tolerance else ""
                    lines.append(f"    ANSWER: {format_number(question.answer.value)}{unit}{spread}")
                    lines.append(_wrap(question.explanation, "    "))
            else:
                right = correct_options(question)
                hint = "Choose one." if question.kind == "single" else "Select all that apply."
                lines.append(f"    {hint}")
                for index, option in enumerate(question.options):
                    lines.append(_wrap(f"{LETTERS[index]}. {option.text}", "    "))
                    if answers:
                        verdict = "correct" if index in right else "incorrect"
                        lines.append(_wrap(f"({verdict}) {option.explanation}", "        "))
                if answers:
                    lines.append(f"    ANSWER: {', '.join(LETTERS[i] for i in right)}")
            if answers:
                lines.append(_wrap(f"Teaching point: {question.teaching_point}", "    "))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
