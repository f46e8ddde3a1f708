"""Item-writing check: flaws in how choice questions are written, found by rule.

The loader checks that a case is well formed; this module checks that its single-best-answer
and multiple-answer questions follow the usual item-writing rules, so that a student who
knows the topic gets them right and a test-wise student without it gains nothing. Each rule
is a heuristic, tuned on the course's own cases; the thresholds are constants below.

Errors (``cehcourse validate`` exits 1):
- ``all-none-above``: an option "all of the above", "none of these" and the like. It
  tests whether the student can spot two right options (or one wrong one), not the topic.
- ``duplicate-option``: two options (or ordering items) the same once case, spaces and
  punctuation are ignored.

Warnings (printed; ``validate`` still succeeds):
- ``negative-stem``: the question sentence asks with "not", "except", "least", "false",
  "cannot", "incorrect" or "untrue" and does not emphasise the word (capitals, as in NOT,
  or bold, as in ``**not**``). Readers skim past an unstressed "not".
- ``longest-correct``: the correct option is much the longest (single answer), or every
  correct option is much longer than every distractor (multiple answer): longer than
  LONGEST_RATIO times the longest distractor *and* more than LONGEST_MARGIN characters
  longer. Careful qualification makes right answers long, and students learn the cue.
- ``near-duplicate``: two options (or items) with the same words once word order, small
  words ("a", "the", "and"...) and plural or -ly endings are ignored. Options that differ in
  one word that matters ("Infrequent"/"Frequent", "C6"/"C8", "left"/"right") are minimal
  pairs, a fair way to test a distinction, and pass.
- ``cover-options``: a single-answer stem that asks only which option is true, correct,
  accurate or best, with no question of its own ("Which statement is correct?"), when
  neither the stem's lead-in nor the end of the stage's narrative poses the question (a
  "?", or someone who "asks whether/what/why/how"). The "cover the options" rule: a student who knows the
  topic should be able to answer with the options covered. (Multiple-answer questions
  often ask "which statements are correct" by design; they are not checked.)
- ``longest-correct-share`` (the library as a whole): the correct option is the longest
  option in more than LIBRARY_LONGEST_SHARE of the single-answer questions (once there are
  at least LIBRARY_MIN_QUESTIONS). Chance is one in four or five; well above it, "pick the
  longest" scores without reading the case, even when no one question is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .course import CourseData
from .loader import DataError
from .markdown import plain_text
from .model import AnyQuestion, Case, MultipleQuestion, OrderingQuestion, SingleQuestion

Severity = Literal["error", "warning"]

# longest-correct: the correct option is "longest by far" when it is both this many times
# the longest distractor and this many characters longer (plain text). Both, so that short
# options (9 vs 4 characters) and long ones with a sentence more (250 vs 220) pass.
LONGEST_RATIO = 1.5
LONGEST_MARGIN = 40
# longest-correct-share: the share of single-answer questions whose correct option is the
# longest that starts to be a cue in itself.
LIBRARY_LONGEST_SHARE = 0.5
LIBRARY_MIN_QUESTIONS = 10

_ALL_NONE = re.compile(
    r"\b(?:all|none|any|both|neither)\s+of\s+(?:the\s+)?"
    r"(?:above|preceding|foregoing|these|those|(?:options|answers|statements|choices|responses)\b)",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(not|except|least|false|cannot|incorrect|untrue)\b", re.IGNORECASE
)
# Uses of the negative words that do not make a stem negative.
_NOT_NEGATIVE = re.compile(
    r"\bat\s+least\b|\bfalse(?:\s+|-)(?:positives?|negatives?)\b|\bnot\s+only\b", re.IGNORECASE
)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.DOTALL)
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")
# Words that only ask "which option is right": a stem of nothing else has no question.
_GENERIC = frozenset(
    """which what is are was were the a an of following these those this that one ones
    statement statements answer answers option options choice choices response responses reply
    replies summary summaries explanation description true correct accurate right best most
    fair fairest honest valid good better sound false incorrect untrue wrong least here now
    for to her him them his their you your it its and about regarding concerning in on
    following""".split()
)
# A lead-in sentence of the stem that poses the question ("She asks whether ...").
_POSED = re.compile(r"\b(?:asks?|asked|asking|wants? to know|wonders?|whether|why|how)\b|\?", re.IGNORECASE)
# The end of a stage's narrative that poses it: a question, or someone asking one.
_NARRATIVE_POSES = re.compile(
    r"\?|\b(?:asks?|asked|wants? to know|wonders?)\s+(?:\w+\s+)?(?:whether|what|why|how|if|which)\b", re.IGNORECASE
)
# Words near-duplicate options may differ in: small words, and endings.
_SMALL_WORDS = frozenset("a an the and or of to in on at for with by as is are be".split())


@dataclass(frozen=True)
class Issue:
    """One flaw in one question; *where* is relative to the question ("stem", "options[2].text")."""

    rule: str
    severity: Severity
    where: str
    message: str


@dataclass(frozen=True)
class Finding:
    """An issue located in a case file, printed as one line like the loader's errors."""

    file: str
    case_id: str | None  # None for a finding about the whole library
    question_id: str | None
    field: str | None
    issue: Issue

    @property
    def severity(self) -> Severity:
        return self.issue.severity

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        where = f", question '{self.question_id}'" if self.question_id else ""
        message = f"{prefix}{self.issue.message} [{self.issue.rule}{where}]"
        return str(DataError(self.file, self.case_id, self.field, message))


def normalise(text: str) -> str:
    """Lower case, words only: Markdown, punctuation and spacing ignored."""
    words = re.findall(r"[^\W_]+", plain_text(text).casefold())
    return " ".join(words)


def _clip(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _question_sentence(stem: str) -> tuple[str, str]:
    """The stem split into (lead-in, the sentence that asks): the last sentence ending in
    "?", or the last sentence when none does."""
    sentences = [s.strip() for s in _SENTENCE.findall(stem) if s.strip()]
    if not sentences:
        return "", stem
    asking = max((i for i, s in enumerate(sentences) if s.endswith("?")), default=len(sentences) - 1)
    return " ".join(sentences[:asking]), sentences[asking]


def _emphasised(sentence: str, start: int, end: int) -> bool:
    word = sentence[start:end]
    if word.isupper() and len(word) > 1:
        return True
    return any(match.start() <= start and end <= match.end() for match in _BOLD.finditer(sentence))


def check_all_none(question: SingleQuestion | MultipleQuestion) -> list[Issue]:
    issues = []
    for index, option in enumerate(question.options):
        match = _ALL_NONE.search(plain_text(option.text))
        if match:
            issues.append(Issue(
                "all-none-above", "error", f"options[{index}].text",
                f"option '{_clip(match.group(0))}' refers to the other options: write an option "
                "that answers the stem on its own",
            ))
    return issues


def check_negative_stem(question: AnyQuestion) -> list[Issue]:
    _, sentence = _question_sentence(question.stem)
    harmless = [(m.start(), m.end()) for m in _NOT_NEGATIVE.finditer(sentence)]
    for match in _NEGATIVE.finditer(sentence):
        if any(start <= match.start() < end for start, end in harmless):
            continue
        if _emphasised(sentence, match.start(), match.end()):
            continue
        word = match.group(1)
        return [Issue(
            "negative-stem", "warning", "stem",
            f"negatively worded stem ('{word}') without emphasis: ask the question positively, "
            f"or write the word as {word.upper()} or **{word}**",
        )]
    return []


def check_longest_correct(question: SingleQuestion | MultipleQuestion) -> list[Issue]:
    lengths = [len(plain_text(option.text)) for option in question.options]
    right = [length for length, option in zip(lengths, question.options) if option.correct]
    wrong = [length for length, option in zip(lengths, question.options) if not option.correct]
    if not right or not wrong:
        return []
    shortest_right, longest_wrong = min(right), max(wrong)
    if shortest_right > LONGEST_RATIO * longest_wrong and shortest_right - longest_wrong > LONGEST_MARGIN:
        what = "the correct option" if isinstance(question, SingleQuestion) else "every correct option"
        length = f"{shortest_right} characters" if len(right) == 1 else f"at least {shortest_right} characters"
        index = next(i for i, option in enumerate(question.options) if option.correct)
        where = f"options[{index}].text" if len(right) == 1 else "options"
        return [Issue(
            "longest-correct", "warning", where,
            f"{what} is much longer than the distractors ({length}, the longest distractor "
            f"{longest_wrong}): move detail into the explanation, or give the distractors the "
            "same care",
        )]
    return []


def _texts(question: AnyQuestion) -> tuple[str, list[str]]:
    if isinstance(question, OrderingQuestion):
        return "items", [item.text for item in question.items]
    if isinstance(question, (SingleQuestion, MultipleQuestion)):
        return "options", [option.text for option in question.options]
    return "", []


def check_duplicates(question: AnyQuestion) -> list[Issue]:
    field, texts = _texts(question)
    normal = [normalise(text) for text in texts]
    issues = []
    for later in range(len(normal)):
        for earlier in range(later):
            a, b = normal[earlier], normal[later]
            where = f"{field}[{later}].text"
            if a == b:
                issues.append(Issue(
                    "duplicate-option", "error", where,
                    f"same as {field}[{earlier}] once case, spaces and punctuation are ignored",
                ))
                break
            if _canonical(a) == _canonical(b):
                issues.append(Issue(
                    "near-duplicate", "warning", where,
                    f"nearly the same as {field}[{earlier}]: make the difference clear, or drop one",
                ))
                break
    return issues


def _canonical(normalised: str) -> list[str]:
    """The words that matter, in order of the alphabet, without plural and -ly endings."""
    words = [re.sub(r"(?:ly|es|s)$", "", word) if len(word) > 4 else word for word in normalised.split()]
    return sorted(word for word in words if word not in _SMALL_WORDS)


def check_cover_options(question: SingleQuestion, narrative: str = "") -> list[Issue]:
    """*narrative* is the stage's narrative: its last paragraph may pose the question."""
    lead_in, sentence = _question_sentence(question.stem)
    words = re.findall(r"[^\W_]+", plain_text(sentence).casefold())
    if any(word not in _GENERIC for word in words):
        return []
    last_paragraph = narrative.strip().split("\n\n")[-1]
    if _POSED.search(lead_in) or _NARRATIVE_POSES.search(last_paragraph):
        return []
    return [Issue(
        "cover-options", "warning", "stem",
        f"the stem '{_clip(sentence)}' asks only which option is right: put the question in the "
        "stem, so it can be answered with the options covered",
    )]


def check_question(question: AnyQuestion, narrative: str = "") -> list[Issue]:
    """Every item-writing issue in one question, errors and warnings; *narrative* is the
    narrative of the question's stage."""
    issues: list[Issue] = []
    if isinstance(question, (SingleQuestion, MultipleQuestion)):
        issues += check_all_none(question)
        issues += check_negative_stem(question)
        issues += check_longest_correct(question)
    issues += check_duplicates(question)
    if isinstance(question, SingleQuestion):
        issues += check_cover_options(question, narrative)
    return issues


def check_case(path: Path | str, case: Case) -> list[Finding]:
    findings = []
    for s_index, stage in enumerate(case.stages):
        for q_index, question in enumerate(stage.questions):
            base = f"stages[{s_index}].questions[{q_index}]"
            for issue in check_question(question, stage.narrative):
                findings.append(Finding(str(path), case.id, question.id, f"{base}.{issue.where}", issue))
    return findings


def longest_is_correct(question: SingleQuestion) -> bool:
    """The correct option is longer than every distractor (plain text)."""
    right = next(option for option in question.options if option.correct)
    return all(len(plain_text(right.text)) > len(plain_text(o.text)) for o in question.options if not o.correct)


def check_library(questions: Sequence[AnyQuestion]) -> list[Issue]:
    """Issues of a set of questions taken together (the case library)."""
    single = [question for question in questions if isinstance(question, SingleQuestion)]
    if len(single) < LIBRARY_MIN_QUESTIONS:
        return []
    longest = sum(longest_is_correct(question) for question in single)
    if longest / len(single) <= LIBRARY_LONGEST_SHARE:
        return []
    return [Issue(
        "longest-correct-share", "warning", "",
        f"the correct option is the longest in {longest} of {len(single)} single-answer questions "
        f"({longest / len(single):.0%}): a student who always picks the longest option scores that; aim for "
        f"no more than {LIBRARY_LONGEST_SHARE:.0%} by giving distractors the same care as the key",
    )]


def check_cases(cases: dict[Path, Case], library: Path | str | None = None) -> list[Finding]:
    """Findings for every case, errors first, each group in file and question order; with
    *library* (the cases folder), also the findings about all the cases together."""
    findings = [finding for path, case in sorted(cases.items()) for finding in check_case(path, case)]
    if library is not None:
        questions = [question for case in cases.values() for _, question in case.questions()]
        findings += [Finding(str(library), None, None, None, issue) for issue in check_library(questions)]
    return sorted(findings, key=lambda finding: finding.severity != "error")


def check_course(course: CourseData, extra_dirs: tuple[Path, ...] = ()) -> list[Finding]:
    """Findings for every case of a loaded course (and of the draft folders it was loaded
    with); a case's file is <folder>/<id>.yaml, as the loader requires."""
    folders = (course.cases_dir, *extra_dirs)
    located: dict[Path, Case] = {}
    for case in course.cases.values():
        path = next((folder / f"{case.id}.yaml" for folder in folders if (folder / f"{case.id}.yaml").is_file()),
                    course.cases_dir / f"{case.id}.yaml")
        located[path] = case
    return check_cases(located, library=course.cases_dir)
