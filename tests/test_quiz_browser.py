"""The static quiz as a student meets it in the built book: answering, unfolding stages,
saved progress, reset, broken storage, no JavaScript, keyboard only,
inert case text and accessibility."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import run_axe

from cehcourse.course import load_course
from cehcourse.model import Case
from cehcourse.render_html import render_case

ROOT = Path(__file__).resolve().parent.parent
CASE_PAGE = "book/cases/classic-ceh.html"
STORE_KEY = "cehcourse.progress.v1"
Q1 = '#vg-classic-first-feature'


def open_case(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}/{CASE_PAGE}")
    page.wait_for_selector(".vignette-toolbar:not([hidden])")


def answer_first_question(page, option: int = 0) -> None:  # type: ignore[no-untyped-def]
    page.check(f"{Q1}-{option}")
    page.click(f"{Q1} .vignette-check")


def finish_first_stage(page, option: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Answer both presentation questions (the flag screen correctly): stage 2 opens."""
    answer_first_question(page, option)
    page.check("#vg-classic-flag-screen-1")
    page.click("#vg-classic-flag-screen .vignette-check")


def stage_visible(page, stage: str) -> bool:  # type: ignore[no-untyped-def]
    return page.is_visible(f'[data-stage="{stage}"]')


def test_answering_gives_feedback_in_words_and_unfolds_the_case(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    assert stage_visible(page, "presentation") and not stage_visible(page, "examination")
    assert page.inner_text(".vignette-score") == "Not started: 6 questions."
    assert not page.is_visible(f"{Q1} details.vignette-answer"), "answers stay hidden until the student answers"
    answer_first_question(page, option=1)
    feedback = page.inner_text(f"{Q1} .vignette-feedback")
    assert feedback.startswith("Incorrect.")
    assert "You chose B." in feedback and "Teaching point:" in feedback
    assert page.get_attribute(f"{Q1} .vignette-feedback", "role") == "status"
    assert page.is_visible(f"{Q1} details.vignette-answer")
    assert page.inner_text(".vignette-score") == "First-try score: 0 correct of 1 answered (6 questions)."
    assert not stage_visible(page, "examination"), "stage 2 waits for every stage-1 question"
    page.check("#vg-classic-flag-screen-1")
    page.click("#vg-classic-flag-screen .vignette-check")
    feedback = page.inner_text("#vg-classic-flag-screen .vignette-feedback")
    assert "The next stage, “Stage 2 of 3: Examination”, is now shown below." in feedback
    assert stage_visible(page, "examination") and not stage_visible(page, "management")
    assert not page.problems.all()


def test_unanswered_check_asks_for_an_answer(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    page.click(f"{Q1} .vignette-check")
    assert page.inner_text(f"{Q1} .vignette-feedback") == "Choose an answer first."
    assert not stage_visible(page, "examination")


def test_answers_are_restored_after_reload(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    finish_first_stage(page, option=0)
    page.reload()
    page.wait_for_selector(".vignette-toolbar:not([hidden])")
    assert page.is_checked(f"{Q1}-0")
    assert page.inner_text(f"{Q1} .vignette-feedback").startswith("Correct.")
    assert stage_visible(page, "examination")
    assert page.inner_text(".vignette-score") == "First-try score: 2 correct of 2 answered (6 questions)."


def test_an_edited_question_starts_fresh(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    answer_first_question(page, option=0)
    page.evaluate(
        """key => { const s = JSON.parse(localStorage.getItem(key));
                    s.cases['classic-ceh']['classic-first-feature'].h = 'oldhash00000';
                    localStorage.setItem(key, JSON.stringify(s)); }""",
        STORE_KEY,
    )
    page.reload()
    page.wait_for_selector(".vignette-toolbar:not([hidden])")
    assert not page.is_checked(f"{Q1}-0")
    assert page.inner_text(f"{Q1} .vignette-feedback") == ""


def test_reset_clears_the_case_and_its_saved_answers(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    answer_first_question(page, option=0)
    page.click(".vignette-reset")
    assert not page.is_checked(f"{Q1}-0")
    assert page.inner_text(f"{Q1} .vignette-feedback") == ""
    assert not stage_visible(page, "examination")
    assert page.inner_text(".vignette-score").startswith("Case reset.")
    page.reload()
    page.wait_for_selector(".vignette-toolbar:not([hidden])")
    assert not page.is_checked(f"{Q1}-0")


def test_corrupted_storage_never_breaks_the_quiz(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}/{CASE_PAGE}")
    page.evaluate("key => localStorage.setItem(key, '{not json')", STORE_KEY)
    page.reload()
    page.wait_for_selector(".vignette-toolbar:not([hidden])")
    answer_first_question(page, option=0)
    assert page.inner_text(f"{Q1} .vignette-feedback").startswith("Correct.")
    saved = json.loads(page.evaluate("key => localStorage.getItem(key)", STORE_KEY))
    assert saved["cases"]["classic-ceh"]["classic-first-feature"]["c"] is True
    assert not page.problems.all(), page.problems.all()


def quiz_script_errors(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Errors raised or logged by the quiz script. (The theme's own script also reads
    localStorage; its reaction to blocked storage is the theme's, not the quiz's.)"""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(error.stack or str(error)) if "vignette.js" in (error.stack or "") else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "vignette.js" in m.location.get("url", "") else None)
    return errors


def test_blocked_storage_never_breaks_the_quiz_or_logs(page) -> None:  # type: ignore[no-untyped-def]
    errors = quiz_script_errors(page)
    page.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('blocked', 'SecurityError'); }});"
    )
    open_case(page)
    finish_first_stage(page, option=0)
    assert page.inner_text(f"{Q1} .vignette-feedback").startswith("Correct.")
    assert stage_visible(page, "examination")
    assert errors == []


def test_full_storage_never_breaks_the_quiz_or_logs(page) -> None:  # type: ignore[no-untyped-def]
    errors = quiz_script_errors(page)
    page.add_init_script(
        "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };"
    )
    open_case(page)
    answer_first_question(page, option=1)
    assert page.inner_text(f"{Q1} .vignette-feedback").startswith("Incorrect.")
    assert errors == []


def test_case_index_shows_progress(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    answer_first_question(page, option=1)
    page.goto(f"{page.base_url}/book/cases.html")
    assert page.inner_text('td[data-progress-case="classic-ceh"]') == "In progress: 1 of 6 answered, 0 correct first time"


def test_without_javascript_questions_read_with_answers_in_details(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/{CASE_PAGE}")
    for stage in ("presentation", "examination", "management"):
        assert page.is_visible(f'[data-stage="{stage}"]')
    assert not page.is_visible(".vignette-check"), "a Check button that cannot work stays hidden"
    page.click(f"{Q1} details summary")
    assert "Correct option" in page.inner_text(f"{Q1} details")
    assert "Teaching point:" in page.inner_text(f"{Q1} details")
    context.close()


def tab_to(page, target: str, within: str = "") -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element with id *target* has focus, or, with *within*, until the
    Check button of the question with that id has it."""
    for _ in range(20):
        page.keyboard.press("Tab")
        here = page.evaluate(
            "() => [document.activeElement.id, document.activeElement.className,"
            " (document.activeElement.closest('fieldset') || {}).id || '']"
        )
        if (not within and here[0] == target) or (within and here[1] == "vignette-check" and here[2] == within):
            return
    raise AssertionError(f"Tab never reached {target or 'the Check button of ' + within}")


def test_keyboard_only_path(page) -> None:  # type: ignore[no-untyped-def]
    """The whole case, played with the keyboard alone: arrows choose, Space ticks, Tab
    moves on, Enter or Space on the Check button checks, Enter in a number field checks."""
    open_case(page)
    page.focus(f"{Q1}-0")
    page.keyboard.press("ArrowDown")  # moves the radio selection to B
    assert page.is_checked(f"{Q1}-1")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "vignette-check"
    page.keyboard.press("Enter")
    assert page.inner_text(f"{Q1} .vignette-feedback").startswith("Incorrect.")
    assert page.evaluate("() => document.activeElement.className") == "vignette-check", "focus stays on the button"
    # The next question of the stage: an arrow key chooses, Space on the button checks.
    tab_to(page, "vg-classic-flag-screen-0")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#vg-classic-flag-screen-1")
    tab_to(page, "", within="vg-classic-flag-screen")
    page.keyboard.press("Space")
    assert page.inner_text("#vg-classic-flag-screen .vignette-feedback").startswith("Correct.")
    # The stage that opened is reachable by Tab; Space picks the focused radio button.
    tab_to(page, "vg-classic-frt-reading-0")
    page.keyboard.press("Space")
    assert page.is_checked("#vg-classic-frt-reading-0")
    tab_to(page, "", within="vg-classic-frt-reading")
    page.keyboard.press("Enter")
    assert page.inner_text("#vg-classic-frt-reading .vignette-feedback").startswith("Correct.")
    # Checkboxes tick with Space.
    for option in (0, 1):
        tab_to(page, f"vg-classic-ichd-criteria-{option}")
        page.keyboard.press("Space")
    assert page.is_checked("#vg-classic-ichd-criteria-0") and page.is_checked("#vg-classic-ichd-criteria-1")
    tab_to(page, "", within="vg-classic-ichd-criteria")
    page.keyboard.press("Enter")
    assert page.inner_text("#vg-classic-ichd-criteria .vignette-feedback").startswith("Correct.")
    tab_to(page, "vg-classic-first-line-0")
    page.keyboard.press("Space")
    tab_to(page, "", within="vg-classic-first-line")
    page.keyboard.press("Enter")
    # A numeric answer submitted with Enter.
    tab_to(page, "vg-classic-diary-responder-value")
    page.keyboard.type("6")
    page.keyboard.press("Enter")
    assert page.inner_text("#vg-classic-diary-responder .vignette-feedback").startswith("Correct.")
    assert page.inner_text(".vignette-score") == "First-try score: 5 correct of 6 answered (6 questions)."


def test_no_accessibility_violations_with_feedback_showing(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    answer_first_question(page, option=1)
    assert run_axe(page) == []
    # Dark mode as a reader picks it; the saved answer brings its feedback back.
    page.evaluate("() => localStorage.setItem('mode', 'dark')")
    page.reload()
    page.wait_for_selector(f"{Q1} .vignette-feedback.is-incorrect")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    page.wait_for_timeout(400)  # the theme's colour transitions
    assert run_axe(page) == []


def hostile_case() -> Case:
    base = load_course(ROOT).cases["classic-ceh"]
    evil = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> [link](javascript:window.__pwned=3)"
    first = base.stages[0].questions[0]
    option = first.options[0].model_copy(update={"text": evil, "explanation": evil})  # type: ignore[union-attr]
    question = first.model_copy(update={"stem": evil, "options": [option, *first.options[1:]]})  # type: ignore[union-attr]
    stage = base.stages[0].model_copy(update={"narrative": evil, "title": evil, "questions": [question]})
    return base.model_copy(update={"title": evil, "stages": [stage]})


def test_case_text_with_markup_renders_inert(page) -> None:  # type: ignore[no-untyped-def]
    markup = render_case(hostile_case(), ROOT / "references.bib")
    script = (ROOT / "src" / "cehcourse" / "static" / "vignette.js").read_text()
    page.goto(f"{page.base_url}/index.html")
    page.set_content(f"<!doctype html><html lang=en><body><main>{markup}</main><script>{script}</script></body></html>")
    page.check("#vg-classic-first-feature-0")
    page.click("#vg-classic-first-feature .vignette-check")
    page.click("#vg-classic-first-feature details summary")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("main img").count() == 0
    assert page.locator("main a[href^='javascript']").count() == 0
    assert "<script>window.__pwned = 1</script>" in page.inner_text("main .vignette-title")


def test_chapter_case_list_shows_progress(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    answer_first_question(page, option=0)
    page.goto(f"{page.base_url}/book/what-is-ceh.html")
    assert page.inner_text('.chapter-cases [data-progress-case="classic-ceh"]') == "In progress: 1 of 6 answered, 1 correct first time"
    assert not page.problems.all(), page.problems.all()


def test_the_first_try_counts_and_later_tries_are_practice(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    answer_first_question(page, option=1)
    answer_first_question(page, option=0)
    assert page.inner_text(f"{Q1} .vignette-feedback").startswith("Correct.")
    note = "First try: incorrect; this try: correct. Your score counts the first try."
    assert page.inner_text(f"{Q1} .vignette-attempts") == note
    assert page.inner_text(".vignette-score") == "First-try score: 0 correct of 1 answered (6 questions)."
    saved = json.loads(page.evaluate("key => localStorage.getItem(key)", STORE_KEY))
    entry = saved["cases"]["classic-ceh"]["classic-first-feature"]
    assert (entry["a"], entry["c"], entry["t"], entry["f"]) == ([0], True, [1], False)
    assert re.fullmatch(r"[0-9a-f]{16}", saved["learner"]), "an anonymous learner id for class reports"
    page.reload()
    page.wait_for_selector(".vignette-toolbar:not([hidden])")
    assert page.is_checked(f"{Q1}-0")
    assert page.inner_text(f"{Q1} .vignette-attempts").startswith("First try: incorrect; later: correct.")
    assert page.inner_text(".vignette-score") == "First-try score: 0 correct of 1 answered (6 questions)."
    assert not page.problems.all(), page.problems.all()


def test_checked_options_are_marked_in_place_in_words(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    answer_first_question(page, option=1)
    assert page.inner_text(f"label[for='{Q1[1:]}-1'] .vignette-mark") == "✗ Your answer: incorrect"
    assert page.inner_text(f"label[for='{Q1[1:]}-0'] .vignette-mark") == "✓ Correct answer"
    assert page.locator(f"{Q1} .vignette-mark").count() == 2, "other options stay unmarked"
    assert "The answer is A." in page.inner_text(f"{Q1} .vignette-feedback"), "a miss names the right option"
    answer_first_question(page, option=0)
    assert page.inner_text(f"label[for='{Q1[1:]}-0'] .vignette-mark") == "✓ Your answer: correct"
    assert page.locator(f"{Q1} .vignette-mark").count() == 1
    page.click(".vignette-reset")
    assert page.locator(f"{Q1} .vignette-mark").count() == 0


def test_end_of_case_summary_lists_what_to_review_and_the_next_case(page) -> None:  # type: ignore[no-untyped-def]
    open_case(page)
    assert not page.is_visible(".vignette-summary")
    answer_first_question(page, option=1)  # wrong first try, then right
    answer_first_question(page, option=0)
    for qid, option in (("classic-flag-screen", 1), ("classic-frt-reading", 0), ("classic-first-line", 0)):
        if qid == "classic-first-line":
            for box in (0, 1):
                page.check(f"#vg-classic-ichd-criteria-{box}")
            page.click("#vg-classic-ichd-criteria .vignette-check")
        page.check(f"#vg-{qid}-{option}")
        page.click(f"#vg-{qid} .vignette-check")
        assert not page.is_visible(".vignette-summary"), "the summary waits for the last question"
    page.fill("#vg-classic-diary-responder-value", "6")
    page.click("#vg-classic-diary-responder .vignette-check")
    summary = page.locator(".vignette-summary")
    assert summary.is_visible()
    assert page.inner_text(".vignette-summary-score") == "First try: 5 of 6 correct."
    review = summary.locator(".vignette-summary-review a")
    assert review.count() == 1 and review.get_attribute("href") == "#vg-classic-first-feature"
    # Each objective is met when every question testing it was right first time.
    case = load_course(ROOT).cases["classic-ceh"]
    shown = dict(summary.locator(".vignette-summary-objectives li").evaluate_all(
        "items => items.map(li => [li.dataset.objective, li.querySelector('.vignette-objective-result').textContent])"))
    assert list(shown) == case.objectives
    for tag in case.objectives:
        testing = [q.id for _, q in case.questions() if tag in case.objectives_of(q)]
        right = len([qid for qid in testing if qid != "classic-first-feature"])
        verdict = " ✓ Met: " if right == len(testing) else " ✗ To review: "
        assert shown[tag] == f"{verdict}{right} of {len(testing)} right first time.", tag
    next_case = summary.get_by_role("link", name=re.compile(r"^Next case: "))
    assert next_case.get_attribute("href") == "hemicrania-continua.html"
    next_case.click()
    assert page.url.endswith("/book/cases/hemicrania-continua.html")
    # The case library says the case is finished, with its first-try score.
    page.goto(f"{page.base_url}/book/cases.html")
    assert page.inner_text('td[data-progress-case="classic-ceh"]') == "Done: 5 of 6 correct first time"
    assert not page.problems.all(), page.problems.all()


def test_progress_dashboard_totals_objectives_and_where_to_continue(page) -> None:  # type: ignore[no-untyped-def]
    course = load_course(ROOT)
    total = sum(len(case.questions()) for case in course.cases.values())
    page.goto(f"{page.base_url}/book/progress.html")
    assert page.inner_text(".progress-overall") == f"You have not answered any of the {total} questions yet."
    open_case(page)
    answer_first_question(page, option=1)  # wrong on the first try
    page.check("#vg-classic-flag-screen-1")
    page.click("#vg-classic-flag-screen .vignette-check")  # right
    page.goto(f"{page.base_url}/book/progress.html")
    assert page.inner_text(".progress-overall") == f"2 of {total} questions answered; 1 right on the first try (50%)."
    resume = page.locator(".progress-continue a")
    assert resume.inner_text() == course.cases["classic-ceh"].title
    assert resume.get_attribute("href") == "cases/classic-ceh.html"
    rows = page.locator(".progress-objectives tbody tr")
    catalogue = course.catalogue.chapters
    assert rows.count() == sum(len(chapter.objectives) for chapter in catalogue.values())
    # Each answer counts under the objectives its own question tests.
    case = course.cases["classic-ceh"]
    questions = {q.id: q for _, q in case.questions()}
    expected: dict[str, list[int]] = {}
    for qid, right in (("classic-first-feature", 0), ("classic-flag-screen", 1)):
        for tag in case.objectives_of(questions[qid]):
            score = expected.setdefault(course.catalogue.objective(tag).text, [0, 0])  # type: ignore[union-attr]
            score[0] += right
            score[1] += 1
    shown = {
        cells[0]: cells[2]
        for cells in rows.evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.textContent))")
        if not cells[2].startswith("Not tried")
    }
    assert shown == {text: f"{r} of {n} right first time ({round(100 * r / n)}%)" for text, (r, n) in expected.items()}
    weakest = min(expected.values(), key=lambda score: score[0] / score[1])
    top = rows.first.locator("td")
    assert top.nth(2).inner_text() == f"{weakest[0]} of {weakest[1]} right first time ({round(100 * weakest[0] / weakest[1])}%)"
    missed = [text for text, (r, n) in expected.items() if r < n]
    assert any(text in page.inner_text(".progress-next") for text in missed), "a missed objective is suggested for study"
    practise = page.locator(".progress-next a", has_text="Practise its questions").first
    tag = next(tag for _, q in case.questions() for tag in case.objectives_of(q)
               if course.catalogue.objective(tag).text in page.inner_text(".progress-next li:first-child"))  # type: ignore[union-attr]
    assert practise.get_attribute("href") == f"practice.html?mode=practice&n=all&objectives={tag}"
    assert page.inner_text('[data-progress-case="check-assessment"]') == "Not started", "self-checks are listed too"
    assert not page.problems.all(), page.problems.all()
