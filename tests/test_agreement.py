"""Live and static quizzes agree: every option of every question of every case (and, for
multiple answer, a set of combinations; for numeric, values at and around the tolerance)
is graded by Python and by the built page in Chromium, and the verdicts and feedback match."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from cehcourse.course import load_course
from cehcourse.grading import Answer, AnyQuestion, grade, score_text
from cehcourse.kinds import kind_of
from cehcourse.model import MultipleQuestion, NumericQuestion, OrderingQuestion, SingleQuestion
from cehcourse.widget import feedback_html

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT)


def answer_sets(question: AnyQuestion) -> list[Answer]:
    """Each kind's own sample answers: for choices every option (and subsets), for numbers
    values at and around the tolerance, for orderings the right one and wrong ones."""
    return kind_of(question).sample_answers(question)


def squash(markup: str) -> str:
    """Text without tags or white space, so layout differences don't count."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", markup)))


def page_for_case(site: Path, case_id: str) -> str:
    own = site / "book" / "cases" / f"{case_id}.html"
    if own.exists():
        return "book/cases/" + own.name
    for path in sorted(site.rglob("*.html")):
        if path.name != "practice.html" and f'data-vignette="{case_id}"' in path.read_text(encoding="utf-8"):
            return str(path.relative_to(site))
    pytest.fail(f"case {case_id} is not placed on any page of the built book")


# What a reader sees after checking an answer: only what is rendered on screen counts.
SEEN = """node => node !== null && node.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
  && node.getClientRects().length > 0"""

READ_QUESTION = """([caseId, qid]) => {
  const seen = %s;
  const root = document.querySelector(`[data-vignette="${caseId}"]`);
  const fieldset = root.querySelector(`fieldset[data-question="${qid}"]`);
  const feedback = fieldset.querySelector('.vignette-feedback');
  // innerText is the rendered text; the note about the next stage is checked on its own.
  const notes = [...feedback.querySelectorAll('.vignette-next')].map(n => n.innerText);
  let text = feedback.innerText;
  notes.forEach(note => { text = text.replace(note, ''); });
  const score = root.querySelector('.vignette-score');
  return {
    feedbackSeen: seen(feedback),
    verdict: fieldset.getAttribute('data-verdict'),
    chosen: [...feedback.querySelectorAll('[data-feedback-option]')].map(n => Number(n.dataset.feedbackOption)),
    missed: [...feedback.querySelectorAll('[data-feedback-missed]')].map(n => Number(n.dataset.feedbackMissed)),
    text: text,
    notes: notes,
    stages: [...root.querySelectorAll('.vignette-stage')].filter(seen).map(s => s.dataset.stage),
    score: seen(score) ? score.innerText : null,
  };
}""" % SEEN

# The many further answers (every subset of a multiple-answer question) go in through the
# page's own controls, as clicks do, but only on controls a reader can see.
ANSWER_IN_PAGE = """([caseId, qid, kind, answer]) => {
  const seen = %s;
  const read = %s;
  const root = document.querySelector(`[data-vignette="${caseId}"]`);
  const fieldset = root.querySelector(`fieldset[data-question="${qid}"]`);
  const problems = [];
  const use = (node, what) => { if (!seen(node)) problems.push(what + ' is not visible'); return node; };
  if (kind === 'numeric') {
    const input = use(fieldset.querySelector('input[type=number]'), 'the number box');
    input.value = String(answer);
    input.dispatchEvent(new Event('input', {bubbles: true}));
  } else if (kind === 'ordering') {
    fieldset.querySelectorAll('select[data-item]').forEach((select, item) => {
      use(select, 'the step menu of item ' + item).value = String(answer[item]);
      select.dispatchEvent(new Event('change', {bubbles: true}));
    });
  } else {
    fieldset.querySelectorAll('input').forEach(input => {
      const wanted = answer.includes(Number(input.value));
      if (input.type === 'radio' ? wanted && !input.checked : wanted !== input.checked) {
        use(input, 'option ' + input.value).click();
      }
    });
  }
  use(fieldset.querySelector('button.vignette-check'), 'Check answer').click();
  return {...read([caseId, qid]), problems: problems};
}""" % (SEEN, READ_QUESTION)


# A control a reader cannot use fails the test in seconds, not after Playwright's 30.
ACTION_TIMEOUT = 5_000


def answer_like_a_reader(page, question: AnyQuestion, answer: Answer) -> None:  # type: ignore[no-untyped-def]
    """Playwright's own clicks and typing: they wait for the control to be visible,
    enabled and not covered, as a reader's would."""
    base = f"#vg-{question.id}"
    if isinstance(question, NumericQuestion):
        page.locator(f"{base}-value").fill(str(answer), timeout=ACTION_TIMEOUT)
    elif isinstance(question, OrderingQuestion):
        for shown, step in enumerate(answer):  # type: ignore[arg-type]
            page.locator(f"{base}-{shown}").select_option(str(step), timeout=ACTION_TIMEOUT)
    else:
        chosen = {answer} if isinstance(answer, int) else set(answer)  # type: ignore[arg-type]
        for index in range(len(question.options)):
            option = page.locator(f"{base}-{index}")
            if index in chosen:
                option.check(timeout=ACTION_TIMEOUT)
            elif isinstance(question, MultipleQuestion):
                option.uncheck(timeout=ACTION_TIMEOUT)
    page.locator(f"{base} button.vignette-check").click(timeout=ACTION_TIMEOUT)


def visible_stages(case, answered: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """A stage shows once every question before it has been answered."""
    shown = []
    for stage in case.stages:
        shown.append(stage.id)
        if any(question.id not in answered for question in stage.questions):
            break
    return shown


@pytest.mark.parametrize("case_id", sorted(COURSE.cases))
def test_python_and_page_grade_alike(page, site: Path, case_id: str) -> None:  # type: ignore[no-untyped-def]
    """Every question answered in stage order, as a reader must: the first answer with
    real clicks, the rest through the visible controls. After each, the page must show
    the verdict and feedback Python gives, the stages a reader should see, and the score."""
    case = COURSE.cases[case_id]
    page.goto(f"{page.base_url}/{page_for_case(site, case_id)}")
    page.wait_for_selector(f'[data-vignette="{case_id}"] .vignette-toolbar:not([hidden])')
    first_view = page.evaluate(READ_QUESTION, [case_id, case.stages[0].questions[0].id])
    assert first_view["stages"] == [case.stages[0].id], "only the first stage shows before any answer"
    assert first_view["score"] == score_text(0, 0, len(case.questions()))
    disagreements = []
    answered: set[str] = set()
    # The score counts each question's first try; later answers are practice.
    first_verdict: dict[str, bool] = {}
    verdicts_seen: dict[str, set[bool]] = {}
    for _, question in case.questions():
        for number, answer in enumerate(answer_sets(question)):
            expected = grade(question, answer)
            if number == 0:
                answer_like_a_reader(page, question, answer)
                got = page.evaluate(READ_QUESTION, [case_id, question.id])
            else:
                js_answer = (
                    sorted(answer) if isinstance(answer, frozenset)
                    else [answer] if isinstance(question, SingleQuestion)
                    else list(answer) if isinstance(answer, tuple)
                    else answer
                )
                got = page.evaluate(ANSWER_IN_PAGE, [case_id, question.id, question.kind, js_answer])
            problems: list[str] = got.get("problems", [])
            newly_answered = question.id not in answered
            answered.add(question.id)
            first_verdict.setdefault(question.id, expected.correct)
            verdicts_seen.setdefault(question.id, set()).add(expected.correct)
            want_text = squash(feedback_html(question, expected, answer))
            if not got["feedbackSeen"]:
                problems.append("the feedback is not visible")
            if not got["text"].strip().startswith(f"{expected.word}."):
                problems.append(f"the feedback does not open with {expected.word!r}: {got['text'][:60]!r}")
            if got["verdict"] != ("correct" if expected.correct else "incorrect"):
                problems.append(f"verdict page={got['verdict']} python={expected.word}")
            if got["chosen"] != expected.chosen or got["missed"] != expected.missed:
                problems.append(f"options page={got['chosen']}/{got['missed']} python={expected.chosen}/{expected.missed}")
            if squash(got["text"]) != want_text:
                problems.append(f"feedback text differs:\n  page:   {squash(got['text'])[:200]}\n  python: {want_text[:200]}")
            stages = visible_stages(case, answered)
            if got["stages"] != stages:
                problems.append(f"stages shown {got['stages']}, expected {stages}")
            revealed = stages[-1] if newly_answered and len(stages) > len(visible_stages(case, answered - {question.id})) else None
            if revealed:
                number, stage = next((n, stage) for n, stage in enumerate(case.stages, 1) if stage.id == revealed)
                heading = f"Stage {number} of {len(case.stages)}: {stage.title}"
                if got["notes"] != [f"The next stage, “{heading}”, is now shown below."]:
                    problems.append(f"no note that stage {revealed!r} is now shown: {got['notes']}")
            elif got["notes"]:
                problems.append(f"a note about a next stage that was already shown: {got['notes']}")
            score = score_text(sum(first_verdict.values()), len(answered), len(case.questions()))
            if got["score"] != score:
                problems.append(f"score shows {got['score']!r}, expected {score!r}")
            if problems:
                disagreements.append(f"{question.id} answer={answer!r}: " + "; ".join(problems))
    assert not disagreements, "\n".join(disagreements)
    # The answer sets must exercise both verdicts of every question, or agreement proves little.
    one_sided = [qid for qid, seen in verdicts_seen.items() if seen != {True, False}]
    assert not one_sided, f"answers tried never got both verdicts for: {one_sided}"
    assert [stage.id for stage in case.stages] == got["stages"], "every stage shows once all is answered"
    assert not page.problems.all(), page.problems.all()
