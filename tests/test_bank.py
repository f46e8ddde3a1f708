"""The question bank as a student and an instructor use it, on a 390 px phone: seeded
practice sets with a running score, an exam that holds its feedback (with a time limit),
spaced review on a controllable clock, shuffled options that keep saved progress valid,
and sets assigned by link."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from conftest import run_axe

BANK = "book/practice.html"
STORE_KEY = "cehcourse.progress.v1"
# A learner id fixes the per-student option order, so the shuffle test is repeatable.
LEARNER = "0123456789abcdef"
T0 = dt.datetime(2026, 11, 28, 9, 0)


def open_set(page, query: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}/{BANK}{query}")
    page.wait_for_function("() => /question|Nothing|No question/.test(document.querySelector('.bank-status').textContent)"
                           " && !document.querySelector('.bank-status').textContent.startsWith('Loading')")


def bank_index(page) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return json.loads(page.evaluate("() => document.getElementById('bank-index').textContent"))


def set_keys(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(".bank-item [data-bank-item]", "els => els.map(e => e.dataset.bankItem)")


def grading(item) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    data = json.loads(item.locator("script.vignette-data").text_content())
    return next(iter(data["questions"].values()))


def answer(item, right: bool) -> None:  # type: ignore[no-untyped-def]
    """Answer one bank item by tapping and typing on what is shown, rightly or wrongly."""
    q = grading(item)
    if q["kind"] in ("single", "multiple"):
        options = item.locator(".vignette-option input").evaluate_all("els => els.map(e => Number(e.value))")
        wrong = [i for i in options if i not in q["correct"]]
        for index in (q["correct"] if right else wrong[:1]):
            item.locator(f'.vignette-option input[value="{index}"] + label').tap()
    elif q["kind"] == "numeric":
        item.locator("input[type=number]").fill(str(q["value"] if right else q["value"] + 10 * q["tolerance"] + 1000))
    else:
        steps = q["steps"] if right else list(reversed(q["steps"]))
        if not right and steps == q["steps"]:
            steps = steps[1:] + steps[:1]
        menus = item.locator("select[data-item]")
        for position, step in enumerate(steps):
            menus.nth(position).select_option(str(step))
    item.locator(".vignette-check").tap()


def test_practice_sets_are_seeded_scored_and_renewable(phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    open_set(page, "?mode=practice&n=5&seed=4242")
    first_draw = set_keys(page)
    assert len(first_draw) == 5 and len(set(first_draw)) == 5
    assert page.inner_text(".bank-status") == "5 questions in this set."
    open_set(page, "?mode=practice&n=5&seed=4242")
    assert set_keys(page) == first_draw  # the same link, the same set

    items = page.locator(".bank-item")
    answer(items.nth(0), right=True)
    assert page.inner_text(".bank-status") == "Set score: 1 correct of 1 answered (5 questions)."
    assert items.nth(0).locator(".vignette-feedback").inner_text().startswith("✓ Correct.") or \
        items.nth(0).locator(".vignette-feedback .vignette-verdict").inner_text() == "Correct."
    answer(items.nth(1), right=False)
    assert page.inner_text(".bank-status") == "Set score: 1 correct of 2 answered (5 questions)."
    # A second try is practice: the set's score keeps the first.
    answer(items.nth(1), right=True)
    assert page.inner_text(".bank-status") == "Set score: 1 correct of 2 answered (5 questions)."
    assert "First try: incorrect" in items.nth(1).locator(".vignette-attempts").inner_text()

    page.get_by_role("button", name="New set with the same options").tap()
    page.wait_for_function("() => document.querySelector('.bank-status').textContent === '5 questions in this set.'")
    seed = parse_qs(urlparse(page.url).query)["seed"][0]
    assert seed != "4242" and set_keys(page) != first_draw
    assert page.get_attribute(".bank-link", "href").endswith(f"seed={seed}")
    assert not page.problems.all(), page.problems.all()


def test_answers_in_the_bank_count_for_their_case(phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    open_set(page, "?mode=practice&n=1&cases=classic-ceh&seed=1")
    key = set_keys(page)[0]
    answer(page.locator(".bank-item").first, right=True)
    page.goto(f"{page.base_url}/book/cases.html")
    assert page.inner_text('[data-progress-case="classic-ceh"]') == "In progress: 1 of 6 answered, 1 correct first time"
    case_id, qid = key.split("/")
    page.goto(f"{page.base_url}/book/cases/{case_id}.html")
    # Restored as answered (in a later stage it stays folded until the earlier ones are done).
    page.wait_for_selector(f"#vg-{qid} .vignette-feedback.is-correct", state="attached")


def test_exam_holds_feedback_then_gives_results_by_objective(phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    open_set(page, "?mode=exam&n=3&seed=99")
    index = bank_index(page)
    items = page.locator(".bank-item")
    assert page.get_by_role("button", name="Save answer").count() == 3
    answer(items.nth(0), right=True)
    answer(items.nth(1), right=False)
    for n in (0, 1):
        feedback = items.nth(n).locator(".vignette-feedback").inner_text()
        assert feedback.startswith("Answer saved."), feedback
        assert items.nth(n).locator(".vignette-mark").count() == 0
        assert not items.nth(n).locator("details.vignette-answer").is_visible()
    assert page.inner_text(".bank-status") == "2 of 3 questions answered. Feedback comes when you finish."

    page.get_by_role("button", name="Finish the exam and see the results").tap()
    assert page.inner_text(".bank-results-score") == \
        "You scored 1 of 3 (1 not answered). Each question below now shows its feedback."
    assert page.evaluate("() => document.activeElement.id") == "bank-results"
    assert items.nth(0).locator(".vignette-feedback .vignette-verdict").inner_text() == "Correct."
    assert items.nth(1).locator(".vignette-feedback .vignette-verdict").inner_text() == "Incorrect."
    assert items.nth(2).locator(".vignette-feedback .vignette-verdict").inner_text() == "Not answered."
    assert items.nth(2).locator("details.vignette-answer").is_visible()

    # The results table, from the index: each objective of each question's case.
    objectives = {item["k"]: item["o"] for item in index["items"]}
    expected: dict[str, list[int]] = {}
    for key, right in zip(set_keys(page), (1, 0, 0)):
        for tag in objectives[key]:
            expected.setdefault(index["objectives"][tag], [0, 0])
            expected[index["objectives"][tag]][0] += right
            expected[index["objectives"][tag]][1] += 1
    rows = page.eval_on_selector_all(".bank-results tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    assert {text: score for text, score in rows} == {text: f"{r} of {t} correct" for text, (r, t) in expected.items()}
    # Graded answers are saved as first tries: the missed one is scheduled for review.
    store = json.loads(page.evaluate("key => localStorage.getItem(key)", STORE_KEY))
    keys = set_keys(page)
    assert list(store["review"]) == [keys[1]]
    assert run_axe(page) == []
    assert not page.problems.all(), page.problems.all()


def test_exam_time_limit_finishes_the_exam(phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    # The page's clock moves only when the test moves it; its timers run as usual, so the
    # countdown redraws within a second of each move. (Installed, the clock also ran in real
    # time: on a busy machine the seconds spent answering made 0:59 read 0:58.)
    page.clock.set_fixed_time(T0)
    open_set(page, "?mode=exam&n=2&seed=5&timer=2")
    left, said = page.locator(".bank-timer-left"), page.locator(".bank-timer-alert")
    expect(left).to_have_text("Time left: 2:00")
    answer(page.locator(".bank-item").first, right=True)
    page.clock.set_fixed_time(T0 + dt.timedelta(seconds=60))
    expect(said).to_have_text("1 minute left.")
    page.clock.set_fixed_time(T0 + dt.timedelta(seconds=61))
    expect(left).to_have_text("Time left: 0:59")
    page.clock.set_fixed_time(T0 + dt.timedelta(seconds=121))
    expect(page.locator(".bank-results-score")).to_have_text(
        "Time is up. You scored 1 of 2 (1 not answered). Each question below now shows its feedback.")
    assert page.locator(".bank-item").first.locator("input").first.is_disabled()


def progress_review_line(page) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}/book/progress.html")
    return page.inner_text(".progress-review")


def test_missed_questions_come_back_on_a_leitner_schedule(phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.clock.install(time=T0)
    # Day 0: a first try missed on the case page schedules the question for tomorrow.
    page.goto(f"{page.base_url}/book/cases/classic-ceh.html")
    page.wait_for_selector(".vignette-toolbar:not([hidden])")
    answer_case_question(page.locator("#vg-classic-first-feature"), right=False)
    assert progress_review_line(page) == "No questions due for review today; 1 scheduled, the next on 2026-11-29."
    open_set(page, "?mode=review")
    assert page.inner_text(".bank-status").startswith("Nothing is due for review today.")

    def review_on(day: int, right: bool) -> None:
        page.clock.set_fixed_time(T0 + dt.timedelta(days=day))
        assert progress_review_line(page).startswith("1 question due for review today.")
        page.get_by_role("link", name="Start today's review").tap()
        page.wait_for_selector(".bank-item fieldset")
        assert set_keys(page) == ["classic-ceh/classic-first-feature"]
        answer(page.locator(".bank-item").first, right=right)

    def not_due_on(day: int, next_day: str) -> None:
        page.clock.set_fixed_time(T0 + dt.timedelta(days=day))
        assert progress_review_line(page) == f"No questions due for review today; 1 scheduled, the next on {next_day}."

    review_on(1, right=True)        # box 2: back in 3 days
    assert page.inner_text(".bank-status") == ("Set score: 1 correct of 1 answered (1 question). "
                                               "Review done. Next review: 2026-12-02 (1 question).")
    not_due_on(3, "2026-12-02")
    review_on(4, right=True)        # box 3: back in 7 days
    not_due_on(10, "2026-12-09")
    review_on(11, right=False)      # a miss: back to box 1, tomorrow
    not_due_on(11, "2026-12-10")
    review_on(12, right=True)
    assert not page.problems.all(), page.problems.all()


def answer_case_question(fieldset, right: bool) -> None:  # type: ignore[no-untyped-def]
    block = fieldset.locator("xpath=ancestor::section[@data-vignette]")
    data = json.loads(block.locator("script.vignette-data").text_content())
    q = data["questions"][fieldset.get_attribute("data-question")]
    options = fieldset.locator(".vignette-option input").evaluate_all("els => els.map(e => Number(e.value))")
    pick = q["correct"][0] if right else next(i for i in options if i not in q["correct"])
    fieldset.locator(f'.vignette-option input[value="{pick}"] + label').tap()
    fieldset.locator(".vignette-check").tap()


def shuffled_item(page, query: str, kind: str, wanted: Callable[[Any, list[int]], bool]) -> tuple[Any, list[int]] | None:  # type: ignore[no-untyped-def]
    """As the fixed learner LEARNER, open the set *query* and return the first item of *kind*
    whose shown option order (the options' ids, top to bottom) is *wanted*, with that order."""
    page.goto(f"{page.base_url}/index.html")
    page.evaluate("([key, learner]) => localStorage.setItem(key, JSON.stringify({version: 1, learner, cases: {}}))",
                  [STORE_KEY, LEARNER])
    open_set(page, query)
    for n in range(page.locator(".bank-item").count()):
        item = page.locator(".bank-item").nth(n)
        if item.locator("fieldset").get_attribute("data-kind") != kind:
            continue
        order = item.locator(".vignette-option input").evaluate_all("els => els.map(e => Number(e.value))")
        if wanted(item, order):
            return item, order
    return None


def test_shuffled_options_keep_saved_progress_valid(phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    # A single-answer question whose options this learner sees in another order.
    shuffled = shuffled_item(page, "?mode=practice&n=all&cases=classic-ceh&seed=3", "single",
                             lambda item, order: order != sorted(order))
    assert shuffled is not None, "no single-answer question was shuffled for this learner"
    item, order = shuffled
    letters = item.locator(".vignette-option .vignette-letter").all_inner_texts()
    assert letters == [f"{'ABCDEFGH'[i]}." for i in range(len(order))]  # relabelled in the shown order
    q = grading(item)
    right_index = q["correct"][0]
    shown_letter = "ABCDEFGH"[order.index(right_index)]
    option_text = item.locator(f'.vignette-option input[value="{right_index}"] + label').inner_text()
    wrong_index = next(i for i in order if i != right_index)
    item.locator(f'.vignette-option input[value="{wrong_index}"] + label').tap()
    item.locator(".vignette-check").tap()
    feedback = item.locator(".vignette-feedback").inner_text()
    assert f"The answer is {shown_letter}." in feedback
    assert f"You chose {'ABCDEFGH'[order.index(wrong_index)]}." in feedback
    # The worked answer follows the shown order too.
    assert item.locator(".vignette-answer p").first.text_content() == f"Answer: {shown_letter}"

    # The stored answer names the option, not the position: the case page restores it.
    qid = item.locator("fieldset").get_attribute("data-question")
    store = json.loads(page.evaluate("key => localStorage.getItem(key)", STORE_KEY))
    assert store["cases"]["classic-ceh"][qid]["a"] == [wrong_index]
    page.goto(f"{page.base_url}/book/cases/classic-ceh.html")
    page.wait_for_selector(f"#vg-{qid} .vignette-feedback.is-incorrect", state="attached")
    assert page.is_checked(f"#vg-{qid}-{wrong_index}")
    assert page.text_content(f'#vg-{qid} label[for="vg-{qid}-{right_index}"]').startswith("ABCDEFGH"[right_index] + ". " + option_text.split(". ", 1)[1])
    assert f"The answer is {'ABCDEFGH'[right_index]}." in page.text_content(f"#vg-{qid} .vignette-feedback")
    # shuffle=0 keeps the answer key's order, for discussing a set in class.
    open_set(page, f"?mode=practice&n=all&cases=classic-ceh&seed=3&shuffle=0")
    for n in range(page.locator(".bank-item").count()):
        values = page.locator(".bank-item").nth(n).locator(".vignette-option input").evaluate_all("els => els.map(e => Number(e.value))")
        assert values == sorted(values)
    assert not page.problems.all(), page.problems.all()


def test_shuffled_letters_are_named_in_alphabetical_order(phone) -> None:  # type: ignore[no-untyped-def]
    """With a multiple-answer question's options shuffled, the worked answer and the
    feedback name the letters the student sees in alphabetical order ("Answer: A, B, D",
    then "You missed B." before "You missed D."), not in the answer key's order."""
    page = phone

    def keyed_out_of_order(item: Any, order: list[int]) -> bool:
        keyed = [order.index(i) for i in grading(item)["correct"]]
        return len(keyed) >= 2 and keyed != sorted(keyed)

    # A question with two or more keyed options whose shown letters are out of key order.
    found = shuffled_item(page, "?mode=practice&n=all&seed=3", "multiple", keyed_out_of_order)
    assert found is not None, "no multiple-answer question had its keyed options shuffled out of order"
    item, order = found
    q = grading(item)
    shown = sorted("ABCDEFGH"[order.index(i)] for i in q["correct"])
    assert item.locator(".vignette-answer p").first.text_content() == "Answer: " + ", ".join(shown)
    # A wrong option only: every keyed option is then missed, and each gets a line.
    wrong = next(i for i in order if i not in q["correct"])
    item.locator(f'.vignette-option input[value="{wrong}"] + label').tap()
    item.locator(".vignette-check").tap()
    lines = re.findall(r"You missed ([A-H])\.", item.locator(".vignette-feedback").inner_text())
    assert lines == shown, f"missed options named {lines}, shown letters {shown}"
    assert not page.problems.all(), page.problems.all()


def test_a_link_assigns_a_set_by_objective_chapter_and_case(phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    open_set(page, "?mode=practice&n=all")
    index = bank_index(page)
    cases = {c["id"]: c for c in index["cases"]}
    assert len(set_keys(page)) == len(index["items"])

    tag = "medications/pregabalin-trial"
    open_set(page, f"?mode=practice&n=all&objectives={tag}&seed=8")
    expected = [item["k"] for item in index["items"] if tag in item["o"]]
    assert expected and sorted(set_keys(page)) == sorted(expected)
    assert index["objectives"][tag] in page.inner_text(".bank-filter")

    open_set(page, "?mode=exam&n=5&chapters=procedures&seed=8&timer=15")
    assert all("procedures" in cases[key.split("/")[0]]["chapters"] for key in set_keys(page))
    assert page.is_checked("#bank-chapter-procedures") and page.is_checked("#bank-mode-exam")
    assert page.input_value("#bank-timer") == "15"
    assert page.inner_text(".bank-title") == "Exam: 5 questions from " + index["chapters"]["procedures"]

    # The form makes the same kind of link: choose, start, and the address names the set.
    page.locator(".bank-options summary").tap()
    page.locator('label[for="bank-mode-practice"]').tap()
    page.locator('label[for="bank-chapter-medications"]').tap()
    page.select_option("#bank-size", "20")
    page.get_by_role("button", name="Start a new set").tap()
    page.wait_for_function("() => document.querySelector('.bank-title').textContent.startsWith('Practice set')")
    query = parse_qs(urlparse(page.url).query)
    assert query["mode"] == ["practice"] and query["n"] == ["20"]
    assert query["chapters"] == ["procedures,medications"] or sorted(query["chapters"][0].split(",")) == ["medications", "procedures"]
    assert re.fullmatch(r"\d{1,9}", query["seed"][0])
    assert not page.problems.all(), page.problems.all()


def tab_until(page, condition: str, limit: int = 150) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element meets *condition* (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({condition}); }}"):
            return
    raise AssertionError(f"Tab never reached: {condition}")


def test_bank_keyboard_only_and_accessible(phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    open_set(page, "?mode=exam&n=2&seed=11")
    assert run_axe(page) == []
    # Keyboard only: Tab to the first question's first option, Space, Tab to its button.
    tab_until(page, "el.closest('.bank-item') && el.matches('input, select')")
    page.keyboard.press("Space")
    tab_until(page, "el.classList.contains('vignette-check')")
    page.keyboard.press("Enter")
    first = page.locator(".bank-item").first
    assert first.locator(".vignette-feedback").inner_text().startswith(("Answer saved.", "Give every step"))
    tab_until(page, "el.classList.contains('bank-finish')")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "bank-results"
    assert run_axe(page) == []
    page.evaluate("() => localStorage.setItem('mode', 'dark')")
    page.reload()
    page.wait_for_selector(".bank-item fieldset")
    page.wait_for_timeout(400)  # the theme's colour transitions
    assert run_axe(page) == []
    assert not page.problems.all(), page.problems.all()


def test_a_question_that_cannot_load_is_named_instead_of_loading_for_ever(phone) -> None:  # type: ignore[no-untyped-def]
    """A student offline halfway through, or a file missing from a deploy: the bank says
    which question failed instead of waiting on "Loading" for ever; every question of the
    set was still asked for, and the same link works once the file is back."""
    page = phone
    open_set(page, "?mode=practice&n=5&seed=4242")
    drawn = set_keys(page)
    missing = drawn[2]
    missing_file = missing.replace("/", ".")  # as bank.js names a question's script
    blocked = f"**/_static/bank/{missing_file}.js*"
    page.route(blocked, lambda route: route.fulfill(status=404, body=""))
    answered: list[int] = []
    page.on("response", lambda response: answered.append(response.status) if "/_static/bank/" in response.url else None)
    page.goto(f"{page.base_url}/{BANK}?mode=practice&n=5&seed=4242")
    status = page.locator(".bank-status")
    expect(status).to_have_text(re.compile(r"Some questions could not be loaded \(" + re.escape(missing) + r"\)"))
    assert sorted(answered) == [200, 200, 200, 200, 404]
    assert set_keys(page) == []  # no half set: the status line says what to do
    assert page.locator(".bank-items").get_attribute("aria-busy") is None
    # Nothing else went wrong: the browser's report of the 404 and the bank's own line.
    assert sorted(page.problems.console_errors) == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)",
        f"cehcourse: question bank items did not load: {missing}",
    ]
    assert len(page.problems.failed_requests) == 1 and missing_file in page.problems.failed_requests[0]
    page.unroute(blocked)
    open_set(page, "?mode=practice&n=5&seed=4242")
    assert set_keys(page) == drawn
