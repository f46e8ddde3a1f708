"""Live and static quizzes agree: every option of every question of every case (and, for
multiple answer, a set of combinations; for numeric, values at and around the tolerance)
is graded by Python and by the built page in Chromium, and the verdicts and feedback match."""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

import pytest

from cehcourse.course import load_course
from cehcourse.grading import Answer, AnyQuestion, grade
from cehcourse.model import MultipleQuestion, NumericQuestion, SingleQuestion
from cehcourse.widget import feedback_html

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT)


def answer_sets(question: AnyQuestion) -> list[Answer]:
    if isinstance(question, SingleQuestion):
        return list(range(len(question.options)))
    if isinstance(question, MultipleQuestion):
        indices = range(len(question.options))
        if len(question.options) <= 5:
            sizes = range(1, len(question.options) + 1)  # every non-empty subset
        else:
            sizes = [1, 2, len(question.options)]
        combos = {frozenset(c) for size in sizes for c in itertools.combinations(indices, size)}
        combos.add(frozenset(i for i, o in enumerate(question.options) if o.correct))
        return sorted(combos, key=lambda s: (len(s), sorted(s)))
    assert isinstance(question, NumericQuestion)
    value, tolerance = question.answer.value, question.answer.tolerance
    step = max(1.0, abs(value)) * 0.01
    return [round(v, 6) for v in (value, value + tolerance, value - tolerance, value + tolerance + step, value - tolerance - step, value * 2 + 1)]


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


GRADE_IN_PAGE = """([caseId, qid, kind, answer]) => {
  const root = document.querySelector(`[data-vignette="${caseId}"]`);
  const fieldset = root.querySelector(`fieldset[data-question="${qid}"]`);
  if (kind === 'numeric') {
    fieldset.querySelector('input[type=number]').value = String(answer);
  } else {
    fieldset.querySelectorAll('input').forEach(i => { i.checked = answer.includes(Number(i.value)); });
  }
  fieldset.querySelector('button.vignette-check').click();
  const feedback = fieldset.querySelector('.vignette-feedback').cloneNode(true);
  feedback.querySelectorAll('.vignette-next').forEach(n => n.remove());
  return {
    verdict: fieldset.getAttribute('data-verdict'),
    chosen: [...feedback.querySelectorAll('[data-feedback-option]')].map(n => Number(n.dataset.feedbackOption)),
    missed: [...feedback.querySelectorAll('[data-feedback-missed]')].map(n => Number(n.dataset.feedbackMissed)),
    text: feedback.textContent,
  };
}"""


@pytest.mark.parametrize("case_id", sorted(COURSE.cases))
def test_python_and_page_grade_alike(page, site: Path, case_id: str) -> None:  # type: ignore[no-untyped-def]
    case = COURSE.cases[case_id]
    page.goto(f"{page.base_url}/{page_for_case(site, case_id)}")
    page.wait_for_selector(f'[data-vignette="{case_id}"] .vignette-toolbar:not([hidden])')
    disagreements = []
    checked = 0
    for _, question in case.questions():
        for answer in answer_sets(question):
            expected = grade(question, answer)
            js_answer = sorted(answer) if isinstance(answer, frozenset) else ([answer] if isinstance(question, SingleQuestion) else answer)
            got = page.evaluate(GRADE_IN_PAGE, [case_id, question.id, question.kind, js_answer])
            checked += 1
            want_text = squash(feedback_html(question, expected, answer))
            problems = []
            if got["verdict"] != ("correct" if expected.correct else "incorrect"):
                problems.append(f"verdict page={got['verdict']} python={expected.word}")
            if got["chosen"] != expected.chosen or got["missed"] != expected.missed:
                problems.append(f"options page={got['chosen']}/{got['missed']} python={expected.chosen}/{expected.missed}")
            if squash(got["text"]) != want_text:
                problems.append(f"feedback text differs:\n  page:   {squash(got['text'])[:200]}\n  python: {want_text[:200]}")
            if problems:
                disagreements.append(f"{question.id} answer={answer!r}: " + "; ".join(problems))
    assert checked >= len(case.questions())
    assert not disagreements, "\n".join(disagreements)
    assert not page.problems.all(), page.problems.all()
