"""The question bank: every question of every case (library cases and chapter self-checks)
as its own one-question quiz. Each lives in a small script that the bank page loads only
when a set needs it, so the page stays light; the page carries an index to draw sets from
(by chapter, objective or case) and to find the reviews that are due.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from .course import CourseData
from .model import AnyQuestion, Case, Stage
from .render_html import json_for_script, render_case

# Where the item scripts are written, under the built site's root.
ITEMS_DIR = "_static/bank"


@dataclass(frozen=True)
class BankItem:
    case: Case
    stage: Stage
    question: AnyQuestion

    @property
    def key(self) -> str:
        """How progress and the review schedule name the question: <case>/<question>."""
        return f"{self.case.id}/{self.question.id}"

    @property
    def filename(self) -> str:
        return f"{self.case.id}.{self.question.id}.js"


def bank_items(data: CourseData) -> list[BankItem]:
    """Chapter self-checks in chapter order, then the library in teaching order."""
    chapter_order = list(data.catalogue.chapters)
    checks = sorted(
        (case for case in data.cases.values() if case.role == "chapter-check"),
        key=lambda case: chapter_order.index(case.chapters[0]) if case.chapters[0] in chapter_order else len(chapter_order),
    )
    return [BankItem(case, stage, question) for case in checks + data.library_cases() for stage, question in case.questions()]


def item_html(item: BankItem, data: CourseData) -> str:
    """The question as a quiz block, with a line of its case's story for context."""
    case = item.case
    context = f"From the {'self-check' if case.role == 'chapter-check' else 'case'} *{case.title}* ({case.patient.describe()}): {case.summary}\n\n{item.stage.narrative}"
    single = Stage(id=item.stage.id, title=item.stage.title, narrative=context, questions=[item.question])
    # Its own evidence: a case's whole list under every question would swamp the set.
    one_question = case.model_copy(update={"stages": [single], "cites": []})
    return render_case(one_question, data.bib_path, level=4, show_title=False, practice=True)


def item_scripts(data: CourseData, items: list[BankItem]) -> dict[str, str]:
    """Each item's script (file name -> text). The HTML travels as a JSON string: the
    Python renderer escaped every case string in it, as on the case pages."""
    return {
        item.filename: f"window.cehcourseBankItem({json_for_script(item.key)},{json_for_script(item_html(item, data))});\n"
        for item in items
    }


def version(script: str) -> str:
    """A short content hash for the item's URL, so a browser never keeps a stale copy."""
    return hashlib.sha256(script.encode("utf-8")).hexdigest()[:10]


def bank_index(
    data: CourseData, items: list[BankItem], scripts: dict[str, str], items_url: str, page_link: Callable[[Case], str]
) -> str:
    """The JSON the bank page draws sets from."""
    cases = list(dict.fromkeys(item.case.id for item in items))
    payload = {
        "itemsUrl": items_url,
        "items": [
            {"k": item.key, "h": item.question.content_hash(), "c": cases.index(item.case.id),
             "o": item.case.objectives_of(item.question), "v": version(scripts[item.filename])}
            for item in items
        ],
        "cases": [
            {"id": case_id, "title": data.cases[case_id].title, "url": page_link(data.cases[case_id]),
             "chapters": data.cases[case_id].chapters}
            for case_id in cases
        ],
        "chapters": {slug: chapter.title for slug, chapter in data.catalogue.chapters.items()},
        "objectives": {
            f"{slug}/{objective.id}": objective.text
            for slug, chapter in data.catalogue.chapters.items() for objective in chapter.objectives
        },
    }
    return f'<script type="application/json" id="bank-index">{json_for_script(payload)}</script>'


def bank_page(
    data: CourseData, items: list[BankItem], scripts: dict[str, str], items_url: str, page_link: Callable[[Case], str]
) -> str:
    """The bank's controls (bank.js fills in the set) and its index."""
    chapters = "".join(
        f'<div class="bank-check"><input type="checkbox" id="bank-chapter-{slug}" name="chapters" value="{slug}">'
        f'<label for="bank-chapter-{slug}">{escape(chapter.title)}</label></div>'
        for slug, chapter in data.catalogue.chapters.items()
    )
    modes = "".join(
        f'<div class="bank-check"><input type="radio" id="bank-mode-{mode}" name="mode" value="{mode}"{" checked" if mode == "practice" else ""}>'
        f'<label for="bank-mode-{mode}">{label}</label></div>'
        for mode, label in (
            ("practice", "<strong>Practice</strong>: feedback after each question"),
            ("exam", "<strong>Exam</strong>: feedback and results at the end, with an optional time limit"),
            ("review", "<strong>Review</strong>: questions you missed on a first try, back after 1 day, "
                       "then 3, 7, 14 and 30 days while you keep getting them right"),
        )
    )
    sizes = "".join(f'<option value="{n}"{" selected" if n == 10 else ""}>{n}</option>' for n in (5, 10, 20, 40))
    total = len(items)
    setup = (
        '<details class="bank-options" open><summary>Set options: mode, size, chapters, time limit</summary>'
        '<form class="bank-setup">'
        f'<fieldset><legend>Mode</legend>{modes}</fieldset>'
        '<div class="bank-field"><label for="bank-size">Questions in the set</label> '
        f'<select id="bank-size" name="n">{sizes}<option value="all">all ({total})</option></select></div>'
        f'<fieldset><legend>Chapters (tick none for all)</legend>{chapters}</fieldset>'
        '<div class="bank-field"><label for="bank-timer">Exam time limit in minutes (0: none)</label> '
        '<input type="number" id="bank-timer" name="timer" min="0" max="300" step="1" value="0" inputmode="numeric"></div>'
        '<div class="bank-check"><input type="checkbox" id="bank-shuffle" name="shuffle" value="1" checked>'
        '<label for="bank-shuffle">Shuffle the answer options</label></div>'
        '<button type="submit" class="bank-start">Start a new set</button>'
        "</form></details>"
    )
    session = (
        '<div class="bank-session" hidden>'
        '<h2 class="bank-title" id="bank-set" tabindex="-1">Your set</h2>'
        '<p class="bank-filter"></p>'
        '<p class="bank-status" role="status" aria-live="polite"></p>'
        '<p class="bank-timer-left" hidden></p><p class="bank-timer-alert" role="status" aria-live="polite"></p>'
        '<p class="bank-share">Link to this set (the same questions for anyone who opens it): '
        '<a class="bank-link" href="#">this set</a></p>'
        '<div class="bank-results" hidden><h2 class="bank-results-title" id="bank-results" tabindex="-1">Results</h2>'
        '<p class="bank-results-score"></p>'
        '<div class="table-wrapper"><table class="table bank-results-objectives"><caption>Results by learning objective</caption>'
        '<thead><tr><th scope="col">Objective</th><th scope="col">Score</th></tr></thead><tbody></tbody></table></div></div>'
        '<ol class="bank-items"></ol>'
        '<button type="button" class="bank-finish" hidden>Finish the exam and see the results</button>'
        '<button type="button" class="bank-new">New set with the same options</button>'
        "</div>"
    )
    return (
        f'<div class="bank" hidden>{setup}{session}</div>'
        "<noscript><p>The question bank needs JavaScript. Every question is also on its case page "
        "in the case library, and in the answer key.</p></noscript>"
        f"{bank_index(data, items, scripts, items_url, page_link)}"
    )
