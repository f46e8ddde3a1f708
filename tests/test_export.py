"""`cehcourse export`: the case library as QTI 1.2 (Canvas), Moodle XML and GIFT.

No LMS runs here, and no schema for these formats can be had offline (no PyPI, npm or
Debian package ships the IMS QTI 1.2 ASI XSD or DTD, or a Moodle XML schema; Moodle has
none). So each file is read back with a real parser and checked against the rules of its
format as written down here:

- QTI 1.2: parsed with ElementTree; every element's children are checked against the
  content model of the QTI 1.2 ASI DTD (transcribed below for every element the exporter
  writes, so an unknown element fails), the enumerated attribute values and required
  attributes, and every reference (feedback, response idents) resolves. The IMS content
  package: manifest shape, and the manifest and the zip list the same files.
- Moodle XML: parsed with ElementTree and checked for the elements Moodle's XML import
  reads for each question type (docs.moodle.org "Moodle XML format"), grade fractions on
  Moodle's list of grades (its import refuses others by default), tag length.
- GIFT: read back by a small reader written to Moodle's GIFT rules (escapes, "####"
  general feedback, "#" numeric, "->" matching, "%w%" weights).

Then the three readers' results are compared with the case data: every question once,
correct answers, per-option feedback, general feedback, numeric tolerance, tags and
metadata. No maintained Python package reads QTI 1.2 or Moodle XML: text2qti and
qti-package-maker write QTI only, pyslet (last release 2017) reads QTI 1 but its migration
crashes on Python 3, and moodle-xml-parser (alpha) reads only multichoice and strips "]]>"
from text.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import pytest
import yaml

from cehcourse.cli import main as cli_main
from cehcourse.course import CourseData, load_course
from cehcourse.export import ExportError, Selection, export_bytes, select_cases
from cehcourse.markdown import plain_text, to_html, to_inline_html
from cehcourse.model import (
    AnyQuestion,
    Case,
    MultipleQuestion,
    NumericQuestion,
    Option,
    OrderingQuestion,
    SingleQuestion,
)

ROOT = Path(__file__).resolve().parent.parent
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
ORDERING_CASE = "check-care-pathway"  # a chapter self-check with an ordering question


@pytest.fixture(scope="module")
def course() -> CourseData:
    return load_course(ROOT)


def some_chapter(course: CourseData) -> str:
    """A chapter served by some library cases but not all."""
    library = course.library_cases()
    return next(c for c in course.catalogue.chapters if 0 < len(course.cases_for_chapter(c)) < len(library))


# ---------------------------------------------------------------------------------------
# What every reader below returns, whatever the format


@dataclass
class Read:
    id: str
    kind: str  # single | multiple | numeric | matching
    text: str
    options: list[tuple[str, bool, str]] = field(default_factory=list)  # html, correct, feedback
    value: float | None = None
    tolerance: float | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)  # item, "Step k"
    general: str = ""
    labels: dict[str, list[str]] = field(default_factory=dict)  # tag or metadata field: values
    group: str = ""  # the case's assessment or category


def same(text: str) -> str:
    return " ".join(text.split())


def compare(read: dict[str, Read], cases: list[Case], left: Any = to_inline_html) -> None:
    """The exported questions, read back, say what the case data says."""
    expected = {question.id: (case, index, question) for case in cases
                for index, stage in enumerate(case.stages) for question in stage.questions}
    assert sorted(read) == sorted(expected)
    for question_id, (case, stage_index, question) in expected.items():
        got = read[question_id]
        text = same(got.text)
        assert same(to_inline_html(question.stem)) in text, question_id
        assert same(escape(case.title, quote=False)) in text
        for stage in case.stages[: stage_index + 1]:  # the case so far: answerable on its own
            assert same(to_html(stage.narrative)) in text, (question_id, stage.id)
        for stage in case.stages[stage_index + 1:]:
            assert same(to_html(stage.narrative)) not in text, (question_id, stage.id)
        assert same(to_html(question.teaching_point)) in same(got.general), question_id
        if isinstance(question, (SingleQuestion, MultipleQuestion)):
            assert got.kind == question.kind
            assert [(same(h), c, same(f)) for h, c, f in got.options] == [
                (same(to_inline_html(o.text)), o.correct, same(to_html(o.explanation))) for o in question.options
            ], question_id
        elif isinstance(question, NumericQuestion):
            assert got.kind == "numeric"
            assert got.value is not None and got.tolerance is not None
            assert math.isclose(got.value, question.answer.value, rel_tol=1e-9, abs_tol=1e-9)
            assert math.isclose(got.tolerance, question.answer.tolerance, rel_tol=1e-6, abs_tol=1e-9)
            assert same(to_html(question.explanation)) in same(got.general)
            if question.answer.unit:
                assert f"({escape(question.answer.unit, quote=False)})" in got.text
        else:
            assert isinstance(question, OrderingQuestion)
            assert got.kind == "matching"
            shown = [same(left(question.items[index].text)) for index in question.display_order()]
            assert [same(item) for item, _ in got.pairs] == shown, "items in the course's own shuffle"
            assert dict((same(item), step) for item, step in got.pairs) == {
                same(left(item.text)): f"Step {number}" for number, item in enumerate(question.items, 1)
            }
            for item in question.items:
                assert same(to_inline_html(item.explanation)) in same(got.general)
        if got.labels:
            assert got.labels["case"] == [case.id]
            assert got.labels["chapter"] == case.chapters
            assert got.labels["objective"] == case.objectives_of(question)


# ---------------------------------------------------------------------------------------
# QTI 1.2: content models of the QTI 1.2 ASI DTD (ims_qtiasiv1p2.dtd), for the elements
# the exporter writes; children are matched as a space-separated sequence of names.

_CONDITIONS = "not|and|or|unanswered|other|varequal|varlt|varlte|vargt|vargte|varsubset|varinside|varsubstring|durequal|durlt|durlte|durgt|durgte"
QTI_MODELS = {
    "questestinterop": r"(qticomment )?(objectbank |assessment |(section |item )+)",
    "assessment": r"(qticomment )?(duration )?(qtimetadata )*(objectives )*(assessmentcontrol )*(rubric )*"
                  r"(presentation_material )?(outcomes_processing )*(assessproc_extension )?(assessfeedback )*"
                  r"(selection_ordering )?(reference )?(sectionref |section )+",
    "section": r"(qticomment )?(duration )?(qtimetadata )*(objectives )*(sectioncontrol )*(sectionprecondition )*"
               r"(sectionpostcondition )*(rubric )*(presentation_material )?(outcomes_processing )*"
               r"(sectionproc_extension )?(sectionfeedback )*(selection_ordering )?(reference )?"
               r"(itemref |item |sectionref |section )*",
    "item": r"(qticomment )?(duration )?(itemmetadata )?(objectives )*(itemcontrol )*(itemprecondition )*"
            r"(itempostcondition )*(itemrubric |rubric )*(presentation )?(resprocessing )*(itemproc_extension )?"
            r"(itemfeedback )*(reference )?",
    "itemmetadata": r"(qtimetadata )*",
    "qtimetadata": r"(vocabulary )?(qtimetadatafield )+",
    "qtimetadatafield": r"fieldlabel fieldentry ",
    "presentation": r"(qticomment )?(flow |(material |response_lid |response_xy |response_str |response_num "
                    r"|response_grp |response_extension )+)",
    "response_lid": r"(material |material_ref )?(render_choice |render_hotspot |render_slider |render_fib "
                    r"|render_extension )(material |material_ref )?",
    "response_str": r"(material |material_ref )?(render_choice |render_hotspot |render_slider |render_fib "
                    r"|render_extension )(material |material_ref )?",
    "render_choice": r"(material |material_ref |response_label |flow_label )*(response_na )?",
    "render_fib": r"(material |material_ref |response_label |flow_label )*(response_na )?",
    "response_label": r"(qticomment |material |material_ref |flow_mat )*",
    "material": r"(qticomment )?(mattext |matemtext |matimage |mataudio |matvideo |matapplet |matapplication "
                r"|matref |matbreak |mat_extension )+(altmaterial )*",
    "resprocessing": r"(qticomment )?outcomes (respcondition |itemproc_extension )+",
    "outcomes": r"(qticomment )?(decvar (interpretvar )*)+",
    "respcondition": r"(qticomment )?conditionvar (setvar )*(displayfeedback )*(respcond_extension )?",
    "conditionvar": rf"(({_CONDITIONS}|var_extension) )+",
    "and": rf"(({_CONDITIONS}) )+",
    "or": rf"(({_CONDITIONS}) )+",
    "not": rf"({_CONDITIONS}) ",
    "itemfeedback": r"(flow_mat |material |solution |hint )+",
    "flow_mat": r"(qticomment )?(flow_mat |material |material_ref )+",
    **{leaf: "" for leaf in ("mattext", "fieldlabel", "fieldentry", "decvar", "setvar", "displayfeedback",
                              "varequal", "vargte", "varlte", "other")},
}
QTI_REQUIRED = {
    "assessment": {"ident"}, "section": {"ident"}, "item": {"ident"}, "response_lid": {"ident"},
    "response_str": {"ident"}, "response_label": {"ident"}, "varequal": {"respident"},
    "vargte": {"respident"}, "varlte": {"respident"}, "displayfeedback": {"linkrefid"}, "itemfeedback": {"ident"},
}
QTI_VALUES = {
    "rcardinality": {"Single", "Multiple", "Ordered"}, "continue": {"Yes", "No"},
    "action": {"Set", "Add", "Subtract", "Multiply", "Divide"},
    "vartype": {"Integer", "String", "Decimal", "Scientific", "Boolean", "Enumerated", "Set"},
    "fibtype": {"String", "Integer", "Decimal", "Scientific"}, "shuffle": {"Yes", "No"},
    "feedbacktype": {"Response", "Solution", "Hint"},
}
CANVAS_KINDS = {"multiple_choice_question": "single", "multiple_answers_question": "multiple",
                "numerical_question": "numeric", "matching_question": "matching"}


def local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def check_qti_structure(root: ET.Element) -> None:
    assert root.tag == f"{QTI}questestinterop"
    for element in root.iter():
        assert element.tag.startswith(QTI), f"{element.tag}: not in the QTI 1.2 namespace"
        name = local(element)
        assert name in QTI_MODELS, f"<{name}> is not an element this check knows from the DTD"
        children = "".join(f"{local(child)} " for child in element)
        assert re.fullmatch(QTI_MODELS[name], children), f"<{name}> children '{children}' break the DTD"
        assert QTI_REQUIRED.get(name, set()) <= set(element.attrib), f"<{name}> lacks {QTI_REQUIRED[name]}"
        for attribute, allowed in QTI_VALUES.items():
            if attribute in element.attrib:
                assert element.attrib[attribute] in allowed, f"<{name} {attribute}={element.attrib[attribute]!r}>"
        if name in ("mattext", "fieldlabel", "fieldentry", "varequal", "vargte", "varlte", "setvar"):
            assert element.text is not None or name == "fieldentry", f"<{name}> is empty"
    for item in root.iter(f"{QTI}item"):
        # Responses and feedback are named once per item; choices once per response (a
        # matching question offers the same "Step k" choices to every item, as Canvas does).
        idents = [e.get("ident") for e in item.iter() if local(e) in ("response_lid", "response_str", "itemfeedback")]
        assert len(idents) == len(set(idents)), f"item {item.get('ident')}: repeated idents"
        for response in item.iter(f"{QTI}response_lid"):
            labels = [label.get("ident") for label in response.iter(f"{QTI}response_label")]
            assert len(labels) == len(set(labels)), f"item {item.get('ident')}: repeated choices"
        feedback = {e.get("ident") for e in item.iter(f"{QTI}itemfeedback")}
        responses = {e.get("ident"): e for e in item.iter() if local(e) in ("response_lid", "response_str")}
        for shown in item.iter(f"{QTI}displayfeedback"):
            assert shown.get("linkrefid") in feedback, f"item {item.get('ident')}: feedback link to nothing"
        for test in item.iter():
            if local(test) in ("varequal", "vargte", "varlte"):
                response = responses.get(test.get("respident", ""))
                assert response is not None, f"item {item.get('ident')}: condition on an unknown response"
                if local(response) == "response_lid":
                    labels = {label.get("ident") for label in response.iter(f"{QTI}response_label")}
                    assert test.text in labels, f"item {item.get('ident')}: condition on an unknown choice"
                else:
                    float(test.text or "")


def mattext(element: ET.Element | None) -> str:
    assert element is not None
    found = element.find(f"{QTI}material/{QTI}mattext")
    if found is None:
        found = element.find(f"{QTI}flow_mat/{QTI}material/{QTI}mattext")
    assert found is not None and found.text is not None
    return found.text


def read_qti(data: bytes) -> tuple[dict[str, Read], list[str]]:
    """Check the package and read it back; also return the assessments' case ids."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    assert manifest.tag == f"{CP}manifest" and manifest.get("identifier")
    assert [local(child) for child in manifest] == ["metadata", "organizations", "resources"]
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    identifiers = [resource.get("identifier") for resource in resources]
    assert len(identifiers) == len(set(identifiers)) and all(i and not i[0].isdigit() for i in identifiers)
    listed = []
    for resource in resources:
        assert resource.get("type") == "imsqti_xmlv1p2"
        files = [f.get("href") for f in resource.findall(f"{CP}file")]
        assert files == [resource.get("href")]
        listed += files
    assert sorted(listed) == sorted(set(archive.namelist()) - {"imsmanifest.xml"}), "manifest and zip disagree"
    read: dict[str, Read] = {}
    cases = []
    for name in listed:
        root = ET.fromstring(archive.read(name))
        check_qti_structure(root)
        assessment = root.find(f"{QTI}assessment")
        assert assessment is not None
        case_id = fields(assessment)["cehcourse_case"][0]
        cases.append(case_id)
        for item in assessment.iter(f"{QTI}item"):
            ident = item.get("ident", "")
            assert ident not in read, f"question {ident} exported twice"
            read[ident] = read_qti_item(item, assessment.get("title", ""))
    return read, cases


def fields(parent: ET.Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    metadata = parent.find(f"{QTI}itemmetadata/{QTI}qtimetadata")
    if metadata is None:
        metadata = parent.find(f"{QTI}qtimetadata")
    assert metadata is not None
    for entry in metadata.findall(f"{QTI}qtimetadatafield"):
        found.setdefault(entry.findtext(f"{QTI}fieldlabel", ""), []).append(entry.findtext(f"{QTI}fieldentry", ""))
    return found


def read_qti_item(item: ET.Element, group: str) -> Read:
    meta = fields(item)
    kind = CANVAS_KINDS[meta["question_type"][0]]
    assert meta["cehcourse_kind"] == [{"matching": "ordering"}.get(kind, kind)]
    presentation = item.find(f"{QTI}presentation")
    assert presentation is not None
    feedback = {fb.get("ident"): mattext(fb) for fb in item.iter(f"{QTI}itemfeedback")}
    conditions = item.findall(f"{QTI}resprocessing/{QTI}respcondition")
    general = [c for c in conditions if c.find(f"{QTI}conditionvar/{QTI}other") is not None]
    assert len(general) == 1 and general[0].get("continue") == "Yes"
    link = general[0].find(f"{QTI}displayfeedback")
    assert link is not None
    read = Read(item.get("ident", ""), kind, mattext(presentation), general=feedback[link.get("linkrefid")], group=group,
                labels={key.removeprefix("cehcourse_"): value for key, value in meta.items()
                        if key in ("cehcourse_case", "cehcourse_chapter", "cehcourse_objective")})
    scoring = [c for c in conditions if c.find(f"{QTI}setvar[@action='Set']") is not None]
    if kind in ("single", "multiple"):
        response = presentation.find(f"{QTI}response_lid")
        assert response is not None
        assert response.get("rcardinality") == ("Single" if kind == "single" else "Multiple")
        assert len(scoring) == 1 and scoring[0].findtext(f"{QTI}setvar") == "100"
        assert scoring[0].get("continue", "No") == "No"
        test = scoring[0].find(f"{QTI}conditionvar")
        assert test is not None
        every = test.find(f"{QTI}and")
        right = {e.text for e in (every if every is not None else test).findall(f"{QTI}varequal")}
        if every is not None:  # multiple: the other choices must be left unticked
            wrong = {e.text for e in every.findall(f"{QTI}not/{QTI}varequal")}
            labels = {label.get("ident") for label in response.iter(f"{QTI}response_label")}
            assert right | wrong == labels and not right & wrong
        for label in response.iter(f"{QTI}response_label"):
            ident = label.get("ident")
            shown = [c for c in conditions if c.findtext(f"{QTI}conditionvar/{QTI}varequal") == ident
                     and c.find(f"{QTI}displayfeedback") is not None]
            assert len(shown) == 1 and shown[0].get("continue") == "Yes"
            linked = shown[0].find(f"{QTI}displayfeedback")
            assert linked is not None
            read.options.append((mattext(label), ident in right, feedback[linked.get("linkrefid")]))
    elif kind == "numeric":
        assert presentation.find(f"{QTI}response_str/{QTI}render_fib[@fibtype='Decimal']") is not None
        assert len(scoring) == 1
        either = scoring[0].find(f"{QTI}conditionvar/{QTI}or")
        assert either is not None
        low = float(either.findtext(f"{QTI}and/{QTI}vargte", "nan"))
        high = float(either.findtext(f"{QTI}and/{QTI}varlte", "nan"))
        read.value = float(either.findtext(f"{QTI}varequal", "nan"))
        read.tolerance = (high - low) / 2
        assert math.isclose((high + low) / 2, read.value, abs_tol=1e-9)
    else:
        added = 0.0
        for response in presentation.findall(f"{QTI}response_lid"):
            steps = {label.get("ident"): mattext(label) for label in response.iter(f"{QTI}response_label")}
            right = [c for c in conditions if c.find(f"{QTI}conditionvar/{QTI}varequal[@respident='{response.get('ident')}']") is not None]
            assert len(right) == 1 and right[0].get("continue") == "Yes"
            added += float(right[0].findtext(f"{QTI}setvar[@action='Add']", "nan"))
            read.pairs.append((mattext(response), steps[right[0].findtext(f"{QTI}conditionvar/{QTI}varequal")]))
        assert math.isclose(added, 100, abs_tol=0.01)
    return read


# ---------------------------------------------------------------------------------------
# Moodle XML (docs.moodle.org/en/Moodle_XML_format)

# question_bank::fraction_options_full(): the grades Moodle's import accepts by default.
MOODLE_GRADES = [1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25,
                 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0]
MOODLE_TYPES = {"category", "multichoice", "numerical", "matching"}


def on_moodle_list(percent: str) -> bool:
    return any(abs(abs(float(percent)) / 100 - grade) < 0.00001 for grade in MOODLE_GRADES)


def text_of(element: ET.Element, path: str) -> str:
    found = element.find(f"{path}/text")
    assert found is not None, f"<{element.tag}> lacks {path}/text"
    return found.text or ""


def read_moodle(data: bytes) -> tuple[dict[str, Read], list[str]]:
    root = ET.fromstring(data)
    assert root.tag == "quiz"
    read: dict[str, Read] = {}
    categories: list[str] = []
    category = ""
    for question in root:
        if not isinstance(question.tag, str):  # a comment
            continue
        assert question.tag == "question" and question.get("type") in MOODLE_TYPES
        kind = question.get("type")
        if kind == "category":
            category = text_of(question, "category")
            assert category.startswith("$course$/top/Cervicogenic headache cases/")
            categories.append(question.findtext("idnumber", ""))
            continue
        assert category, "a question before any category"
        name = text_of(question, "name")
        assert question.findtext("idnumber") == name
        assert question.find("questiontext").get("format") == "html"  # type: ignore[union-attr]
        tags = [tag.text or "" for tag in question.findall("tags/tag/text")]
        assert all(len(tag) <= 50 for tag in tags), "Moodle cuts tags to 50 characters"
        labels: dict[str, list[str]] = {}
        for tag in tags:
            key, _, value = tag.partition(":")
            labels.setdefault(key, []).append(value)
        assert name not in read, f"question {name} exported twice"
        got = Read(name, "", text_of(question, "questiontext"), general=text_of(question, "generalfeedback"),
                   labels=labels, group=category)
        read[name] = got
        if kind == "multichoice":
            single = question.findtext("single")
            assert single in ("true", "false")
            got.kind = "single" if single == "true" else "multiple"
            fractions = []
            for answer in question.findall("answer"):
                fraction = answer.get("fraction", "")
                assert on_moodle_list(fraction), f"{name}: grade {fraction} is not on Moodle's list"
                fractions.append(float(fraction))
                assert answer.get("format") == "html"
                got.options.append((text_of(answer, "."), float(fraction) > 0, text_of(answer, "feedback")))
            if got.kind == "single":
                assert sorted(fractions)[-1] == 100 and sorted(fractions)[-2] <= 0
            else:
                assert math.isclose(sum(f for f in fractions if f > 0), 100, abs_tol=0.001)
                assert sum(fractions) <= 0.001, "ticking every option must not score"
        elif kind == "numerical":
            got.kind = "numeric"
            answers = question.findall("answer")
            assert len(answers) == 1 and answers[0].get("fraction") == "100"
            got.value = float(text_of(answers[0], "."))
            got.tolerance = float(answers[0].findtext("tolerance", "nan"))
            assert question.find("units") is None, "only the number is graded, as in the course"
        else:
            got.kind = "matching"
            pairs = question.findall("subquestion")
            assert len(pairs) >= 2 and len({text_of(p, "answer") for p in pairs}) >= 3, "Moodle's minimum"
            got.pairs = [(text_of(p, "."), text_of(p, "answer")) for p in pairs]
    return read, categories


# ---------------------------------------------------------------------------------------
# GIFT (docs.moodle.org/en/GIFT_format), read as Moodle's qformat_gift reads it

ESCAPES = {"\\\\": "\x01", "\\~": "\x02", "\\=": "\x03", "\\#": "\x04", "\\{": "\x05", "\\}": "\x06", "\\:": "\x07"}


def unescape(text: str) -> str:
    for escaped, mark in ESCAPES.items():
        text = text.replace(mark, escaped[1])
    return text.strip()


def read_gift(text: str) -> tuple[dict[str, Read], list[str]]:
    read: dict[str, Read] = {}
    categories = []
    category = ""
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip() and not line.lstrip().startswith("//")]
        comments = [line for line in block.split("\n") if line.lstrip().startswith("//")]
        if not lines:
            continue
        source = "\n".join(lines)
        if source.startswith("$CATEGORY:"):
            category = source.removeprefix("$CATEGORY:").strip()
            categories.append(category)
            continue
        for escaped, mark in ESCAPES.items():
            source = source.replace(escaped, mark)
        match = re.fullmatch(r"::([^:]+)::\[html\]([^{}]*)\{([^{}]*)\}", source, re.S)
        assert match, f"not a GIFT question: {source[:80]!r}"
        name, question_text, answers = match.groups()
        answers, _, general = answers.partition("####")
        assert general, f"{name}: no general feedback"
        tags = comments[0].split("tags: ", 1)[1].split() if comments else []
        labels: dict[str, list[str]] = {}
        for tag in tags:
            key, _, value = tag.partition(":")
            labels.setdefault(key, []).append(value)
        got = Read(unescape(name), "", unescape(question_text), general=unescape(general), labels=labels, group=category)
        assert got.id not in read, f"question {got.id} exported twice"
        read[got.id] = got
        answers = answers.strip()
        if answers.startswith("#"):
            got.kind = "numeric"
            value, tolerance = answers[1:].strip().removeprefix("=").split(":")
            got.value, got.tolerance = float(value), float(tolerance)
        elif "->" in answers:
            got.kind = "matching"
            for pair in answers.split("=")[1:]:
                item, step = pair.split("->")
                got.pairs.append((unescape(item), unescape(step)))
        else:
            got.kind = "single" if "=" in answers else "multiple"
            for mark, body in re.findall(r"([=~])([^=~]*)", answers):
                weight = re.match(r"%(-?[0-9.]+)%", body)
                if weight:
                    assert on_moodle_list(weight.group(1)), f"{got.id}: weight {weight.group(1)}"
                    body = body[weight.end():]
                option, _, feedback = body.partition("#")
                option = re.sub(r"^&\x04?37;", "%", option.strip())  # the same character, as HTML reads it
                correct = mark == "=" or (weight is not None and float(weight.group(1)) > 0)
                got.options.append((unescape(option), correct, unescape(feedback)))
    return read, categories


# ---------------------------------------------------------------------------------------
# Round trips


def test_qti_package_round_trips(course: CourseData) -> None:
    cases = select_cases(course)
    read, assessments = read_qti(export_bytes(cases, "qti"))
    assert assessments == [case.id for case in cases]
    compare(read, cases)
    for case in cases:
        assert all(read[q.id].group == case.title for _, q in case.questions())


def test_moodle_xml_round_trips(course: CourseData) -> None:
    cases = select_cases(course)
    read, categories = read_moodle(export_bytes(cases, "moodle"))
    assert categories == [case.id for case in cases]
    compare(read, cases)
    for case in cases:
        for _, question in case.questions():
            assert read[question.id].group.endswith("/" + case.title.replace("/", "//"))
            assert read[question.id].labels["kind"] == [question.kind]


def test_gift_round_trips(course: CourseData) -> None:
    cases = select_cases(course)
    text = export_bytes(cases, "gift").decode("utf-8")
    read, categories = read_gift(text)
    assert len(categories) == len(cases)
    compare(read, cases)


@pytest.mark.parametrize("fmt", ["qti", "moodle", "gift"])
def test_ordering_is_a_matching_question_of_step_numbers(course: CourseData, fmt: str) -> None:
    case = course.cases[ORDERING_CASE]
    assert any(isinstance(q, OrderingQuestion) for _, q in case.questions())
    data = export_bytes([case], fmt)
    reader = {"qti": read_qti, "moodle": read_moodle, "gift": lambda d: read_gift(d.decode())}[fmt]
    read, _ = reader(data)
    # QTI matching (Canvas) shows the items as plain text; Moodle and GIFT as HTML.
    compare(read, [case], left=plain_text if fmt == "qti" else to_inline_html)


def test_export_is_reproducible(course: CourseData) -> None:
    cases = select_cases(course, Selection(chapters=("assessment",)))
    for fmt in ("qti", "moodle", "gift"):
        assert export_bytes(cases, fmt) == export_bytes(cases, fmt)


# ---------------------------------------------------------------------------------------
# Choosing cases


def test_selection(course: CourseData) -> None:
    library = course.library_cases()
    assert select_cases(course) == library
    assert all(case.role == "case" for case in library)
    name = some_chapter(course)
    chapter = select_cases(course, Selection(chapters=(name,)))
    assert chapter == [case for case in library if name in case.chapters] and chapter != library
    objective = library[0].objectives[0]
    by_objective = select_cases(course, Selection(objectives=(objective,)))
    assert by_objective == [case for case in library if objective in case.objectives]
    both = select_cases(course, Selection(cases=(ORDERING_CASE, library[-1].id), chapters=(name,)))
    assert {case.id for case in both} == {ORDERING_CASE, library[-1].id} | {case.id for case in chapter}
    assert both[-1].id == ORDERING_CASE, "self-checks after the library, which keeps teaching order"
    for bad, message in [
        (Selection(cases=("no-such-case",)), "unknown case 'no-such-case'"),
        (Selection(chapters=("no-such-chapter",)), "unknown chapter 'no-such-chapter'"),
        (Selection(objectives=("assessment/no-such-objective",)), "unknown learning objective"),
        (Selection(objectives=("assessment",)), "unknown learning objective"),
    ]:
        with pytest.raises(ExportError, match=message):
            select_cases(course, bad)


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli_main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_cli_writes_the_chosen_cases(course: CourseData, tmp_path: Path) -> None:
    target = tmp_path / "cases.zip"
    status, out, err = run_cli("--root", str(ROOT), "export", "--format", "qti", "--output", str(target),
                               "--chapter", some_chapter(course), "--case", ORDERING_CASE)
    assert status == 0, err
    read, assessments = read_qti(target.read_bytes())
    wanted = [case.id for case in course.cases_for_chapter(some_chapter(course))] + [ORDERING_CASE]
    assert assessments == wanted
    assert "ordering question(s) exported as matching questions" in out and "chk-path-order" in out
    assert [p.name for p in tmp_path.iterdir()] == ["cases.zip"], "no temporary file left behind"

    target = tmp_path / "objective.xml"
    objective = course.library_cases()[-1].objectives[-1]
    status, out, err = run_cli("--root", str(ROOT), "export", "--format", "moodle", "--output", str(target),
                               "--objective", objective)
    assert status == 0, err
    _, categories = read_moodle(target.read_bytes())
    assert categories == [case.id for case in course.library_cases() if objective in case.objectives]

    status, out, err = run_cli("--root", str(ROOT), "export", "--format", "gift", "--output",
                               str(tmp_path / "x.txt"), "--case", "no-such-case")
    assert status == 1 and err.count("\n") == 1 and "unknown case 'no-such-case'" in err
    assert not (tmp_path / "x.txt").exists()


# ---------------------------------------------------------------------------------------
# Hostile text and bad content

EVIL = "]]><script>alert(1)</script><![CDATA[ & {=~#:}\\ -> %"


def option(text: str, correct: bool = False) -> dict[str, Any]:
    return {"text": text, "correct": correct, "explanation": f"Why {text} is {'right' if correct else 'wrong'}."}


def hostile_case() -> Case:
    return Case.model_validate({
        "id": "hostile-case", "role": "chapter-check", "title": f"A case {EVIL}", "summary": f"Summary {EVIL}",
        "patient": {"age": 40, "sex": "female"}, "minutes": 5, "chapters": ["assessment"],
        "objectives": ["assessment/history"], "cites": ["ichd3"],
        "stages": [
            {"id": "one", "title": f"Stage {EVIL}", "narrative": f"Story {EVIL}\n\nMore {EVIL}", "questions": [
                {"id": "h-single", "kind": "single", "stem": f"Pick {EVIL}?", "teaching_point": f"Point {EVIL}",
                 "options": [option(f"%Alpha {EVIL}", True), option(f"Beta {EVIL}")]},
                {"id": "h-multiple", "kind": "multiple", "stem": f"Pick some {EVIL}", "teaching_point": "P.",
                 "options": [option(f"Gamma {EVIL}", True), option("Delta", True), option(f"Eps {EVIL}")]},
            ]},
            {"id": "two", "title": "Two", "narrative": "Later.", "questions": [
                {"id": "h-numeric", "kind": "numeric", "stem": f"How many {EVIL}", "teaching_point": "P.",
                 "answer": {"value": -2.5, "tolerance": 0.5, "unit": "<b>days</b>"}, "explanation": f"Why {EVIL}"},
                {"id": "h-order", "kind": "ordering", "stem": "Order?", "teaching_point": "P.",
                 "items": [{"text": f"First {EVIL}", "explanation": f"E {EVIL}"},
                           {"text": "Second", "explanation": "E2"}, {"text": "Third", "explanation": "E3"}]},
            ]},
        ],
    })


def html_strings(read: dict[str, Read], pairs: bool = True) -> list[str]:
    strings = []
    for got in read.values():
        strings += [got.text, got.general, *(h for h, _, _ in got.options), *(f for _, _, f in got.options)]
        strings += [item for item, _ in got.pairs] if pairs else []
    return strings


@pytest.mark.parametrize("fmt", ["qti", "moodle", "gift"])
def test_hostile_text_stays_text(fmt: str) -> None:
    case = hostile_case()
    data = export_bytes([case], fmt)
    reader = {"qti": read_qti, "moodle": read_moodle, "gift": lambda d: read_gift(d.decode())}[fmt]
    read, _ = reader(data)  # the file still parses, and reads back as the case
    compare(read, [case], left=plain_text if fmt == "qti" else to_inline_html)
    # QTI matching items are plain text (texttype="text/plain"): shown as written, never as markup.
    for html in html_strings(read, pairs=fmt != "qti"):
        assert "<script" not in html and "<b>" not in html and "<![CDATA[" not in html, html
    assert any("&lt;script&gt;" in html for html in html_strings(read))
    assert "(&lt;b&gt;days&lt;/b&gt;)" in read["h-numeric"].text


def test_bad_option_is_a_clear_error(course: CourseData) -> None:
    case = hostile_case()
    stage = case.stages[0]
    bad_option = Option.model_construct(text="", correct=False, explanation="Why.")
    bad = SingleQuestion.model_construct(**{**dict(stage.questions[0]), "options": [stage.questions[0].options[0], bad_option]})
    broken = case.model_copy(update={"stages": [stage.model_copy(update={"questions": [bad]}), *case.stages[1:]]})
    for fmt in ("qti", "moodle", "gift"):
        with pytest.raises(ExportError) as caught:
            export_bytes([broken], fmt)
        assert str(caught.value) == "case 'hostile-case', question 'h-single': option B has no text to show"
    two_right = SingleQuestion.model_construct(**{**dict(stage.questions[0]), "options": [
        Option.model_construct(text="A", correct=True, explanation="x"),
        Option.model_construct(text="B", correct=True, explanation="y")]})
    broken = case.model_copy(update={"stages": [stage.model_copy(update={"questions": [two_right]})]})
    with pytest.raises(ExportError, match=r"^case 'hostile-case', question 'h-single': .*exactly one correct option"):
        export_bytes([broken], "moodle")


def test_content_xml_cannot_carry_stops_the_cli_before_writing(tmp_path: Path) -> None:
    """The loader accepts a control character written as a YAML escape; XML 1.0 cannot carry
    it. The CLI says where in one line, and leaves the old file as it was."""
    data = yaml.safe_load((ROOT / "book" / "cases" / "classic-ceh.yaml").read_text())
    data["stages"][1]["questions"][0]["stem"] = "Which finding \x0b matters?"
    question_id = data["stages"][1]["questions"][0]["id"]
    root = tmp_path / "course"
    (root / "book" / "cases").mkdir(parents=True)
    (root / "book" / "chapters.yaml").write_text((ROOT / "book" / "chapters.yaml").read_text())
    (root / "references.bib").write_text((ROOT / "references.bib").read_text())
    (root / "book" / "cases" / "classic-ceh.yaml").write_text(yaml.safe_dump(data, allow_unicode=False))
    target = tmp_path / "out.xml"
    target.write_text("the previous export")
    status, out, err = run_cli("--root", str(root), "export", "--format", "moodle", "--output", str(target))
    assert status == 1 and out == ""
    assert err.count("\n") == 1, err
    assert f"case 'classic-ceh', question '{question_id}'" in err and "U+000B" in err
    assert target.read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course", "out.xml"], "no temporary file left behind"


def test_output_problems_are_clear(tmp_path: Path) -> None:
    status, _, err = run_cli("--root", str(ROOT), "export", "--format", "qti", "--output", str(tmp_path))
    assert status == 1 and "is a folder" in err and err.count("\n") == 1
    status, _, err = run_cli("--root", str(ROOT), "export", "--format", "qti", "--output",
                             str(tmp_path / "missing" / "x.zip"))
    assert status == 1 and "does not exist" in err and err.count("\n") == 1
