"""The live ipywidgets quiz, driven as a student would: set values, click, read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cehcourse import show_case
from cehcourse.widget import CaseQuiz, QuestionView

ROOT = Path(__file__).resolve().parent.parent


def quiz() -> CaseQuiz:
    return show_case("classic-ceh", ROOT)


def choice(view: QuestionView) -> Any:
    """A single-answer question's radio buttons."""
    return view.inputs.widgets[0]


def boxes(view: QuestionView) -> list[Any]:
    """A multiple-answer question's checkboxes (after the "Select all that apply" line)."""
    return view.inputs.widgets[1:]


def number(view: QuestionView) -> Any:
    return view.inputs.widgets[0]


def test_only_the_first_stage_shows_at_first() -> None:
    assert quiz().visible_stages() == ["presentation"]


def test_check_answer_gives_feedback_and_reveals_the_next_stage() -> None:
    q = quiz()
    view = q.views["classic-first-feature"]
    choice(view).value = 1
    view.check.click()
    assert "Incorrect." in view.feedback.value
    assert "You chose B." in view.feedback.value
    assert "Partly right. Side-locked pain is part of the study group" in view.feedback.value
    assert "Teaching point:" in view.feedback.value
    assert "First-try score: 0 correct of 1 answered (6 questions)." in q.score.value
    # The next stage waits until every question of this one is answered.
    assert q.visible_stages() == ["presentation"]
    choice(q.views["classic-flag-screen"]).value = 1
    q.views["classic-flag-screen"].check.click()
    assert q.visible_stages() == ["presentation", "examination"]


def test_multiple_answer_names_missed_options() -> None:
    q = quiz()
    view = q.views["classic-ichd-criteria"]
    boxes(view)[0].value = True
    view.check.click()
    assert "Incorrect." in view.feedback.value
    assert "You chose A." in view.feedback.value and "You missed B." in view.feedback.value


def test_numeric_answer_and_empty_input() -> None:
    q = quiz()
    view = q.views["classic-diary-responder"]
    view.check.click()
    assert view.feedback.value == "<p>Enter a number first.</p>"
    number(view).value = "6"
    view.check.click()
    assert "Correct." in view.feedback.value and "The answer is 6 days" in view.feedback.value


def test_stages_unfold_and_score_counts() -> None:
    q = quiz()
    choice(q.views["classic-first-feature"]).value = 0
    q.views["classic-first-feature"].check.click()
    choice(q.views["classic-flag-screen"]).value = 1
    q.views["classic-flag-screen"].check.click()
    choice(q.views["classic-frt-reading"]).value = 0
    q.views["classic-frt-reading"].check.click()
    assert q.visible_stages() == ["presentation", "examination"]
    boxes(q.views["classic-ichd-criteria"])[0].value = True
    boxes(q.views["classic-ichd-criteria"])[1].value = True
    q.views["classic-ichd-criteria"].check.click()
    assert q.visible_stages() == ["presentation", "examination", "management"]
    assert "First-try score: 4 correct of 4 answered (6 questions)." in q.score.value


def test_reset_clears_answers_feedback_and_stages() -> None:
    q = quiz()
    view = q.views["classic-first-feature"]
    choice(view).value = 0
    view.check.click()
    q.reset_button.click()
    assert choice(view).value is None and view.feedback.value == ""
    assert q.visible_stages() == ["presentation"]
    assert "Not started: 6 questions." in q.score.value


def test_mime_bundle_carries_the_static_quiz_for_the_book() -> None:
    bundle = quiz()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert 'data-vignette="classic-ceh"' in bundle["text/html"]


def test_unknown_case_lists_known_ones() -> None:
    try:
        show_case("no-such-case", ROOT)
    except KeyError as exc:
        assert "classic-ceh" in str(exc)
    else:
        raise AssertionError("expected a KeyError")


def test_ordering_question_in_the_live_quiz() -> None:
    q = show_case("check-procedures", ROOT)
    view = q.views["chk-proc-order"]
    menus = [row.children[0] for row in view.inputs.widgets[1:]]
    view.check.click()
    assert view.feedback.value == "<p>Give every step its own number first.</p>"
    steps = view.question.steps()  # type: ignore[union-attr]
    for menu, step in zip(menus, reversed(steps)):
        menu.value = step
    view.check.click()
    assert "Incorrect." in view.feedback.value and "The right order:" in view.feedback.value
    for menu, step in zip(menus, steps):
        menu.value = step
    view.check.click()
    assert "Correct." in view.feedback.value and "You put" not in view.feedback.value
    q.reset()
    assert all(menu.value == 0 for menu in menus)


def test_the_first_try_counts_and_later_tries_are_practice() -> None:
    q = quiz()
    view = q.views["classic-first-feature"]
    choice(view).value = 1
    view.check.click()
    assert view.attempts.value == ""
    choice(view).value = 0
    view.check.click()
    assert "Correct." in view.feedback.value
    assert "First try: incorrect; this try: correct. Your score counts the first try." in view.attempts.value
    assert "First-try score: 0 correct of 1 answered (6 questions)." in q.score.value
