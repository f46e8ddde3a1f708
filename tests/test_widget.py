"""The live ipywidgets quiz, driven as a student would: set values, click, read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cehcourse import show_case
from cehcourse.grading import correct_options
from cehcourse import widget
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


def labels(view: QuestionView) -> list[str]:
    return [label for label, _ in choice(view).options]


def test_checked_options_are_marked_in_place_in_words() -> None:
    q = quiz()
    view = q.views["classic-first-feature"]
    first_labels = labels(view)
    choice(view).value = 1
    view.check.click()
    assert labels(view)[1] == f"{first_labels[1]} — ✗ Your answer: incorrect"
    assert labels(view)[0] == f"{first_labels[0]} — ✓ Correct answer"
    assert labels(view)[2:] == first_labels[2:]
    assert choice(view).value == 1, "marking the options keeps the student's choice"
    assert 'class="cehq-feedback is-incorrect"' in view.feedback.value
    choice(view).value = 0
    view.check.click()
    assert labels(view)[0] == f"{first_labels[0]} — ✓ Your answer: correct" and labels(view)[1] == first_labels[1]
    q.reset()
    assert labels(view) == first_labels and choice(view).value is None


def test_multiple_answer_marks_each_box() -> None:
    view = quiz().views["classic-ichd-criteria"]
    first = [box.description for box in boxes(view)]
    boxes(view)[0].value = True
    boxes(view)[2].value = True
    view.check.click()
    marked = [box.description for box in boxes(view)]
    assert marked[0] == f"{first[0]} — ✓ Your answer: correct"
    assert marked[1] == f"{first[1]} — ✓ Correct answer"
    assert marked[2] == f"{first[2]} — ✗ Your answer: incorrect"
    assert marked[3] == first[3]


def test_a_note_says_when_the_next_stage_opens_and_a_summary_ends_the_case() -> None:
    q = quiz()
    answers: dict[str, Any] = {
        "classic-first-feature": 1, "classic-flag-screen": 1, "classic-frt-reading": 0,
        "classic-ichd-criteria": [0, 1], "classic-first-line": None, "classic-diary-responder": "6",
    }
    first_line = q.views["classic-first-line"]
    answers["classic-first-line"] = correct_options(first_line.question)[0]  # type: ignore[arg-type]
    for qid, answer in answers.items():
        view = q.views[qid]
        assert q.summary.value == "" and q.summary.layout.display == "none"
        if isinstance(answer, list):
            for index in answer:
                boxes(view)[index].value = True
        elif isinstance(answer, str):
            number(view).value = answer
        else:
            choice(view).value = answer
        view.check.click()
    assert "The next stage, “Stage 2 of 3: Examination”, is now shown below." in q.views["classic-flag-screen"].feedback.value
    assert "is now shown below" not in q.views["classic-first-feature"].feedback.value
    summary = q.summary.value
    assert q.summary.layout.display is None
    assert "<h3>Case complete</h3>" in summary and "First try: 5 of 6 correct." in summary
    assert "Review the question you missed on the first try:" in summary
    assert "Which feature of her story most points to a cervical source of the headache?" in summary
    assert "This case practised these learning objectives:" in summary


def test_preview_opens_every_stage_and_buttons_show_their_whole_label() -> None:
    q = widget.show_case("classic-ceh", ROOT, preview=True)
    assert q.visible_stages() == [stage.id for stage in q.case.stages]
    assert q.reset_button.layout.width == "auto"
    assert all(view.check.layout.width == "auto" for view in q.views.values())
    assert "cehq" in q._dom_classes
