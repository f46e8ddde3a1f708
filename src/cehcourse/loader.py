"""Load and check case files, turning every problem into a one-line, located message.

An author who breaks a case file should read *where* (file, case id, field path)
and *what was expected*, never a Python traceback.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .model import KIND_NAMES, Case, ChapterCatalogue


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
        return _one_line(f"{where}: {self.message}")


def _one_line(text: str) -> str:
    """Whatever a message quotes from a file stays on one line and cannot drive the
    terminal: line breaks and other control characters are shown escaped."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


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


# Bounds that no real course file comes near (the largest case file is about 20 KB and
# nests 8 levels deep), so that a hostile or broken file fails fast instead of eating
# memory or the stack.
MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 20
MAX_NUMBER_DIGITS = 30
# A file with more problems than this is reported by its first ones and a count.
MAX_ERRORS_PER_FILE = 25

_CORE = "tag:yaml.org,2002:"


class _CourseYaml(yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """YAML for course data: plain text, numbers, true/false, null, lists and mappings,
    nothing else.

    - Aliases and anchors (``&a``/``*a``) are refused: case files don't need them, and
      nested aliases ("billion laughs") make a tiny file expand without bound.
    - Explicit tags (``!!binary``, ``!!python/...``, ``!!set``, ``!!timestamp``, ``!x``)
      are refused; nothing but the types above is ever constructed.
    - Scalars resolve as in YAML 1.2: only ``true``/``false`` are booleans (``yes``,
      ``no``, ``on``, ``off`` stay text), numbers are decimal (``010`` is 10, ``1:30`` is
      text), and dates stay text.
    - Equal keys in one mapping are an error (PyYAML would keep the last); keys are text.
    - Nesting deeper than MAX_DEPTH is refused (PyYAML composes recursively).

    The checks live in composing and constructing, which stay in Python; scanning and
    parsing are libyaml's when PyYAML has it (several times faster) or PyYAML's own.
    """

    yaml_implicit_resolvers = {}  # filled below: YAML 1.2 core resolution only
    yaml_constructors = {}  # filled below: plain types only
    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[attr-defined]
        anchor, tag = getattr(event, "anchor", None), getattr(event, "tag", None)
        problem = None
        if isinstance(event, yaml.AliasEvent):
            problem = f"YAML aliases (*{_clip(str(anchor))}) are not allowed in course data: write the value out"
        elif anchor is not None:
            problem = f"YAML anchors (&{_clip(str(anchor))}) are not allowed in course data: write the value out"
        elif tag is not None:
            shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
            problem = f"YAML tags ({_clip(shown)}) are not allowed in course data: write a plain value"
        elif self._depth >= MAX_DEPTH:
            problem = f"nested more than {MAX_DEPTH} levels deep"
        if problem:
            raise yaml.composer.ComposerError(None, None, problem, event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    None, None, f"a key must be a word, not {_kind(key)}", key_node.start_mark
                )
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{_clip(key)}'", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_course_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        if len(text.lstrip("+-")) > MAX_NUMBER_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"number has more than {MAX_NUMBER_DIGITS} digits", node.start_mark
            )
        return int(text, 10)

    def construct_course_float(self, node: yaml.ScalarNode) -> float:
        text = str(self.construct_scalar(node)).lower()
        if text.lstrip("+-") == ".inf":
            return float(text.replace(".inf", "inf"))
        if text == ".nan":
            return float("nan")
        if len(text) > MAX_NUMBER_DIGITS + 10:
            raise yaml.constructor.ConstructorError(
                None, None, f"number has more than {MAX_NUMBER_DIGITS} digits", node.start_mark
            )
        return float(text)

    def construct_refused(self, node: yaml.Node) -> None:
        raise yaml.constructor.ConstructorError(
            None, None, f"YAML type {_clip(str(node.tag))} is not allowed in course data", node.start_mark
        )


# YAML 1.2 core schema resolution (PyYAML implements 1.1).
for _tag, _pattern, _first in [
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^[-+]?[0-9]+$", list("-+0123456789")),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
]:
    _CourseYaml.add_implicit_resolver(_CORE + _tag, re.compile(_pattern), _first)
for _tag, _constructor in [
    ("null", yaml.SafeLoader.construct_yaml_null),
    ("bool", yaml.SafeLoader.construct_yaml_bool),
    ("int", _CourseYaml.construct_course_int),
    ("float", _CourseYaml.construct_course_float),
    ("str", yaml.SafeLoader.construct_yaml_str),
    ("seq", yaml.SafeLoader.construct_yaml_seq),
    ("map", yaml.SafeLoader.construct_yaml_map),
]:
    _CourseYaml.add_constructor(_CORE + _tag, _constructor)  # type: ignore[type-var]
_CourseYaml.add_constructor(None, _CourseYaml.construct_refused)  # type: ignore[type-var]


class _PythonLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _CourseYaml):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


_Loader: Any = _PythonLoader
if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _LibyamlLoader(CParser, _CourseYaml):
        # libyaml's parser gives the events; composing them is _CourseYaml's (the C
        # composer would follow aliases without asking).
        get_single_node = yaml.composer.Composer.get_single_node
        get_node = yaml.composer.Composer.get_node
        check_node = yaml.composer.Composer.check_node

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _Loader = _LibyamlLoader


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", type(None): "empty", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


_SHORT = reprlib.Repr()
_SHORT.maxlevel = 2
_SHORT.maxlist = _SHORT.maxdict = _SHORT.maxtuple = _SHORT.maxset = 3
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlong = 40


def _short_repr(value: Any, limit: int = 60) -> str:
    """repr() for an error message: bounded work and length, whatever the value
    (reprlib never walks more than a few items of a few levels)."""
    shown = _SHORT.repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


_KINDS_LISTED = ", ".join(f"'{name}'" for name in KIND_NAMES)


def _field_path(loc: Iterable[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in KIND_NAMES:
            continue  # the discriminator tag pydantic adds to union paths
        else:
            path += f".{_clip(part)}" if path else _clip(part)
    return path or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling against the case schema)"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        return f"kind must be one of {_KINDS_LISTED} (got {_short_repr(error['ctx']['tag'])})"
    if kind == "union_tag_not_found":
        return f"question needs a 'kind': one of {_KINDS_LISTED}"
    if kind == "finite_number":
        return "must be a finite number (not .nan or .inf)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind not in ("value_error", "assertion_error") and "input" in error:
        message += f" (got {_short_repr(error['input'])})"
    return message


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; raise CaseDataError naming the file and line on bad syntax,
    on YAML features course data must not use, and on files too large to be course data."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise CaseDataError(
                [DataError(str(path), None, None, f"file is larger than {MAX_FILE_BYTES // 1024} KB: not course data")]
            )
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseDataError([DataError(str(path), None, None, f"cannot read file: {exc}")]) from None
    try:
        loader = _Loader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None)
        if isinstance(exc, yaml.reader.ReaderError):
            where = f"character {exc.position + 1}: "
            problem = f"{exc.reason} (#x{exc.character:04x})" if isinstance(exc.character, int) else exc.reason
        context = getattr(exc, "context", None)
        if problem and context:
            problem = f"{problem} ({context})"
        problem = problem or str(exc).splitlines()[0]
        raise CaseDataError([DataError(str(path), None, None, f"invalid YAML: {where}{problem}")]) from None


def _validation_errors(path: Path, case_id: str | None, exc: ValidationError, drop: int = 0) -> CaseDataError:
    errors = [
        DataError(str(path), case_id, _field_path(error["loc"][drop:]), _describe(error))  # type: ignore[arg-type]
        for error in exc.errors(include_url=False)
    ]
    if len(errors) > MAX_ERRORS_PER_FILE:
        hidden = len(errors) - MAX_ERRORS_PER_FILE
        errors = errors[:MAX_ERRORS_PER_FILE] + [
            DataError(str(path), case_id, None, f"{hidden} more problem(s) not shown: fix these first")
        ]
    return CaseDataError(errors)


def load_case(path: Path) -> Case:
    data = read_yaml(path)
    if data is None:
        raise CaseDataError([DataError(str(path), None, None, "file is empty: expected a case")])
    if not isinstance(data, dict):
        raise CaseDataError(
            [DataError(str(path), None, None, "expected a mapping of case fields at the top level")]
        )
    raw_id = data.get("id")
    case_id = _clip(raw_id, 60) if isinstance(raw_id, str) else None
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise _validation_errors(path, case_id, exc) from None
    if case.id != path.stem:
        raise CaseDataError(
            [DataError(str(path), case.id, "id", f"must match the file name '{_clip(path.stem, 60)}'")]
        )
    return case


def load_catalogue(path: Path) -> ChapterCatalogue:
    data = read_yaml(path)
    if data is None:
        raise CaseDataError([DataError(str(path), None, None, "file is empty: expected the chapter catalogue")])
    try:
        return ChapterCatalogue.model_validate({"chapters": data})
    except ValidationError as exc:
        raise _validation_errors(path, None, exc, drop=1) from None


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
                if catalogue.objective(objective) is None:
                    errors.append(
                        DataError(str(path), case.id, "objectives", f"unknown learning objective '{objective}'")
                    )
    return errors


def _case_files(folder: Path) -> tuple[list[Path], list[DataError]]:
    """The ``*.yaml`` files of a case folder, and errors for a missing or empty folder and
    for case files that would otherwise be skipped silently (``.yml``, ``.YAML``)."""
    if not folder.is_dir():
        return [], [DataError(str(folder), None, None, "case folder is missing")]
    errors = [
        DataError(str(path), None, None, f"case files end in .yaml: rename to {path.stem}.yaml")
        for path in sorted(folder.iterdir())
        if path.suffix.lower() in (".yml", ".yaml") and path.suffix != ".yaml"
    ]
    paths = sorted(folder.glob("*.yaml"))
    if not paths and not errors:
        errors.append(DataError(str(folder), None, None, "no case files (*.yaml) in this folder"))
    return paths, errors


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
    paths: list[Path] = []
    for folder in (directory, *extra_dirs):
        found, problems = _case_files(folder)
        paths.extend(found)
        errors.extend(problems)
    for path in paths:
        try:
            cases[path] = load_case(path)
        except CaseDataError as exc:
            errors.extend(exc.errors)
    errors.extend(_cross_check(cases, bib_keys, catalogue))
    if errors:
        raise CaseDataError(errors)
    return {case.id: case for case in cases.values()}
