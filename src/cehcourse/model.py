"""The data model of a case vignette: one YAML file per case, validated here.

Unknown keys are errors (``extra="forbid"``) so that a typo in a case file is
caught at build time instead of silently dropping content. Types are strict: a
boolean is ``true``/``false`` (not ``"yes"`` or ``1``), a number is written as a
number (not ``"6"``), and numbers are finite (no ``.nan``/``.inf``). Text and lists
have generous upper bounds, so a runaway value is an error instead of a huge page.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
# Markdown text; raw HTML is not rendered (see markdown.py). The maxima are several
# times the longest text in today's cases: room to write, but a bound.
Title = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=1500)]
LongText = Annotated[str, Field(min_length=1, max_length=3000)]
Narrative = Annotated[str, Field(min_length=1, max_length=8000)]
BibKey = Annotated[str, Field(min_length=1, max_length=100)]
ObjectiveRef = Annotated[str, Field(min_length=3, max_length=130)]

# A library case (role: case) unfolds: at least this many stages and questions.
MIN_LIBRARY_STAGES = 3
MIN_LIBRARY_QUESTIONS = 4
# A numeric answer's tolerance is at most this share of |value| (and at most
# ZERO_ANSWER_TOLERANCE when the answer is 0): a wider one accepts almost anything.
MAX_TOLERANCE_SHARE = 0.5
ZERO_ANSWER_TOLERANCE = 1.0


def _number(value: float) -> str:
    return f"{value:.10g}"


class Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, strict=True, allow_inf_nan=False
    )


class Option(Strict):
    text: Text
    correct: bool = False
    explanation: LongText


class _QuestionBase(Strict):
    id: Slug
    stem: Text
    teaching_point: Text
    cites: list[BibKey] = Field(default=[], max_length=20)
    # The case's objectives this question tests (a subset of the case's list); empty means
    # all of them. Scores by objective count each question under these.
    objectives: list[ObjectiveRef] = Field(default=[], max_length=8)

    def content_hash(self) -> str:
        """Changes whenever the question's content changes, so stored answers reset.
        Its objective tags are not content: retagging keeps students' answers."""
        canonical = json.dumps(self.model_dump(mode="json", exclude={"objectives"}), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


class SingleQuestion(_QuestionBase):
    kind: Literal["single"]
    options: list[Option] = Field(min_length=2, max_length=8)

    @model_validator(mode="after")
    def _exactly_one_correct(self) -> SingleQuestion:
        found = sum(option.correct for option in self.options)
        if found != 1:
            raise ValueError(
                f"a single-answer question needs exactly one correct option (found {found})"
            )
        return self


class MultipleQuestion(_QuestionBase):
    kind: Literal["multiple"]
    options: list[Option] = Field(min_length=2, max_length=8)

    @model_validator(mode="after")
    def _at_least_one_correct(self) -> MultipleQuestion:
        if not any(option.correct for option in self.options):
            raise ValueError("a multiple-answer question needs at least one correct option")
        return self


class NumericAnswer(Strict):
    value: float
    tolerance: float = Field(ge=0)
    unit: str = Field(default="", max_length=40)

    @field_validator("tolerance")
    @classmethod
    def _reasonable_tolerance(cls, tolerance: float, info: ValidationInfo) -> float:
        value = info.data.get("value")
        if value is None:  # value itself is invalid: reported on its own
            return tolerance
        limit = abs(value) * MAX_TOLERANCE_SHARE if value else ZERO_ANSWER_TOLERANCE
        if tolerance > limit:
            rule = f"at most half of it ({_number(limit)})" if value else f"at most {_number(limit)}"
            raise ValueError(
                f"tolerance {_number(tolerance)} is too wide for the answer {_number(value)}: "
                f"{rule}, or almost any answer is accepted"
            )
        return tolerance


class NumericQuestion(_QuestionBase):
    kind: Literal["numeric"]
    answer: NumericAnswer
    # Shown after any attempt: how the number is worked out.
    explanation: LongText


class OrderItem(Strict):
    text: Text
    # Why this step comes where it does; shown when a student puts it elsewhere.
    explanation: LongText


class OrderingQuestion(_QuestionBase):
    kind: Literal["ordering"]
    # Written in the right order; every renderer shows them in display_order().
    items: list[OrderItem] = Field(min_length=3, max_length=8)

    def display_order(self) -> list[int]:
        """The items' order on screen: a fixed shuffle made from the question id, so the
        book, the notebook and print agree, and never the right order itself."""
        def key(index: int) -> str:
            return hashlib.sha256(f"{self.id}:{index}".encode()).hexdigest()

        order = sorted(range(len(self.items)), key=key)
        return order[1:] + order[:1] if order == sorted(order) else order

    def steps(self) -> list[int]:
        """For each item as shown, its step number (1 = first)."""
        return [index + 1 for index in self.display_order()]


# Every question kind: a new kind is a model class here, its module in kinds/, its entry
# in static/vignette.js, and a paragraph in AUTHORING.md.
AnyQuestion = SingleQuestion | MultipleQuestion | NumericQuestion | OrderingQuestion
Question = Annotated[
    Union[SingleQuestion, MultipleQuestion, NumericQuestion, OrderingQuestion], Field(discriminator="kind")
]
KIND_NAMES: tuple[str, ...] = tuple(
    get_args(model.model_fields["kind"].annotation)[0] for model in get_args(AnyQuestion)
)


class Stage(Strict):
    id: Slug
    title: Title
    narrative: Narrative
    questions: list[Question] = Field(min_length=1, max_length=12)


class Patient(Strict):
    age: int = Field(ge=0, le=120)
    sex: Literal["female", "male"]

    def describe(self) -> str:
        noun = "woman" if self.sex == "female" else "man"
        return f"{self.age}-year-old {noun}"


class Case(Strict):
    id: Slug
    title: Title
    summary: Text
    # "case" belongs to the case library; "chapter-check" is a chapter's own self-check.
    role: Literal["case", "chapter-check"] = "case"
    patient: Patient
    minutes: int = Field(ge=1, le=120)
    chapters: list[Slug] = Field(min_length=1, max_length=10)
    # Learning objectives as "<chapter>/<objective-id>", defined in book/chapters.yaml.
    objectives: list[ObjectiveRef] = Field(min_length=1, max_length=20)
    cites: list[BibKey] = Field(min_length=1, max_length=40)
    stages: list[Stage] = Field(min_length=1, max_length=12)

    @field_validator("stages")
    @classmethod
    def _library_case_unfolds(cls, stages: list[Stage], info: ValidationInfo) -> list[Stage]:
        """A library case unfolds over several stages and questions; a chapter's
        self-check (role: chapter-check) may be shorter."""
        if info.data.get("role") != "case":
            return stages
        questions = sum(len(stage.questions) for stage in stages)
        problems = []
        if len(stages) < MIN_LIBRARY_STAGES:
            problems.append(f"at least {MIN_LIBRARY_STAGES} stages (found {len(stages)})")
        if questions < MIN_LIBRARY_QUESTIONS:
            problems.append(f"at least {MIN_LIBRARY_QUESTIONS} questions (found {questions})")
        if problems:
            raise ValueError(f"a library case (role: case) needs {' and '.join(problems)}")
        return stages

    @field_validator("objectives")
    @classmethod
    def _objective_form(cls, value: list[str]) -> list[str]:
        for item in value:
            if item.count("/") != 1:
                raise ValueError(f"objective {item!r} should look like 'chapter/objective-id'")
        return value

    @model_validator(mode="after")
    def _question_objectives_are_the_cases(self) -> Case:
        for _, question in self.questions():
            stray = [tag for tag in question.objectives if tag not in self.objectives]
            if stray:
                raise ValueError(
                    f"question {question.id!r} names objectives the case does not list: {', '.join(stray)}"
                    " (add them to the case's objectives)"
                )
        return self

    def questions(self) -> list[tuple[Stage, AnyQuestion]]:
        return [(stage, question) for stage in self.stages for question in stage.questions]

    def objectives_of(self, question: AnyQuestion) -> list[str]:
        """What the question tests: its own tags, or else every objective of the case."""
        return list(question.objectives) or list(self.objectives)

    def all_cites(self) -> list[str]:
        """Every bibliography key the case cites, case-level first, without repeats."""
        keys = list(self.cites)
        for _, question in self.questions():
            keys.extend(question.cites)
        return list(dict.fromkeys(keys))


class Objective(Strict):
    id: Slug
    text: Text


class Chapter(Strict):
    title: Title
    reading_minutes: int = Field(ge=1, le=180)
    objectives: list[Objective] = Field(min_length=3, max_length=8)


class ChapterCatalogue(Strict):
    chapters: dict[Slug, Chapter]

    def objective(self, tag: str) -> Objective | None:
        """The objective a case names as "<chapter>/<objective-id>", or None if unknown."""
        chapter, _, objective_id = tag.partition("/")
        entry = self.chapters.get(chapter)
        return next((o for o in entry.objectives if o.id == objective_id), None) if entry else None
