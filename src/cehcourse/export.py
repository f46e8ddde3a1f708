"""Export cases to a learning management system: ``cehcourse export``.

Three formats:

- ``qti``: an IMS content package (zip) holding ``imsmanifest.xml`` and one QTI 1.2
  assessment per case, in the shape Canvas's "QTI .zip file" import reads (question types
  and feedback idents as Canvas writes them in its own exports).
- ``moodle``: Moodle XML, one question category per case.
- ``gift``: Moodle's GIFT text format, one category per case (GIFT has no tags).

Every question carries what it needs to be answered on its own: the case title and
patient, the narrative of every stage up to and including the question's stage, the stem
and a hint. Options carry their correct flag and their explanation as per-option feedback;
the teaching point is the general feedback (with the worked explanation for numeric
questions and the right order for ordering questions). Case id, chapters and learning
objectives go into Moodle tags and QTI metadata fields.

Kinds a format cannot express are converted, never dropped: an ordering question becomes
a matching question that pairs each item with its step number ("Step 1", "Step 2", ...),
which is how the course itself asks it. Unlike the course, LMSs give part marks per
correctly placed item.

Text is Markdown rendered by markdown.py (raw HTML disabled), then escaped by the XML
writer (or by GIFT's backslash escapes), so no string from a case can end a CDATA section,
open an element or start a script. Content an LMS could not import (an option with no
text, a character XML cannot carry, a tag Moodle would cut short) is a one-line
ExportError naming the case and the question; nothing is written then. Files are written
to a temporary file beside the target and moved into place.
"""

from __future__ import annotations

import io
import math
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from .course import CourseData
from .kinds import LETTERS, format_number, kind_of
from .markdown import plain_text, to_html, to_inline_html
from .model import (
    AnyQuestion,
    Case,
    MultipleQuestion,
    NumericQuestion,
    Option,
    OrderingQuestion,
    SingleQuestion,
)

FORMATS: dict[str, str] = {
    "qti": "QTI 1.2 content package",
    "moodle": "Moodle XML",
    "gift": "GIFT",
}
SUFFIXES = {"qti": ".zip", "moodle": ".xml", "gift": ".txt"}

# The question bank every export files its categories under (Moodle, GIFT).
BANK = "Cervicogenic headache cases"
# Moodle cuts tags to this many characters (TAG_MAX_LENGTH); a longer one is an error here.
MOODLE_TAG_LENGTH = 50
MIN_OPTIONS, MAX_OPTIONS = 2, len(LETTERS)
# Moodle's matching question needs at least two stems and three answers.
MIN_ORDER_ITEMS, MAX_ORDER_ITEMS = 3, len(LETTERS)

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_SCHEMA = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_SCHEMA = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# Labels of this course's own QTI metadata fields (an LMS ignores labels it doesn't know).
META_CASE, META_CHAPTER, META_OBJECTIVE, META_KIND = (
    "cehcourse_case", "cehcourse_chapter", "cehcourse_objective", "cehcourse_kind",
)
# Canvas's question_type for each kind (matching: see the module docstring).
CANVAS_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "numeric": "numerical_question",
    "ordering": "matching_question",
}
# A fixed date for zip entries, so the same cases give the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class ExportError(Exception):
    """Something in the data or the request that an export cannot carry: one line."""

    def __init__(self, message: str):
        super().__init__(_one_line(message))


def _one_line(text: str) -> str:
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _where(case: Case, question: AnyQuestion | None = None) -> str:
    return f"case '{case.id}'" + (f", question '{question.id}'" if question is not None else "")


# ---------------------------------------------------------------------------------------
# Choosing cases


@dataclass(frozen=True)
class Selection:
    """Which cases to export. Empty: the whole case library (not chapter self-checks).
    Otherwise a case is exported when it matches any entry: --case names any case
    (self-checks too); --objective and --chapter pick library cases."""

    cases: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.cases or self.objectives or self.chapters)


def select_cases(course: CourseData, selection: Selection = Selection()) -> list[Case]:
    """The chosen cases in teaching order (library order, then other cases by id); raise
    ExportError for a name that matches nothing known."""
    library = course.library_cases()
    if selection.is_empty():
        if not library:
            raise ExportError("the case library is empty: nothing to export")
        return library
    for case_id in selection.cases:
        if case_id not in course.cases:
            raise ExportError(f"unknown case '{case_id}' (see `cehcourse validate` and book/cases/)")
    known_chapters = course.catalogue.chapters
    for chapter in selection.chapters:
        if chapter not in known_chapters:
            raise ExportError(f"unknown chapter '{chapter}': one of {', '.join(known_chapters)}")
    for objective in selection.objectives:
        if course.catalogue.objective(objective) is None:
            raise ExportError(
                f"unknown learning objective '{objective}': write it as chapter/objective-id, "
                "as in book/chapters.yaml"
            )
    wanted = set(selection.cases)
    for case in library:
        if set(case.chapters) & set(selection.chapters) or set(case.objectives) & set(selection.objectives):
            wanted.add(case.id)
    others = sorted((case for case in course.cases.values() if case.role != "case"), key=lambda case: case.id)
    chosen = [case for case in [*library, *others] if case.id in wanted]
    if not chosen:
        raise ExportError("no library case matches the chosen objectives and chapters")
    return chosen


# ---------------------------------------------------------------------------------------
# Checking what an LMS can carry

# Characters XML 1.0 can carry at all (escaping does not help the others).
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _check_characters(where: str, data: Any) -> None:
    for path, text in _strings(data, ""):
        found = _XML_ILLEGAL.search(text)
        if found:
            raise ExportError(
                f"{where}: {path}: holds the character U+{ord(found.group()):04X}, which XML "
                "cannot carry: remove it"
            )


def _check_options(where: str, options: list[Option], single: bool) -> None:
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise ExportError(f"{where}: needs {MIN_OPTIONS} to {MAX_OPTIONS} options (found {len(options)})")
    for index, option in enumerate(options):
        if not isinstance(option.correct, bool):
            raise ExportError(f"{where}: option {LETTERS[index]}: correct must be true or false")
        if not plain_text(option.text).strip():
            raise ExportError(f"{where}: option {LETTERS[index]} has no text to show")
        if not plain_text(option.explanation).strip():
            raise ExportError(f"{where}: option {LETTERS[index]} has no explanation to give as feedback")
    right = sum(option.correct for option in options)
    if single and right != 1:
        raise ExportError(f"{where}: a single-answer question needs exactly one correct option (found {right})")
    if not single and right < 1:
        raise ExportError(f"{where}: a multiple-answer question needs at least one correct option")


def check_question(case: Case, question: AnyQuestion) -> None:
    """Raise ExportError if an LMS could not import *question* as the course means it.
    Cases from the loader pass; this guards the formats against anything else."""
    where = _where(case, question)
    _check_characters(where, question.model_dump(mode="python"))
    if not plain_text(question.stem).strip():
        raise ExportError(f"{where}: the stem is empty")
    if isinstance(question, (SingleQuestion, MultipleQuestion)):
        _check_options(where, question.options, single=isinstance(question, SingleQuestion))
    elif isinstance(question, NumericQuestion):
        answer = question.answer
        if not (math.isfinite(answer.value) and math.isfinite(answer.tolerance)) or answer.tolerance < 0:
            raise ExportError(f"{where}: the answer needs a finite value and a tolerance of 0 or more")
    elif isinstance(question, OrderingQuestion):
        if not MIN_ORDER_ITEMS <= len(question.items) <= MAX_ORDER_ITEMS:
            raise ExportError(
                f"{where}: an ordering question needs {MIN_ORDER_ITEMS} to {MAX_ORDER_ITEMS} items "
                f"(found {len(question.items)})"
            )
        for index, item in enumerate(question.items):
            if not plain_text(item.text).strip():
                raise ExportError(f"{where}: item {index + 1} has no text to show")
    else:  # a kind added to the model but not taught to this module
        raise ExportError(f"{where}: question kind '{getattr(question, 'kind', '?')}' cannot be exported yet")


def check_cases(cases: Iterable[Case], fmt: str = "moodle") -> None:
    """Raise ExportError for the first thing in *cases* the format *fmt* cannot carry."""
    for case in cases:
        case_data = case.model_dump(mode="python", exclude={"stages"})
        case_data["stages"] = [stage.model_dump(mode="python", exclude={"questions"}) for stage in case.stages]
        _check_characters(_where(case), case_data)
        if not case.stages or not case.questions():
            raise ExportError(f"{_where(case)}: has no questions to export")
        for _, question in case.questions():
            check_question(case, question)
        for tag in _case_tags(case, case.objectives) if fmt == "moodle" else []:
            if len(tag) > MOODLE_TAG_LENGTH:
                raise ExportError(
                    f"{_where(case)}: tag '{tag}' is longer than Moodle's {MOODLE_TAG_LENGTH} characters "
                    "(Moodle would cut it): shorten the id"
                )


# ---------------------------------------------------------------------------------------
# The text every format shares


@dataclass(frozen=True)
class ExportQuestion:
    case: Case
    stage_index: int
    question: AnyQuestion


def export_questions(case: Case) -> list[ExportQuestion]:
    return [
        ExportQuestion(case, index, question)
        for index, stage in enumerate(case.stages)
        for question in stage.questions
    ]


def _hint(question: AnyQuestion) -> str:
    hint = kind_of(question).hint
    if isinstance(question, NumericQuestion) and question.answer.unit:
        return f"{hint.rstrip('.')} ({escape(question.answer.unit, quote=False)})."
    return hint


def question_html(entry: ExportQuestion) -> str:
    """The question as an LMS shows it: the case so far, then the stem and a hint."""
    case = entry.case
    parts = [f"<p><strong>{escape(case.title, quote=False)}</strong> ({case.patient.describe()})</p>"]
    for stage in case.stages[: entry.stage_index + 1]:
        parts.append(f"<p><strong>{escape(stage.title, quote=False)}</strong></p>{to_html(stage.narrative)}")
    parts.append(f"<p><strong>{to_inline_html(entry.question.stem)}</strong></p>")
    parts.append(f"<p><em>{_hint(entry.question)}</em></p>")
    return "\n".join(parts)


def option_html(option: Option) -> str:
    return to_inline_html(option.text)


def option_feedback_html(option: Option) -> str:
    return to_html(option.explanation)


def answer_html(question: NumericQuestion) -> str:
    unit = f" {escape(question.answer.unit, quote=False)}" if question.answer.unit else ""
    tolerance = question.answer.tolerance
    spread = f" (accepted within ±{format_number(tolerance)})" if tolerance else ""
    return f"<p><strong>Answer:</strong> {format_number(question.answer.value)}{unit}{spread}</p>"


def general_feedback_html(question: AnyQuestion) -> str:
    """Shown after any attempt: the teaching point, after the worked answer where the
    kind has one (numeric: the explanation; ordering: the right order, step by step)."""
    parts = []
    if isinstance(question, NumericQuestion):
        parts += [answer_html(question), to_html(question.explanation)]
    elif isinstance(question, OrderingQuestion):
        steps = "".join(
            f"<li><strong>{to_inline_html(item.text)}</strong> {to_inline_html(item.explanation)}</li>"
            for item in question.items
        )
        parts.append(f"<p><strong>The right order:</strong></p><ol>{steps}</ol>")
    parts.append(f"<p><strong>Teaching point:</strong></p>{to_html(question.teaching_point)}")
    return "\n".join(parts)


def step_label(step: int) -> str:
    return f"Step {step}"


def _case_tags(case: Case, objectives: list[str]) -> list[str]:
    return (
        [f"case:{case.id}"]
        + [f"chapter:{chapter}" for chapter in case.chapters]
        + [f"objective:{objective}" for objective in objectives]
    )


def question_tags(entry: ExportQuestion) -> list[str]:
    """Moodle tags: the case, its chapters, the objectives the question tests, its kind."""
    return [*_case_tags(entry.case, entry.case.objectives_of(entry.question)), f"kind:{entry.question.kind}"]


def _fraction(share: float) -> str:
    """A Moodle grade percentage: 100/k and -100/k for k up to 8 are all on Moodle's list
    of grades (its import refuses other values by default), to 7 significant digits."""
    return f"{share:.7g}"


def choice_fractions(question: SingleQuestion | MultipleQuestion) -> list[str]:
    """Per option, the percentage Moodle gives for choosing it. Multiple answer: the
    correct options share 100%, and each wrong option takes away 100% divided by the
    number of wrong options, so ticking every option scores 0 (the course marks it wrong;
    Moodle, unlike the course, gives part marks for a partly right choice)."""
    if isinstance(question, SingleQuestion):
        return ["100" if option.correct else "0" for option in question.options]
    right = sum(option.correct for option in question.options)
    wrong = len(question.options) - right
    return [
        _fraction(100 / right) if option.correct else _fraction(-100 / wrong)
        for option in question.options
    ]


def category_path(case: Case) -> str:
    """Moodle category path for a case; "/" in a title is written "//" (Moodle's escape)."""
    title = " ".join(case.title.split()).replace("/", "//")
    return f"$course$/top/{BANK}/{title}"


# ---------------------------------------------------------------------------------------
# QTI 1.2


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _material(parent: ET.Element, text: str, texttype: str = "text/html") -> ET.Element:
    material = _sub(parent, "material")
    _sub(material, "mattext", text, texttype=texttype)
    return material


def _metadata(parent: ET.Element, fields: list[tuple[str, str]]) -> None:
    metadata = _sub(parent, "qtimetadata")
    for label, entry in fields:
        field = _sub(metadata, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _case_metadata(case: Case, objectives: list[str]) -> list[tuple[str, str]]:
    return (
        [(META_CASE, case.id)]
        + [(META_CHAPTER, chapter) for chapter in case.chapters]
        + [(META_OBJECTIVE, objective) for objective in objectives]
    )


def _feedback(item: ET.Element, ident: str, html: str) -> None:
    feedback = _sub(item, "itemfeedback", ident=ident)
    flow = _sub(feedback, "flow_mat")
    _material(flow, html)


def _condition(resprocessing: ET.Element, keep_going: bool) -> tuple[ET.Element, ET.Element]:
    condition = _sub(resprocessing, "respcondition", **{"continue": "Yes" if keep_going else "No"})
    return condition, _sub(condition, "conditionvar")


def _show_feedback(condition: ET.Element, ident: str) -> None:
    _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=ident)


def _general_feedback_condition(resprocessing: ET.Element) -> None:
    condition, test = _condition(resprocessing, keep_going=True)
    _sub(test, "other")
    _show_feedback(condition, "general_fb")


def _resprocessing(item: ET.Element) -> ET.Element:
    resprocessing = _sub(item, "resprocessing")
    outcomes = _sub(resprocessing, "outcomes")
    _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    _general_feedback_condition(resprocessing)
    return resprocessing


def qti_item(entry: ExportQuestion) -> ET.Element:
    question = entry.question
    item = ET.Element("item", ident=question.id, title=question.id)
    answer_ids: list[str] = []
    if isinstance(question, (SingleQuestion, MultipleQuestion)):
        answer_ids = [f"{question.id}-{LETTERS[i]}" for i in range(len(question.options))]
    elif isinstance(question, OrderingQuestion):
        answer_ids = [f"{question.id}-step-{step}" for step in range(1, len(question.items) + 1)]
    metadata = _sub(item, "itemmetadata")
    _metadata(metadata, [
        ("question_type", CANVAS_TYPES[question.kind]),
        ("points_possible", "1"),
        ("original_answer_ids", ",".join(answer_ids)),
        ("assessment_question_identifierref", f"ref-{question.id}"),
        *_case_metadata(entry.case, entry.case.objectives_of(question)),
        (META_KIND, question.kind),
    ])
    presentation = _sub(item, "presentation")
    _material(presentation, question_html(entry))
    feedbacks: list[tuple[str, str]] = [("general_fb", general_feedback_html(question))]

    if isinstance(question, (SingleQuestion, MultipleQuestion)):
        single = isinstance(question, SingleQuestion)
        response = _sub(presentation, "response_lid", ident="response1", rcardinality="Single" if single else "Multiple")
        choices = _sub(response, "render_choice", shuffle="No")
        for ident, option in zip(answer_ids, question.options):
            label = _sub(choices, "response_label", ident=ident)
            _material(label, option_html(option))
        resprocessing = _resprocessing(item)
        for ident, option in zip(answer_ids, question.options):
            condition, test = _condition(resprocessing, keep_going=True)
            _sub(test, "varequal", ident, respident="response1")
            _show_feedback(condition, f"{ident}_fb")
            feedbacks.append((f"{ident}_fb", option_feedback_html(option)))
        condition, test = _condition(resprocessing, keep_going=False)
        if single:
            right = next(i for i, o in zip(answer_ids, question.options) if o.correct)
            _sub(test, "varequal", right, respident="response1")
        else:
            every = _sub(test, "and")
            for ident, option in zip(answer_ids, question.options):
                parent = every if option.correct else _sub(every, "not")
                _sub(parent, "varequal", ident, respident="response1")
        _sub(condition, "setvar", "100", action="Set", varname="SCORE")

    elif isinstance(question, NumericQuestion):
        response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
        blank = _sub(response, "render_fib", fibtype="Decimal")
        _sub(blank, "response_label", ident="answer1")
        resprocessing = _resprocessing(item)
        value, tolerance = question.answer.value, question.answer.tolerance
        condition, test = _condition(resprocessing, keep_going=False)
        either = _sub(test, "or")
        _sub(either, "varequal", format_number(value), respident="response1")
        within = _sub(either, "and")
        _sub(within, "vargte", format_number(value - tolerance), respident="response1")
        _sub(within, "varlte", format_number(value + tolerance), respident="response1")
        _sub(condition, "setvar", "100", action="Set", varname="SCORE")

    elif isinstance(question, OrderingQuestion):
        size = len(question.items)
        responses = []
        for shown, index in enumerate(question.display_order()):
            ident = f"{question.id}-item-{LETTERS[shown]}"
            response = _sub(presentation, "response_lid", ident=ident, rcardinality="Single")
            _material(response, plain_text(question.items[index].text), texttype="text/plain")
            choices = _sub(response, "render_choice", shuffle="No")
            for step, step_ident in enumerate(answer_ids, 1):
                label = _sub(choices, "response_label", ident=step_ident)
                _material(label, step_label(step), texttype="text/plain")
            responses.append((ident, answer_ids[index]))
        resprocessing = _resprocessing(item)
        for ident, right in responses:
            condition, test = _condition(resprocessing, keep_going=True)
            _sub(test, "varequal", right, respident=ident)
            _sub(condition, "setvar", f"{100 / size:.4f}", action="Add", varname="SCORE")

    for ident, html in feedbacks:
        _feedback(item, ident, html)
    return item


def _assessment_ident(case: Case) -> str:
    # IMS CP identifiers are XML ids: they may not start with a digit, case ids may.
    return f"case-{case.id}"


def qti_assessment(case: Case) -> ET.Element:
    root = ET.Element("questestinterop", {
        "xmlns": QTI_NS, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": f"{QTI_NS} {QTI_SCHEMA}",
    })
    assessment = _sub(root, "assessment", ident=_assessment_ident(case), title=" ".join(case.title.split()))
    _metadata(assessment, [("cc_maxattempts", "unlimited"), *_case_metadata(case, case.objectives)])
    section = _sub(assessment, "section", ident="root_section")
    for entry in export_questions(case):
        section.append(qti_item(entry))
    return root


def qti_manifest(cases: list[Case]) -> ET.Element:
    manifest = ET.Element("manifest", {
        "identifier": "cehcourse-export", "xmlns": CP_NS, "xmlns:xsi": XSI_NS,
        "xsi:schemaLocation": f"{CP_NS} {CP_SCHEMA}",
    })
    metadata = _sub(manifest, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(manifest, "organizations")
    resources = _sub(manifest, "resources")
    for case in cases:
        ident = _assessment_ident(case)
        resource = _sub(resources, "resource", identifier=ident, type="imsqti_xmlv1p2", href=qti_path(case))
        _sub(resource, "file", href=qti_path(case))
    return manifest


def qti_path(case: Case) -> str:
    ident = _assessment_ident(case)
    return f"{ident}/{ident}.xml"


def xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def qti_package(cases: list[Case]) -> bytes:
    files = [("imsmanifest.xml", xml_bytes(qti_manifest(cases)))]
    files += [(qti_path(case), xml_bytes(qti_assessment(case))) for case in cases]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------
# Moodle XML


def _text(parent: ET.Element, tag: str, text: str, text_format: str | None = "html") -> ET.Element:
    element = _sub(parent, tag, format=text_format) if text_format else _sub(parent, tag)
    _sub(element, "text", text)
    return element


def _moodle_category(case: Case) -> ET.Element:
    question = ET.Element("question", type="category")
    _text(question, "category", category_path(case), text_format=None)
    _text(question, "info", f"<p>{case.patient.describe().capitalize()}. {escape(case.summary, quote=False)}</p>")
    _sub(question, "idnumber", case.id)
    return question


def _combined_feedback(question: ET.Element) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(question, tag, "")


def moodle_question(entry: ExportQuestion) -> ET.Element:
    question = entry.question
    moodle_type = {"single": "multichoice", "multiple": "multichoice", "numeric": "numerical", "ordering": "matching"}
    element = ET.Element("question", type=moodle_type[question.kind])
    _text(element, "name", question.id, text_format=None)
    _text(element, "questiontext", question_html(entry))
    _text(element, "generalfeedback", general_feedback_html(question))
    _sub(element, "defaultgrade", "1")
    _sub(element, "penalty", "0.3333333")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", question.id)

    if isinstance(question, (SingleQuestion, MultipleQuestion)):
        _sub(element, "single", "true" if isinstance(question, SingleQuestion) else "false")
        _sub(element, "shuffleanswers", "false")
        _sub(element, "answernumbering", "ABCD")
        _sub(element, "showstandardinstruction", "0")
        _combined_feedback(element)
        for option, fraction in zip(question.options, choice_fractions(question)):
            answer = _sub(element, "answer", fraction=fraction, format="html")
            _sub(answer, "text", option_html(option))
            _text(answer, "feedback", option_feedback_html(option))
    elif isinstance(question, NumericQuestion):
        answer = _sub(element, "answer", fraction="100", format="moodle_auto_format")
        _sub(answer, "text", format_number(question.answer.value))
        _text(answer, "feedback", "")
        _sub(answer, "tolerance", format_number(question.answer.tolerance))
        # The unit is in the question text; only the number is graded, as in the course.
        _sub(element, "unitgradingtype", "0")
        _sub(element, "unitpenalty", "0.1000000")
        _sub(element, "showunits", "3")
        _sub(element, "unitsleft", "0")
    elif isinstance(question, OrderingQuestion):
        _sub(element, "shuffleanswers", "false")
        _combined_feedback(element)
        for index in question.display_order():
            subquestion = _text(element, "subquestion", to_inline_html(question.items[index].text))
            _text(subquestion, "answer", step_label(index + 1), text_format=None)

    tags = _sub(element, "tags")
    for tag in question_tags(entry):
        _text(tags, "tag", tag, text_format=None)
    return element


def moodle_xml(cases: list[Case]) -> bytes:
    quiz = ET.Element("quiz")
    for case in cases:
        quiz.append(ET.Comment(f" case {case.id} "))
        quiz.append(_moodle_category(case))
        for entry in export_questions(case):
            quiz.append(moodle_question(entry))
    return xml_bytes(quiz)


# ---------------------------------------------------------------------------------------
# GIFT

_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")


def gift_escape(html: str) -> str:
    """One GIFT field: on one line (a blank line would end the question, a line starting
    "//" would be a comment), GIFT's special characters escaped with a backslash, and no
    "->" (which would make any question a matching question)."""
    text = html.replace("\r\n", "\n").replace("\r", "\n")
    # A line break is a space in HTML, except in preformatted text, where it is kept.
    text = text.replace("\n", "&#10;" if "<pre" in text else " ")
    text = text.replace("->", "-&gt;")
    if text.startswith("%"):  # would read as an answer weight
        text = "&#37;" + text[1:]
    return _GIFT_SPECIAL.sub(r"\\\1", text)


def _gift_comment(text: str) -> str:
    return "// " + " ".join(_one_line(text).split())


def gift_question(entry: ExportQuestion) -> str:
    question = entry.question
    lines = [
        _gift_comment(f"question {question.id} ({question.kind}); tags: {' '.join(question_tags(entry))}"),
        f"::{gift_escape(question.id)}::[html]{gift_escape(question_html(entry))}{{",
    ]
    if isinstance(question, SingleQuestion):
        for option in question.options:
            mark = "=" if option.correct else "~"
            lines.append(f"{mark}{gift_escape(option_html(option))}#{gift_escape(option_feedback_html(option))}")
    elif isinstance(question, MultipleQuestion):
        for option, fraction in zip(question.options, choice_fractions(question)):
            lines.append(f"~%{fraction}%{gift_escape(option_html(option))}#{gift_escape(option_feedback_html(option))}")
    elif isinstance(question, NumericQuestion):
        value, tolerance = format_number(question.answer.value), format_number(question.answer.tolerance)
        lines.append(f"#={value}:{tolerance}")
    elif isinstance(question, OrderingQuestion):
        for index in question.display_order():
            lines.append(f"={gift_escape(to_inline_html(question.items[index].text))} -> {step_label(index + 1)}")
    lines.append(f"####{gift_escape(general_feedback_html(question))}")
    lines.append("}")
    return "\n".join(lines)


def gift_text(cases: list[Case]) -> str:
    blocks = [_gift_comment(f"{len(cases)} case(s) exported by cehcourse. GIFT has no tags: see the comments.")]
    for case in cases:
        # Moodle reads backslash escapes in the category line but does not undo them there.
        category = category_path(case).replace("\\", "")
        blocks.append(_gift_comment(f"case {case.id}: {case.title}") + "\n" + f"$CATEGORY: {category}")
        blocks += [gift_question(entry) for entry in export_questions(case)]
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------------------
# Writing


def export_bytes(cases: list[Case], fmt: str) -> bytes:
    """The whole export in memory; raise ExportError before anything is written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}': one of {', '.join(FORMATS)}")
    check_cases(cases, fmt)
    if fmt == "qti":
        return qti_package(cases)
    if fmt == "moodle":
        return moodle_xml(cases)
    return gift_text(cases).encode("utf-8")


def write_atomically(path: Path, data: bytes) -> None:
    """Write *data* to a temporary file beside *path*, then move it into place: a reader
    sees the old file or the whole new one, never half of it."""
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give the name of the file to write")
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: the folder {folder} does not exist")
    umask = os.umask(0)
    os.umask(umask)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export(course: CourseData, fmt: str, output: Path, selection: Selection = Selection()) -> list[Case]:
    """Select, check, build and write; return the exported cases."""
    cases = select_cases(course, selection)
    write_atomically(output, export_bytes(cases, fmt))
    return cases


def summary_lines(cases: list[Case], fmt: str, output: Path) -> list[str]:
    """What was written, and every conversion a reader of the LMS should know about."""
    questions = [question for case in cases for _, question in case.questions()]
    lines = [
        f"Wrote {len(cases)} case(s), {len(questions)} question(s) to {output} ({FORMATS[fmt]})."
    ]
    ordering = [question.id for question in questions if isinstance(question, OrderingQuestion)]
    if ordering:
        lines.append(
            f"{len(ordering)} ordering question(s) exported as matching questions (each step paired with its "
            f"number; LMSs give part marks per step): {', '.join(ordering)}."
        )
    if fmt == "gift":
        lines.append("GIFT has no tags: case, chapters and objectives are in comments only (use --format moodle to keep them).")
    suffix = SUFFIXES[fmt]
    if output.suffix.lower() != suffix:
        lines.append(f"Note: {FORMATS[fmt]} files usually end in {suffix}.")
    return lines


def run(course: CourseData, fmt: str, output: Path, selection: Selection) -> int:
    """The `cehcourse export` command: exit status 0, or 1 with a one-line error."""
    try:
        cases = export(course, fmt, output, selection)
    except ExportError as exc:
        print(f"cehcourse export: {exc}", file=sys.stderr)
        return 1
    for line in summary_lines(cases, fmt, output):
        print(line)
    return 0
