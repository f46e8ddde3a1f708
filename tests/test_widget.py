"""The live ipywidgets quiz, driven as a student would: set values, click, read."""

from __future__ import annotations

from pathlib import Path

from cehcourse import show_case
from cehcourse.widget import CaseQuiz

ROOT = Path(__file__).resolve().parent.parent


def quiz() -> CaseQuiz:
    return show_case("classic-ceh", ROOT)


def test_only_the_first_stage_shows_at_first() -> None:
    assert quiz().visible_stages() == ["presentation"]


def test_check_answer_gives_feedback_and_reveals_the_next_stage() -> None:
    q = quiz()
    view = q.views["classic-first-feature"]
    view.choice.value = 1
    view.check.click()
    assert "Incorrect." in view.feedback.value
    assert "You chose B." in view.feedback.value
    assert "Partly right. Side-locked pain is part of the study group" in view.feedback.value
    assert "Teaching point:" in view.feedback.value
    assert "Score: 0 correct of 1 answered (6 questions)." in q.score.value
    # The next stage waits until every question of this one is answered.
    assert q.visible_stages() == ["presentation"]
    q.views["classic-flag-screen"].choice.value = 1
    q.views["classic-flag-screen"].check.click()
    assert q.visible_stages() == ["presentation", "examination"]


def test_multiple_answer_names_missed_options() -> None:
    q = quiz()
    view = q.views["classic-ichd-criteria"]
    view.boxes[0].value = True
    view.check.click()
    assert "Incorrect." in view.feedback.value
    assert "You chose A." in view.feedback.value and "You missed B." in view.feedback.value


def test_numeric_answer_and_empty_input() -> None:
    q = quiz()
    view = q.views["classic-diary-responder"]
    view.check.click()
    assert view.feedback.value == "<p>Enter a number first.</p>"
    view.number.value = "6"
    view.check.click()
    assert "Correct." in view.feedback.value and "The answer is 6 days" in view.feedback.value


def test_stages_unfold_and_score_counts() -> None:
    q = quiz()
    q.views["classic-first-feature"].choice.value = 0
    q.views["classic-first-feature"].check.click()
    q.views["classic-flag-screen"].choice.value = 1
    q.views["classic-flag-screen"].check.click()
    q.views["classic-frt-reading"].choice.value = 0
    q.views["classic-frt-reading"].check.click()
    assert q.visible_stages() == ["presentation", "examination"]
    q.views["classic-ichd-criteria"].boxes[0].value = True
    q.views["classic-ichd-criteria"].boxes[1].value = True
    q.views["classic-ichd-criteria"].check.click()
    assert q.visible_stages() == ["presentation", "examination", "management"]
    assert "Score: 4 correct of 4 answered (6 questions)." in q.score.value


def test_reset_clears_answers_feedback_and_stages() -> None:
    q = quiz()
    view = q.views["classic-first-feature"]
    view.choice.value = 0
    view.check.click()
    q.reset_button.click()
    assert view.choice.value is None and view.feedback.value == ""
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
