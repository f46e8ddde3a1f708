"""Load and check case files, turning every problem into a one-line, located message.

An author who breaks a case file should read *where* (file, case id, field path)
and *what was expected*, never a Python traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .model import Case, ChapterCatalogue


@dataclass(frozen=True)
class DataError:
    file: str
    case_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = _display_path(self.file)
        if self.case_id:
            where += f": case '{self.case_id}'"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


def _display_path(file: str) -> str:
    """Paths relative to the working directory when they are inside it: shorter to read."""
    try:
        return str(Path(file).resolve().relative_to(Path.cwd()))
    except ValueError:
        return file


class CaseDataError(Exception):
    """Raised with every problem found, so one run reports them all."""

    def __init__(self, errors: list[DataError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; a case author wants to hear about it."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _field_path(loc: Iterable[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("single", "multiple", "numeric"):
            continue  # the discriminator tag pydantic adds to union paths
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling against the case schema)"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        return f"kind must be one of 'single', 'multiple', 'numeric' (got {error['ctx']['tag']!r})"
    if kind == "union_tag_not_found":
        return "question needs a 'kind': 'single', 'multiple' or 'numeric'"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind not in ("value_error", "assertion_error") and "input" in error:
        shown = repr(error["input"])
        message += f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
    return message


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; raise CaseDataError naming the file and line on bad syntax."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseDataError([DataError(str(path), None, None, f"cannot read file: {exc}")])
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (safe loader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CaseDataError([DataError(str(path), None, None, f"invalid YAML: {where}{problem}")])


def load_case(path: Path) -> Case:
    data = read_yaml(path)
    if data is None:
        raise CaseDataError([DataError(str(path), None, None, "file is empty: expected a case")])
    if not isinstance(data, dict):
        raise CaseDataError(
            [DataError(str(path), None, None, "expected a mapping of case fields at the top level")]
        )
    case_id = data.get("id") if isinstance(data.get("id"), str) else None
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise CaseDataError(
            [
                DataError(str(path), case_id, _field_path(error["loc"]), _describe(error))  # type: ignore[arg-type]
                for error in exc.errors()
            ]
        ) from None
    if case.id != path.stem:
        raise CaseDataError(
            [DataError(str(path), case.id, "id", f"must match the file name '{path.stem}'")]
        )
    return case


def load_catalogue(path: Path) -> ChapterCatalogue:
    data = read_yaml(path)
    try:
        return ChapterCatalogue.model_validate({"chapters": data})
    except ValidationError as exc:
        raise CaseDataError(
            [
                DataError(str(path), None, _field_path(error["loc"][1:]), _describe(error))  # type: ignore[arg-type]
                for error in exc.errors()
            ]
        ) from None


def _cross_check(
    cases: dict[Path, Case], bib_keys: set[str] | None, catalogue: ChapterCatalogue | None
) -> list[DataError]:
    errors: list[DataError] = []
    case_files: dict[str, Path] = {}
    question_owner: dict[str, str] = {}
    for path, case in cases.items():
        if case.id in case_files:
            errors.append(
                DataError(str(path), case.id, "id", f"duplicate case id, also in {case_files[case.id]}")
            )
        case_files[case.id] = path
        stage_ids: set[str] = set()
        for s_index, stage in enumerate(case.stages):
            if stage.id in stage_ids:
                errors.append(
                    DataError(str(path), case.id, f"stages[{s_index}].id", f"duplicate stage id '{stage.id}'")
                )
            stage_ids.add(stage.id)
            for q_index, question in enumerate(stage.questions):
                field = f"stages[{s_index}].questions[{q_index}].id"
                if question.id in question_owner:
                    errors.append(
                        DataError(
                            str(path),
                            case.id,
                            field,
                            f"duplicate question id '{question.id}', also in case '{question_owner[question.id]}'",
                        )
                    )
                question_owner[question.id] = case.id
                if bib_keys is not None:
                    for key in question.cites:
                        if key not in bib_keys:
                            field = f"stages[{s_index}].questions[{q_index}].cites"
                            errors.append(
                                DataError(str(path), case.id, field, f"unknown bibliography key '{key}'")
                            )
        if bib_keys is not None:
            for key in case.cites:
                if key not in bib_keys:
                    errors.append(DataError(str(path), case.id, "cites", f"unknown bibliography key '{key}'"))
        if catalogue is not None:
            for chapter in case.chapters:
                if chapter not in catalogue.chapters:
                    errors.append(DataError(str(path), case.id, "chapters", f"unknown chapter '{chapter}'"))
            for objective in case.objectives:
                chapter, _, objective_id = objective.partition("/")
                known = catalogue.chapters.get(chapter)
                if known is None or objective_id not in {o.id for o in known.objectives}:
                    errors.append(
                        DataError(str(path), case.id, "objectives", f"unknown learning objective '{objective}'")
                    )
    return errors


def load_cases(
    directory: Path,
    bib_keys: set[str] | None = None,
    catalogue: ChapterCatalogue | None = None,
    extra_dirs: Iterable[Path] = (),
) -> dict[str, Case]:
    """Load every ``*.yaml`` case in *directory* (and in *extra_dirs*, drafts being checked
    against the library); raise CaseDataError listing all problems."""
    errors: list[DataError] = []
    cases: dict[Path, Case] = {}
    paths = [path for folder in (directory, *extra_dirs) for path in sorted(folder.glob("*.yaml"))]
    for path in paths:
        try:
            cases[path] = load_case(path)
        except CaseDataError as exc:
            errors.extend(exc.errors)
    errors.extend(_cross_check(cases, bib_keys, catalogue))
    if errors:
        raise CaseDataError(errors)
    return {case.id: case for case in cases.values()}
