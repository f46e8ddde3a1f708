"""The data model of a case vignette: one YAML file per case, validated here.

Unknown keys are errors (``extra="forbid"``) so that a typo in a case file is
caught at build time instead of silently dropping content.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
# Markdown text; raw HTML is not rendered (see markdown.py).
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Option(Strict):
    text: Text
    correct: bool = False
    explanation: Text


class _QuestionBase(Strict):
    id: Slug
    stem: Text
    teaching_point: Text
    cites: list[str] = []

    def content_hash(self) -> str:
        """Changes whenever the question's content changes, so stored answers reset."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
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
    unit: str = ""


class NumericQuestion(_QuestionBase):
    kind: Literal["numeric"]
    answer: NumericAnswer
    # Shown after any attempt: how the number is worked out.
    explanation: Text


Question = Annotated[
    Union[SingleQuestion, MultipleQuestion, NumericQuestion], Field(discriminator="kind")
]


class Stage(Strict):
    id: Slug
    title: Text
    narrative: Text
    questions: list[Question] = Field(min_length=1)


class Patient(Strict):
    age: int = Field(ge=0, le=120)
    sex: Literal["female", "male"]

    def describe(self) -> str:
        noun = "woman" if self.sex == "female" else "man"
        return f"{self.age}-year-old {noun}"


class Case(Strict):
    id: Slug
    title: Text
    summary: Text
    # "case" belongs to the case library; "chapter-check" is a chapter's own self-check.
    role: Literal["case", "chapter-check"] = "case"
    patient: Patient
    minutes: int = Field(ge=1, le=120)
    chapters: list[Slug] = Field(min_length=1)
    # Learning objectives as "<chapter>/<objective-id>", defined in book/chapters.yaml.
    objectives: list[str] = Field(min_length=1)
    cites: list[str] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)

    @field_validator("objectives")
    @classmethod
    def _objective_form(cls, value: list[str]) -> list[str]:
        for item in value:
            if item.count("/") != 1:
                raise ValueError(f"objective {item!r} should look like 'chapter/objective-id'")
        return value

    def questions(self) -> list[tuple[Stage, SingleQuestion | MultipleQuestion | NumericQuestion]]:
        return [(stage, question) for stage in self.stages for question in stage.questions]

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
    title: Text
    reading_minutes: int = Field(ge=1, le=180)
    objectives: list[Objective] = Field(min_length=3, max_length=6)


class ChapterCatalogue(Strict):
    chapters: dict[Slug, Chapter]
