"""HTML for the pages generated from course data: chapter intro, case lists,
progress page, instructor answer key and objectives map (the question bank: bank.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from .course import CourseData
from .markdown import to_inline_html
from .kinds import kind_of
from .model import Case, Chapter, MultipleQuestion, SingleQuestion
from .render_html import json_for_script, question_count

CaseLink = Callable[[Case], str]


def chapter_intro(chapter: Chapter) -> str:
    items = "".join(f"<li>{escape(o.text)}</li>" for o in chapter.objectives)
    return (
        '<aside class="chapter-intro" aria-label="About this chapter">'
        f'<p class="chapter-reading-time"><strong>Reading time:</strong> about {chapter.reading_minutes} minutes</p>'
        f'<p class="chapter-objectives-title"><strong>Learning objectives.</strong> After this chapter you can:</p>'
        f'<ul class="chapter-objectives">{items}</ul></aside>'
    )


def case_links(cases: list[Case], link: CaseLink) -> str:
    if not cases:
        return ""
    items = "".join(
        f'<li><a href="{link(case)}">{escape(case.title)}</a>: {escape(case.summary)} '
        f'(your progress: <span data-progress-case="{case.id}">Not started</span>)</li>'
        for case in cases
    )
    return f'<ul class="chapter-cases">{items}</ul>{_catalogue_json(cases)}'


def _catalogue_json(cases: Iterable[Case]) -> str:
    """Question ids and content hashes of *cases*, so vignette.js can show progress
    outside a case page (it matches saved answers against the current questions)."""
    catalogue = {
        case.id: {"title": case.title, "questions": {q.id: q.content_hash() for _, q in case.questions()}}
        for case in cases
    }
    return f'<script type="application/json" id="vignette-catalogue">{json_for_script(catalogue)}</script>'


def case_index(data: CourseData, link: CaseLink) -> str:
    rows = []
    for number, case in enumerate(data.library_cases(), 1):
        topics = "<br>".join(escape(data.catalogue.chapters[c].title) for c in case.chapters)
        rows.append(
            f'<tr><td>{number}</td><td><a href="{link(case)}">{escape(case.title)}</a>'
            f'<br><span class="case-summary">{escape(case.summary)}</span></td>'
            f"<td>{topics}</td><td>{question_count(case)}</td><td>{case.minutes} min</td>"
            f'<td data-progress-case="{case.id}">Not started</td></tr>'
        )
    return (
        '<div class="table-wrapper"><table class="table case-index"><caption>Every case in the library</caption>'
        '<thead><tr><th scope="col">#</th><th scope="col">Case</th><th scope="col">Chapters</th>'
        '<th scope="col">Questions</th><th scope="col">Time</th><th scope="col">Your progress</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>{_catalogue_json(data.cases.values())}'
    )


def _dashboard_json(data: CourseData, page_link: CaseLink, chapter_link: Callable[[str], str], bank_url: str) -> str:
    """What the progress dashboard adds to the catalogue: each case's page and objectives,
    and each objective's text and chapter."""
    cases = {
        case.id: {"url": page_link(case), "objectives": {q.id: case.objectives_of(q) for _, q in case.questions()}}
        for case in data.cases.values()
    }
    objectives = {
        f"{slug}/{objective.id}": {"text": objective.text, "chapter": chapter.title, "url": chapter_link(slug)}
        for slug, chapter in data.catalogue.chapters.items()
        for objective in chapter.objectives
    }
    payload = {"cases": cases, "objectives": objectives, "bank": bank_url, "grading": _grading_rules(data)}
    return f'<script type="application/json" id="progress-dashboard-data">{json_for_script(payload)}</script>'


def _grading_rules(data: CourseData) -> dict[str, dict[str, dict[str, object]]]:
    """Each question's grading data, as its quiz has it, and its option count: progress.js
    re-grades imported answers with the quiz's own rules instead of trusting their flags."""
    rules: dict[str, dict[str, dict[str, object]]] = {}
    for case in data.cases.values():
        for _, question in case.questions():
            rule: dict[str, object] = {"kind": question.kind, **kind_of(question).grading_data(question)}
            if isinstance(question, (SingleQuestion, MultipleQuestion)):
                rule["options"] = len(question.options)
            rules.setdefault(case.id, {})[question.id] = rule
    return rules


def progress(data: CourseData, page_link: CaseLink, chapter_link: Callable[[str], str], bank_url: str) -> str:
    """The dashboard (filled in by vignette.js from this browser's saved answers) and a
    table of every case and chapter self-check."""
    ordered = data.library_cases() + [case for case in data.cases.values() if case.role == "chapter-check"]
    rows = "".join(
        f'<tr><td><a href="{page_link(case)}">{escape(case.title)}</a>'
        f'{" (chapter self-check)" if case.role == "chapter-check" else ""}</td>'
        f"<td>{question_count(case)}</td>"
        f'<td data-progress-case="{case.id}">Not started</td></tr>'
        for case in ordered
    )
    dashboard = (
        '<div class="progress-dashboard" hidden>'
        '<p class="progress-overall"></p><p class="progress-continue"></p><p class="progress-review"></p>'
        '<h2 id="study-next">What to study next</h2><div class="progress-next"></div>'
        '<h2 id="by-objective">Scores by learning objective</h2>'
        '<div class="table-wrapper"><table class="table progress-objectives"><caption>First-try scores by '
        "learning objective, weakest first</caption><thead><tr>"
        '<th scope="col">Objective</th><th scope="col">Chapter</th><th scope="col">First-try score</th>'
        "</tr></thead><tbody></tbody></table></div></div>"
    )
    return (
        f"{dashboard}"
        '<h2 id="by-case">Cases and self-checks</h2>'
        '<div class="table-wrapper"><table class="table progress-table"><caption>Your progress in this browser</caption>'
        '<thead><tr><th scope="col">Case</th><th scope="col">Questions</th><th scope="col">State and score</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
        '<div class="progress-tools" hidden><h2 id="export-import">Export and import</h2>'
        '<button type="button" class="progress-export">Export progress (JSON file)</button> '
        '<label for="progress-import-file">Import progress from a file</label> '
        '<input type="file" id="progress-import-file" class="progress-import" accept="application/json,.json">'
        '<p class="progress-message" role="status" aria-live="polite"></p></div>'
        '<noscript><p>Progress is kept in your browser and needs JavaScript to show.</p></noscript>'
        f"{_catalogue_json(data.cases.values())}{_dashboard_json(data, page_link, chapter_link, bank_url)}"
    )


def answer_key_case_intro(case: Case) -> str:
    return f"<p>{escape(case.patient.describe().capitalize())}. {escape(case.summary)}</p>"


def answer_key_heading(case: Case) -> str:
    if case.role == "case":
        return f"Case: {case.title}"
    # Self-check titles often say so already.
    return case.title if case.title.lower().startswith("self-check") else f"Chapter self-check: {case.title}"


def answer_key_order(data: CourseData) -> list[Case]:
    """The chapters' self-checks in chapter order, then the library in teaching order."""
    chapters = list(data.catalogue.chapters)
    checks = sorted((c for c in data.cases.values() if c.role == "chapter-check"),
                    key=lambda c: chapters.index(c.chapters[0]) if c.chapters[0] in chapters else len(chapters))
    return checks + data.library_cases()


def answer_key_parts(data: CourseData) -> dict[str, list[Case]]:
    """The key in one part per chapter, each on its own page: the chapter's self-check, then
    the library cases that serve it first, in teaching order. One page for the whole key
    weighed 500 KB (6,000 elements): too slow to open on a phone."""
    parts: dict[str, list[Case]] = {slug: [] for slug in data.catalogue.chapters}
    for case in answer_key_order(data):
        parts.setdefault(case.chapters[0], []).append(case)
    return {slug: cases for slug, cases in parts.items() if cases}


def answer_key_contents(cases: list[Case], part_url: str, part_title: str) -> str:
    """A part's entry on the key's front page. Each case's item keeps the key-<case id>
    anchor that links to the one-page key used, and links to its answers."""
    items = "".join(
        f'<li id="key-{case.id}"><a href="{part_url}#key-{case.id}">{escape(answer_key_heading(case))}</a> '
        f"({question_count(case)} question{'s' if question_count(case) != 1 else ''})</li>"
        for case in cases
    )
    return f'<p>On its own page: <a href="{part_url}">{escape(part_title)}</a></p><ul class="answer-key-contents">{items}</ul>'


def objectives_map(data: CourseData, relative_uri: Callable[[str], str], bank_url: str) -> str:
    """Each objective with the cases that practise it and a question-bank link for it (the
    link's objective tag is what an instructor puts in their own links)."""
    rows = []
    for slug, chapter in data.catalogue.chapters.items():
        for objective in chapter.objectives:
            tag = f"{slug}/{objective.id}"
            cases = [c for c in data.cases.values() if tag in c.objectives]
            links = ", ".join(
                f'<a href="{relative_uri(data.paths.case_page(c.id)) if c.role == "case" else relative_uri("book/" + slug)}">'
                f"{escape(c.title)}</a>"
                for c in cases
            ) or "None yet"
            practice = f'<a href="{bank_url}?mode=practice&amp;n=all&amp;objectives={tag}">Practise it</a> (<code>{tag}</code>)'
            rows.append(
                f'<tr><td><a href="{relative_uri("book/" + slug)}">{escape(chapter.title)}</a></td>'
                f"<td>{escape(objective.text)}</td><td>{links}</td><td>{practice}</td></tr>"
            )
    return (
        '<div class="table-wrapper"><table class="table objectives-map"><caption>Chapter, objective and the cases that practise it</caption>'
        '<thead><tr><th scope="col">Chapter</th><th scope="col">Objective</th><th scope="col">Cases</th><th scope="col">Question bank</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>'
    )


