"""The case library as a whole: enough cases and questions of every kind, every chapter
served, every case placed in the book and linked from the chapters it serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from cehcourse.course import load_course

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT)
LIBRARY = COURSE.library_cases()
QUESTIONS = [q for case in LIBRARY for _, q in case.questions()]


def test_library_size() -> None:
    assert len(LIBRARY) >= 12
    assert len(QUESTIONS) >= 60


def test_every_question_kind_appears_and_numeric_often() -> None:
    kinds = [q.kind for q in QUESTIONS]
    assert {"single", "multiple", "numeric"} <= set(kinds)
    assert kinds.count("numeric") >= 5


@pytest.mark.parametrize("case", LIBRARY, ids=lambda c: c.id)
def test_each_case_unfolds(case) -> None:  # type: ignore[no-untyped-def]
    assert len(case.stages) >= 3, "a case needs at least 3 stages"
    assert len(case.questions()) >= 4, "a case needs at least 4 questions"


def test_every_chapter_is_served_by_a_case() -> None:
    served = {chapter for case in LIBRARY for chapter in case.chapters}
    assert served == set(COURSE.catalogue.chapters), set(COURSE.catalogue.chapters) - served


def test_every_chapter_has_its_own_check() -> None:
    for chapter in COURSE.catalogue.chapters:
        check = COURSE.cases.get(f"check-{chapter}")
        assert check is not None and check.role == "chapter-check", f"no self-check for {chapter}"


def test_case_files_and_pages_match() -> None:
    pages = {p.stem for p in (ROOT / "book" / "cases").glob("*.md")}
    assert pages == {case.id for case in LIBRARY}


@pytest.mark.parametrize("case", LIBRARY, ids=lambda c: c.id)
def test_case_is_linked_from_the_chapters_it_serves(case, site: Path) -> None:  # type: ignore[no-untyped-def]
    for chapter in case.chapters:
        html = (site / "book" / f"{chapter}.html").read_text(encoding="utf-8")
        assert f'href="cases/{case.id}.html"' in html, f"book/{chapter}.html does not link to {case.id}"


def test_case_index_lists_every_case(site: Path) -> None:
    html = (site / "book" / "cases.html").read_text(encoding="utf-8")
    for case in LIBRARY:
        assert f'data-progress-case="{case.id}"' in html and f'href="cases/{case.id}.html"' in html


def test_answer_key_covers_every_question(site: Path) -> None:
    front = (site / "book" / "answer-key.html").read_text(encoding="utf-8")
    # The key's parts, one page per chapter, hold the answers; the front page links to them.
    html = "".join(path.read_text(encoding="utf-8") for path in sorted((site / "book" / "answer-key").glob("*.html")))
    for case in COURSE.cases.values():
        assert f'id="key-{case.id}"' in front and f'id="key-{case.id}"' in html
    assert html.count('class="answer-key-question"') == sum(len(c.questions()) for c in COURSE.cases.values())


def test_question_bank_holds_every_question_of_every_case(site: Path) -> None:
    """Each question has its item script, and the bank's index names it with its hash."""
    import json
    import re

    html = (site / "book" / "practice.html").read_text(encoding="utf-8")
    index = json.loads(re.search(r'<script type="application/json" id="bank-index">(.*?)</script>', html, re.S).group(1))
    listed = {item["k"]: item["h"] for item in index["items"]}
    expected = {f"{case.id}/{q.id}": q.content_hash() for case in COURSE.cases.values() for _, q in case.questions()}
    assert listed == expected
    scripts = {path.name for path in (site / "_static" / "bank").glob("*.js")}
    assert scripts == {key.replace("/", ".") + ".js" for key in expected}


def test_contents_list_cases_in_teaching_order() -> None:
    """Next/previous links walk the cases in the order of the case index."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    library_part = next(part for part in toc["parts"] if part["caption"] == "Cases and practice")
    case_index = next(ch for ch in library_part["chapters"] if ch["file"] == "book/cases")
    listed = [section["file"].removeprefix("book/cases/") for section in case_index["sections"]]
    assert listed == [case.id for case in LIBRARY], "list the cases in _toc.yml in this order"


def test_every_learning_objective_is_practised_by_a_case_or_self_check() -> None:
    tagged = {objective for case in COURSE.cases.values() for objective in case.objectives}
    declared = {
        f"{chapter}/{objective.id}"
        for chapter, entry in COURSE.catalogue.chapters.items()
        for objective in entry.objectives
    }
    assert declared <= tagged, f"objectives no case or self-check practises: {sorted(declared - tagged)}"


def test_every_question_names_what_it_tests_and_every_case_objective_is_tested() -> None:
    """Scores by objective count each question under its own objectives: so every question
    names them, and a case lists only objectives that one of its questions tests."""
    untagged = [q.id for case in COURSE.cases.values() for _, q in case.questions() if not q.objectives]
    assert not untagged, f"questions without objectives: {untagged}"
    for case in COURSE.cases.values():
        tested = {tag for _, q in case.questions() for tag in q.objectives}
        assert set(case.objectives) == tested, f"{case.id}: objectives no question tests: {set(case.objectives) - tested}"


def test_notebook_quiz_comes_from_todays_data_and_engine(site: Path) -> None:
    """The play-the-cases page shows show_case()'s stored output; the build re-renders it,
    so the page holds exactly what the engine makes from the case file now."""
    from cehcourse.render_html import render_case

    page = (site / "exercises" / "play-the-cases.html").read_text(encoding="utf-8")
    assert render_case(COURSE.cases["classic-ceh"], COURSE.bib_path) in page


def test_every_question_kind_is_used_by_at_least_two_cases() -> None:
    from cehcourse.model import KIND_NAMES

    for kind in KIND_NAMES:
        users = [case.id for case in COURSE.cases.values() if any(q.kind == kind for _, q in case.questions())]
        assert len(users) >= 2, f"kind {kind!r} is used by {users}"
