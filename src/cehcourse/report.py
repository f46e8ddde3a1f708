"""Class report without accounts: pool students' exported progress files.

Each student exports their progress from the book's progress page (static/vignette.js
writes it); the teacher collects the files and runs ``cehcourse report FILES... --output
DIR``. The report gives, from first tries only:

- each question's difficulty: the share of students right on their first try;
- how often each option (and each numeric or ordering answer) was chosen on the first try;
- each learning objective's score: the share of first tries right over the questions of the
  cases tagged with that objective;

as ``report.html`` (self-contained: inline SVG charts, no scripts, no external resources)
and ``questions.csv``, ``options.csv``, ``objectives.csv``.

Every student counts once. Exports carry a ``learner`` id: of several files with the same id
only the newest ``exported`` is kept, and the report says so. Files without one (older
exports) count once each, with a warning. Answers given to an earlier version of a question
(their content hash ``h`` is not the question's now) are left out and counted.

The export format (version 1)::

    {"format": "cehcourse-progress", "version": 1, "exported": "<ISO 8601 time>",
     "learner": "<id>", "cases": {"<case-id>": {"<question-id>":
        {"h": "<content hash>", "a": <latest answer>, "c": <latest correct>,
         "f": <first try correct>, "t": <first-try answer>}}}}

Answers: single ``[index]``, multiple sorted ``[indices]``, numeric a number, ordering the
step given to each item in shown order. Older exports lack ``learner``, ``f`` and ``t``:
then f = c and t = a.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from .course import CourseData
from .kinds import LETTERS, Answer, kind_of
from .kinds.ordering import letters_in_order
from .markdown import plain_text
from .model import AnyQuestion, Case, MultipleQuestion, NumericQuestion, OrderingQuestion, SingleQuestion

EXPORT_FORMAT = "cehcourse-progress"
EXPORT_VERSION = 1
# Far above any real export (every answer to every question is a few KB); a bigger file is
# refused before it is parsed.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LEARNER_LENGTH = 100

# A stored answer: a number, or a list of whole numbers (see the module docstring).
RawAnswer = float | list[int]


class BadExport(Exception):
    """A file that is not a usable progress export; the message says why, in a few words."""


@dataclass(frozen=True)
class Entry:
    hash: str
    first_correct: bool
    first_answer: RawAnswer


@dataclass(frozen=True)
class Export:
    path: Path
    learner: str | None
    exported: datetime
    # case id -> question id -> entry
    cases: dict[str, dict[str, Entry]]

    def fingerprint(self) -> str:
        """Equal for two copies of one export (same time, same answers)."""
        answers = {
            case: {qid: [e.hash, e.first_correct, e.first_answer] for qid, e in entries.items()}
            for case, entries in self.cases.items()
        }
        return json.dumps([self.exported.isoformat(), answers], sort_keys=True)


# ---- reading exports ---------------------------------------------------------------------


def _one_line(text: str, limit: int = 80) -> str:
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def display_path(path: Path) -> str:
    try:
        shown = str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return _one_line(shown, 200)


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise BadExport("it has no \"exported\" time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadExport(f"its \"exported\" time {_one_line(repr(value), 40)} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _answer(value: object, what: str) -> RawAnswer:
    if isinstance(value, bool):
        raise BadExport(f"{what} is true/false, not an answer")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise BadExport(f"{what} is not a finite number")
        return float(value)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(item, int) and not isinstance(item, bool) and item >= 0 for item in value)
    ):
        return list(value)
    raise BadExport(f"{what} is not an answer (a number or a list of whole numbers)")


def _entry(value: object, where: str) -> Entry:
    if not isinstance(value, dict):
        raise BadExport(f"the answer to {where} is not an object")
    digest, latest_correct = value.get("h"), value.get("c")
    if not isinstance(digest, str):
        raise BadExport(f"the answer to {where} has no content hash \"h\"")
    if not isinstance(latest_correct, bool):
        raise BadExport(f"the answer to {where} has no true/false \"c\"")
    if "a" not in value:
        raise BadExport(f"the answer to {where} has no answer \"a\"")
    latest = _answer(value["a"], f"the answer \"a\" to {where}")
    first_correct = value.get("f", latest_correct)
    if not isinstance(first_correct, bool):
        raise BadExport(f"the first-try verdict \"f\" of {where} is not true/false")
    first = _answer(value["t"], f"the first-try answer \"t\" to {where}") if "t" in value else latest
    return Entry(digest, first_correct, first)


def read_export(path: Path) -> Export:
    """One progress export, checked; raises BadExport saying what is wrong with it."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BadExport(f"cannot read it ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise BadExport(f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: not a progress export")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadExport("it is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadExport("it is not a progress export (not a JSON object)")
    if data.get("format") != EXPORT_FORMAT:
        found = data.get("format")
        said = f"its format is {_one_line(repr(found), 40)}" if found is not None else "it has no \"format\""
        raise BadExport(f"it is not a progress export from this course ({said}, expected '{EXPORT_FORMAT}')")
    if data.get("version") != EXPORT_VERSION or isinstance(data.get("version"), bool):
        raise BadExport(f"its version {_one_line(repr(data.get('version')), 20)} is not {EXPORT_VERSION}")
    exported = _parse_time(data.get("exported"))
    learner = data.get("learner")
    if learner is not None and (
        not isinstance(learner, str) or not learner.strip() or len(learner) > MAX_LEARNER_LENGTH
    ):
        raise BadExport("its \"learner\" id is not a short piece of text")
    cases = data.get("cases")
    if not isinstance(cases, dict):
        raise BadExport("it has no \"cases\" object")
    entries: dict[str, dict[str, Entry]] = {}
    for case_id, questions in cases.items():
        if not isinstance(questions, dict):
            raise BadExport(f"case {_one_line(repr(case_id), 60)} is not an object")
        entries[case_id] = {
            qid: _entry(value, f"{_one_line(repr(qid), 60)} in case {_one_line(repr(case_id), 60)}")
            for qid, value in questions.items()
        }
    return Export(path, learner.strip() if isinstance(learner, str) else None, exported, entries)


def expand_inputs(inputs: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files named, and the *.json files of folders named; and the inputs that are neither."""
    files: list[Path] = []
    missing: list[tuple[Path, str]] = []
    for item in inputs:
        if item.is_dir():
            found = sorted(p for p in item.glob("*.json") if p.is_file())
            if not found:
                missing.append((item, "the folder has no *.json files"))
            files.extend(found)
        elif item.is_file():
            files.append(item)
        else:
            missing.append((item, "no such file or folder"))
    unique = list(dict.fromkeys(path.resolve() for path in files))
    return [Path(p) for p in unique], missing


# ---- one student, once -------------------------------------------------------------------


@dataclass
class Selection:
    students: list[Export]
    # Said to the teacher, and listed in the report.
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def select_students(exports: Sequence[Export]) -> Selection:
    """One export per student: the newest of each learner id; files without an id count once
    each (a byte-for-byte copy of one export, same time and answers, counts once)."""
    selection = Selection([])
    by_learner: dict[str, list[Export]] = {}
    anonymous: dict[str, list[Export]] = {}
    for export in exports:
        if export.learner is not None:
            by_learner.setdefault(export.learner, []).append(export)
        else:
            anonymous.setdefault(export.fingerprint(), []).append(export)
    for learner, group in by_learner.items():
        # Newest export wins; on a tie in time, the file named last.
        group = sorted(group, key=lambda e: (e.exported, str(e.path)))
        kept = group[-1]
        selection.students.append(kept)
        if len(group) > 1:
            dropped = ", ".join(f"{display_path(e.path)} ({_when(e)})" for e in group[:-1])
            selection.notes.append(
                f"learner {_one_line(learner, 40)} is in {len(group)} files: counted the newest, "
                f"{display_path(kept.path)} ({_when(kept)}); not counted: {dropped}"
            )
    for group in anonymous.values():
        kept = group[0]
        selection.students.append(kept)
        selection.warnings.append(
            f"{display_path(kept.path)}: no learner id (an older export): counted as one student; "
            "if the same student sent another file without an id, they are counted twice"
        )
        for copy in group[1:]:
            selection.notes.append(
                f"{display_path(copy.path)} is a copy of {display_path(kept.path)} (same time and answers): counted once"
            )
    selection.students.sort(key=lambda e: str(e.path))
    return selection


def _when(export: Export) -> str:
    return export.exported.astimezone(timezone.utc).strftime("exported %Y-%m-%d %H:%M:%S UTC")


# ---- the numbers -------------------------------------------------------------------------


@dataclass
class QuestionStats:
    case: Case
    question: AnyQuestion
    answered: int = 0
    first_correct: int = 0
    old_versions: int = 0
    # Single/multiple: option index -> students who chose it first. Numeric/ordering: the
    # answer as shown -> (students, correct).
    option_counts: Counter[int] = field(default_factory=Counter)
    answer_counts: Counter[str] = field(default_factory=Counter)
    answer_correct: dict[str, bool] = field(default_factory=dict)

    @property
    def share(self) -> float | None:
        return self.first_correct / self.answered if self.answered else None


@dataclass
class ObjectiveStats:
    ref: str
    text: str
    cases: list[str]
    questions: int
    answers: int
    correct: int
    students: int

    @property
    def share(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass
class ReportData:
    files: int
    students: int
    questions: list[QuestionStats]
    objectives: list[ObjectiveStats]
    old_versions: int
    unknown: int
    notes: list[str]
    warnings: list[str]


def _fits(question: AnyQuestion, answer: RawAnswer) -> Answer:
    """The stored answer as the kind's grader takes it, or BadExport when it cannot be an
    answer to this question."""
    if isinstance(question, NumericQuestion):
        if isinstance(answer, float):
            return answer
    elif isinstance(answer, list):
        size = len(question.options) if isinstance(question, (SingleQuestion, MultipleQuestion)) else len(question.items)
        if isinstance(question, SingleQuestion) and len(answer) == 1 and answer[0] < size:
            return answer[0]
        if isinstance(question, MultipleQuestion) and answer == sorted(set(answer)) and answer[-1] < size:
            return frozenset(answer)
        if isinstance(question, OrderingQuestion) and sorted(answer) == list(range(1, size + 1)):
            return tuple(answer)
    raise BadExport(
        f"the first-try answer to '{question.id}' cannot be an answer to that question ({question.kind})"
    )


def answer_label(question: AnyQuestion, answer: Answer) -> str:
    """A first-try answer as the report shows it."""
    if isinstance(question, OrderingQuestion) and isinstance(answer, tuple):
        return letters_in_order(answer)
    if isinstance(answer, float):
        return f"{answer:.10g}"
    return str(answer)


def ordered_cases(course: CourseData) -> list[Case]:
    """Cases in teaching order: by first chapter, the chapter's self-check first, then by id."""
    order = {chapter: index for index, chapter in enumerate(course.catalogue.chapters)}
    return sorted(
        course.cases.values(),
        key=lambda case: (order.get(case.chapters[0], len(order)), case.role != "chapter-check", case.id),
    )


def current_questions(course: CourseData) -> dict[tuple[str, str], tuple[Case, AnyQuestion, str]]:
    """(case id, question id) -> (case, question, content hash), in teaching order."""
    return {
        (case.id, question.id): (case, question, question.content_hash())
        for case in ordered_cases(course)
        for _, question in case.questions()
    }


def check_answers(export: Export, current: dict[tuple[str, str], tuple[Case, AnyQuestion, str]]) -> None:
    """Raise BadExport when an answer to a question's current version cannot be an answer to
    it (a hand-edited or damaged file)."""
    for case_id, entries in export.cases.items():
        for qid, entry in entries.items():
            known = current.get((case_id, qid))
            if known is not None and entry.hash == known[2]:
                _fits(known[1], entry.first_answer)


def tally(course: CourseData, students: Sequence[Export], files: int = 0,
          notes: Sequence[str] = (), warnings: Sequence[str] = ()) -> ReportData:
    """Count first tries of exports already passed through check_answers."""
    current = current_questions(course)
    stats = {key: QuestionStats(case, question) for key, (case, question, _) in current.items()}
    hashes = {key: digest for key, (_, _, digest) in current.items()}
    old_versions = unknown = 0
    answered_by: dict[tuple[str, str], set[int]] = {}
    for number, export in enumerate(students):
        for case_id, entries in export.cases.items():
            for qid, entry in entries.items():
                key = (case_id, qid)
                if key not in stats:
                    unknown += 1
                    continue
                stat = stats[key]
                if entry.hash != hashes[key]:
                    stat.old_versions += 1
                    old_versions += 1
                    continue
                answer = _fits(stat.question, entry.first_answer)
                stat.answered += 1
                stat.first_correct += entry.first_correct
                answered_by.setdefault(key, set()).add(number)
                if isinstance(stat.question, (SingleQuestion, MultipleQuestion)):
                    stat.option_counts.update([answer] if isinstance(answer, int) else
                                              sorted(answer) if isinstance(answer, frozenset) else [])
                else:
                    label = answer_label(stat.question, answer)
                    stat.answer_counts[label] += 1
                    stat.answer_correct[label] = kind_of(stat.question).grade(stat.question, answer).correct

    objectives: list[ObjectiveStats] = []
    for chapter_id, chapter in course.catalogue.chapters.items():
        for objective in chapter.objectives:
            ref = f"{chapter_id}/{objective.id}"
            cases = [case for case in ordered_cases(course) if ref in case.objectives]
            keys = [(case.id, q.id) for case in cases for _, q in case.questions() if ref in case.objectives_of(q)]
            who: set[int] = set()
            for key in keys:
                who |= answered_by.get(key, set())
            objectives.append(ObjectiveStats(
                ref=ref,
                text=objective.text,
                cases=[case.id for case in cases],
                questions=len(keys),
                answers=sum(stats[key].answered for key in keys),
                correct=sum(stats[key].first_correct for key in keys),
                students=len(who),
            ))
    return ReportData(files, len(students), list(stats.values()), objectives, old_versions, unknown,
                      list(notes), list(warnings))


# ---- CSV ---------------------------------------------------------------------------------


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _write_csv(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@dataclass(frozen=True)
class AnswerRow:
    """One option of a choice question, or one distinct first-try answer to a numeric or
    ordering question, with how many students gave it first."""

    label: str
    text: str
    correct: bool
    count: int
    share: float | None


def answer_rows(stat: QuestionStats) -> list[AnswerRow]:
    question = stat.question
    def share(count: int) -> float | None:
        return count / stat.answered if stat.answered else None
    if isinstance(question, (SingleQuestion, MultipleQuestion)):
        return [
            AnswerRow(LETTERS[index], plain_text(option.text), option.correct, stat.option_counts[index],
                      share(stat.option_counts[index]))
            for index, option in enumerate(question.options)
        ]
    return [
        AnswerRow(label, "", stat.answer_correct[label], count, share(count))
        for label, count in sorted(stat.answer_counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def option_rows(data: ReportData) -> list[list[object]]:
    """One row per option of every choice question, and per distinct first-try answer of
    numeric and ordering questions."""
    return [
        [stat.case.id, stat.question.id, stat.question.kind, row.label, row.text, str(row.correct).lower(),
         row.count, _share(row.share)]
        for stat in data.questions
        for row in answer_rows(stat)
    ]


def write_csvs(data: ReportData, output: Path) -> None:
    _write_csv(
        output / "questions.csv",
        ["case", "question", "kind", "stem", "students_answered", "first_try_correct",
         "first_try_share_correct", "old_version_answers_ignored"],
        ([s.case.id, s.question.id, s.question.kind, plain_text(s.question.stem), s.answered,
          s.first_correct, _share(s.share), s.old_versions] for s in data.questions),
    )
    _write_csv(
        output / "options.csv",
        ["case", "question", "kind", "answer", "option_text", "correct", "chosen_first_try",
         "share_of_students_answered"],
        option_rows(data),
    )
    _write_csv(
        output / "objectives.csv",
        ["objective", "text", "cases", "questions", "students", "first_try_answers",
         "first_try_correct", "first_try_share_correct"],
        ([o.ref, o.text, " ".join(o.cases), o.questions, o.students, o.answers, o.correct, _share(o.share)]
         for o in data.objectives),
    )


# ---- HTML --------------------------------------------------------------------------------

_SVG_ID = re.compile(r'\bid="([^"]+)"')


def _inline_svg(svg: str, prefix: str, title: str) -> str:
    """Matplotlib's SVG made fit to sit inside the page: no XML prologue or metadata, ids
    unique on the page, and a title that screen readers announce as the image's name."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg)
    referenced = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
    for name in set(_SVG_ID.findall(svg)):
        if name not in referenced:  # matplotlib names every group; only references need ids
            svg = svg.replace(f' id="{name}"', "")
            continue
        svg = svg.replace(f'id="{name}"', f'id="{prefix}-{name}"')
        svg = svg.replace(f"#{name})", f"#{prefix}-{name})").replace(f'href="#{name}"', f'href="#{prefix}-{name}"')
    opening = re.match(r"<svg\b[^>]*>", svg)
    assert opening is not None
    head = opening.group(0)[:-1] + f' role="img" aria-labelledby="{prefix}-title">'
    return head + f'<title id="{prefix}-title">{html.escape(title)}</title>' + svg[opening.end():]


def bar_chart(labels: Sequence[str], shares: Sequence[float], counts: Sequence[int], title: str,
              prefix: str, alt: str) -> str:
    """Horizontal bars of first-try shares (0-100%), labelled with the number answering."""
    import matplotlib
    from matplotlib.figure import Figure

    height = 1.2 + 0.32 * len(labels)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix, "font.size": 9}):
        figure = Figure(figsize=(7.5, height), layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(labels)))
        axes.barh(positions, [100 * s for s in shares], color="#2a6f97")
        axes.set_yticks(positions, labels)
        axes.set_ylim(len(labels) - 0.5, -0.5)  # first label on top, no empty band
        axes.set_xlim(0, 115)
        axes.set_xticks([0, 25, 50, 75, 100])
        axes.set_xlabel("Correct on the first try (% of students answering)")
        axes.set_title(title)
        for position, share, count in zip(positions, shares, counts):
            axes.text(100 * share + 1.5, position, f"{100 * share:.0f}% (n={count})", va="center", fontsize=8)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _inline_svg(buffer.getvalue(), prefix, alt)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>"


def _table(caption: str, header: Sequence[str], rows: Iterable[Sequence[str]], row_header: bool = True,
           numeric: Sequence[int] = ()) -> str:
    """A table of escaped text; the first cell of a row is its header when *row_header*."""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            style = ' class="num"' if index in numeric else ""
            if index == 0 and row_header:
                cells.append(f'<th scope="row"{style}>{html.escape(cell)}</th>')
            else:
                cells.append(f"<td{style}>{html.escape(cell)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1a1a1a;
background:#fff;max-width:60rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1,h2,h3{line-height:1.25}
table{border-collapse:collapse;margin:1rem 0 2rem;width:100%;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #b0b0b0;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#e8eef3}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.correct td,tr.correct th{background:#e6f4ea}
figure{margin:1.5rem 0}
figure svg{max-width:100%;height:auto}
figcaption{font-size:.92rem;color:#333}
.note{border-left:4px solid #2a6f97;padding:.2rem .8rem;background:#f3f7fa}
.warn{border-left:4px solid #9a6700;padding:.2rem .8rem;background:#fff8e5}
"""


def render_html(data: ReportData, generated: datetime) -> str:
    parts: list[str] = []
    answered = [s for s in data.questions if s.answered]
    parts.append("<h1>Class report: cervicogenic headache course</h1>")
    parts.append(
        f"<p>From {data.students} student(s) in {data.files} progress file(s), made "
        f"{html.escape(generated.strftime('%Y-%m-%d %H:%M UTC'))}. Every number counts first tries "
        "only: a student's first answer to a question, before any feedback.</p>"
    )
    facts = [
        f"{len(answered)} of {len(data.questions)} questions answered by at least one student.",
        f"{data.old_versions} answer(s) to earlier versions of a question left out (the question has changed since).",
    ]
    if data.unknown:
        facts.append(f"{data.unknown} answer(s) to questions no longer in the course left out.")
    parts.append("<ul>" + "".join(f"<li>{html.escape(f)}</li>" for f in facts) + "</ul>")
    if data.notes:
        parts.append('<div class="note"><p>Counted once:</p><ul>'
                     + "".join(f"<li>{html.escape(n)}</li>" for n in data.notes) + "</ul></div>")
    if data.warnings:
        parts.append('<div class="warn"><p>Warnings:</p><ul>'
                     + "".join(f"<li>{html.escape(w)}</li>" for w in data.warnings) + "</ul></div>")

    parts.append("<h2>Learning objectives</h2>")
    scored = [o for o in data.objectives if o.share is not None]
    if scored:
        low, high = min(scored, key=lambda o: o.share or 0), max(scored, key=lambda o: o.share or 0)
        alt = (f"Bar chart of the first-try share correct for {len(scored)} learning objectives, from "
               f"{_percent(low.share)} ({low.ref}) to {_percent(high.share)} ({high.ref}).")
        svg = bar_chart([o.ref for o in scored], [o.share or 0.0 for o in scored], [o.answers for o in scored],
                        "First-try score per learning objective", "fig-objectives", alt)
        parts.append(_figure(svg, "Figure 1. First-try share correct over the questions of the cases tagged with "
                                  "each objective (n = first-try answers). The table below gives the numbers."))
    parts.append(_table(
        "First-try score per learning objective",
        ["Objective", "What the student can do", "Cases", "Questions", "Students", "First tries", "Correct", "Share"],
        ([o.ref, o.text, ", ".join(o.cases) or "none", str(o.questions), str(o.students), str(o.answers),
          str(o.correct), _percent(o.share)] for o in data.objectives),
        numeric=(3, 4, 5, 6, 7),
    ))

    parts.append("<h2>Questions</h2>")
    figure_number = 2
    by_case: dict[str, list[QuestionStats]] = {}
    for stat in data.questions:
        by_case.setdefault(stat.case.id, []).append(stat)
    for case_id, stats in by_case.items():
        case = stats[0].case
        parts.append(f'<h3 id="case-{html.escape(case_id)}">{html.escape(plain_text(case.title))} '
                     f"<small>({html.escape(case_id)})</small></h3>")
        done = [s for s in stats if s.answered]
        if done:
            hardest = min(done, key=lambda s: s.share or 0)
            alt = (f"Bar chart of the first-try share correct for {len(done)} questions of case {case_id}; "
                   f"the hardest is {hardest.question.id} at {_percent(hardest.share)}.")
            svg = bar_chart([s.question.id for s in done], [s.share or 0.0 for s in done],
                            [s.answered for s in done], f"First-try difficulty: {case_id}",
                            f"fig-case-{case_id}", alt)
            parts.append(_figure(svg, f"Figure {figure_number}. Share of students right on the first try, per "
                                      f"question of case {case_id} (n = students answering)."))
            figure_number += 1
        else:
            parts.append("<p>No student has answered this case's current questions.</p>")
        parts.append(_table(
            f"Questions of case {case_id}",
            ["Question", "Kind", "Stem", "Students", "Correct first try", "Share", "Old answers left out"],
            ([s.question.id, s.question.kind, plain_text(s.question.stem), str(s.answered), str(s.first_correct),
              _percent(s.share), str(s.old_versions)] for s in stats),
            numeric=(3, 4, 5, 6),
        ))
        for stat in done:
            parts.append(_choices_table(stat))

    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Class report: cervicogenic headache course</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _choices_table(stat: QuestionStats) -> str:
    question = stat.question
    rows = answer_rows(stat)
    if isinstance(question, (SingleQuestion, MultipleQuestion)):
        header = ["Option", "Text", "Correct", "Chosen", "Share"]
        cells = [[row.label, row.text] for row in rows]
    else:
        unit = question.answer.unit if isinstance(question, NumericQuestion) else ""
        first = "Order given (letters as shown)" if isinstance(question, OrderingQuestion) else (
            f"Answer ({unit})" if unit else "Answer")
        header = [first, "Correct", "Students", "Share"]
        cells = [[row.label] for row in rows]
    body = []
    for row, start in zip(rows, cells):
        values = start + ["yes" if row.correct else "no", str(row.count), _percent(row.share)]
        marker = ' class="correct"' if row.correct else ""
        tds = "".join(
            f'<td{" class=" + chr(34) + "num" + chr(34) if index >= len(values) - 2 else ""}>{html.escape(value)}</td>'
            for index, value in enumerate(values[1:], 1)
        )
        body.append(f'<tr{marker}><th scope="row">{html.escape(values[0])}</th>{tds}</tr>')
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    caption = f"First-try answers to {question.id}: {plain_text(question.stem)}"
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


# ---- the command -------------------------------------------------------------------------


def run_report(course: CourseData, inputs: Sequence[Path], output: Path, skip_bad: bool = False,
               out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``cehcourse report``: returns the exit code. Refused files are one line each on *err*,
    naming the file; with *skip_bad* they are warnings and the rest is reported."""
    out = out or sys.stdout
    err = err or sys.stderr
    files, missing = expand_inputs(inputs)
    problems = [f"{display_path(path)}: {reason}" for path, reason in missing]
    current = current_questions(course)
    exports: list[Export] = []
    for path in files:
        try:
            export = read_export(path)
            check_answers(export, current)
        except BadExport as exc:
            problems.append(f"{display_path(path)}: {exc}")
        else:
            exports.append(export)
    if problems and not skip_bad:
        for problem in problems:
            print(problem, file=err)
        print(f"{len(problems)} input(s) refused; nothing written. Fix or remove them, or run with --skip-bad.",
              file=err)
        return 1
    for problem in problems:
        print(f"warning: {problem} (skipped)", file=err)
    if not exports:
        print("no usable progress files: nothing to report", file=err)
        return 1
    selection = select_students(exports)
    data = tally(course, selection.students, len(exports), selection.notes, selection.warnings)
    for warning in data.warnings:
        print(f"warning: {warning}", file=err)
    for note in data.notes:
        print(f"note: {note}", file=out)
    if data.old_versions:
        print(f"note: {data.old_versions} answer(s) to earlier versions of a question left out "
              "(the question has changed since)", file=out)
    if data.unknown:
        print(f"note: {data.unknown} answer(s) to questions no longer in the course left out", file=out)
    output.mkdir(parents=True, exist_ok=True)
    write_csvs(data, output)
    (output / "report.html").write_text(render_html(data, datetime.now(timezone.utc)), encoding="utf-8")
    print(f"Report on {data.students} student(s) from {data.files} file(s) written to {display_path(output)}: "
          "report.html, questions.csv, options.csv, objectives.csv", file=out)
    return 0
