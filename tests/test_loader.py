"""An author who breaks a case file is told exactly where: file, case id, field path and
what was expected, in a line or two, never a traceback."""

from __future__ import annotations

import contextlib
import copy
import io
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from cehcourse import loader
from cehcourse.cli import main as cli_main
from cehcourse.course import load_course
from cehcourse.loader import MAX_ERRORS_PER_FILE, CaseDataError

ROOT = Path(__file__).resolve().parent.parent
GOOD = yaml.safe_load((ROOT / "book" / "cases" / "classic-ceh.yaml").read_text())


def make_course(tmp_path: Path, files: dict[str, str]) -> Path:
    """A minimal course folder: the real chapter catalogue and bibliography, given cases."""
    (tmp_path / "book" / "cases").mkdir(parents=True)
    (tmp_path / "book" / "chapters.yaml").write_text((ROOT / "book" / "chapters.yaml").read_text())
    (tmp_path / "references.bib").write_text((ROOT / "references.bib").read_text())
    for name, text in files.items():
        (tmp_path / "book" / "cases" / name).write_text(text)
    return tmp_path


def errors_for(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(CaseDataError) as caught:
        load_course(make_course(tmp_path, files))
    return [str(error) for error in caught.value.errors]


def mutated(change) -> str:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(GOOD)
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


def first_question(data: dict) -> dict:  # type: ignore[type-arg]
    return data["stages"][0]["questions"][0]


def first_of_kind(kind: str) -> tuple[int, int]:
    """Where the good case's first question of *kind* is, wherever authors put it."""
    return next(
        (s, q) for s, stage in enumerate(GOOD["stages"]) for q, question in enumerate(stage["questions"]) if question["kind"] == kind
    )


S, Q = first_of_kind("numeric")
ANSWER = f"stages[{S}].questions[{Q}].answer"
MS, MQ = first_of_kind("multiple")
assert GOOD["stages"][0]["questions"][0]["kind"] == "single"


def numeric_answer(data: dict) -> dict:  # type: ignore[type-arg]
    return data["stages"][S]["questions"][Q]["answer"]  # type: ignore[no-any-return]


def good_text() -> str:
    return mutated(lambda d: None)


def raw(change, text: str) -> str:  # type: ignore[no-untyped-def]
    """The good case with one value written as raw YAML *text*: *change* sets that value
    to a marker, which is then replaced."""
    return mutated(lambda d: change(d, "RAW-MARKER")).replace("RAW-MARKER", text)


def set_minutes(data: dict, value: object) -> None:  # type: ignore[type-arg]
    data["minutes"] = value


def validate_output(course: Path) -> tuple[int, list[str], str]:
    """What `cehcourse validate` prints, run in this process: exit code, stderr lines, stdout."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["--root", str(course), "validate"])
    return code, err.getvalue().splitlines(), out.getvalue()


# Every problem line: "<file>: case '<id>': <field path>: <message>", the case and the field
# when known; the last line counts the problems.
PROBLEM_LINE = re.compile(r"^\S[^:]*(\.(?i:ya?ml)|/cases|\.bib)(: case '[^']+')?(: [\w.\[\]()<> -]+)?: \S.*$")


def assert_validate_reports(course: Path, expected: list[str], max_lines: int = 3) -> list[str]:
    code, lines, stdout = validate_output(course)
    joined = "\n".join(lines)
    assert code == 1 and stdout == "", f"validate passed:\n{stdout}{joined}"
    *problems, summary = lines
    assert summary == f"{len(problems)} problem(s) in the course data."
    for line in problems:
        assert PROBLEM_LINE.match(line), f"not a located one-line message: {line!r}"
        assert len(line) < 400, f"message too long: {line[:200]}..."
    for fragment in expected:
        assert fragment in joined, f"expected {fragment!r} in:\n{joined}"
    assert "Traceback" not in joined
    assert len(problems) <= max_lines, f"too many messages for one mistake:\n{joined}"
    return problems


ALIAS_BOMB = "id: classic-ceh\nlol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{n}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(9)
)


CASES = {
    "syntax error": (
        "id: classic-ceh\ntitle: [unclosed\n",
        ["classic-ceh.yaml: invalid YAML: line 3"],
    ),
    "empty file": ("", ["classic-ceh.yaml: file is empty: expected a case"]),
    "not a mapping": ("- just\n- a list\n", ["expected a mapping of case fields"]),
    "duplicate key": (
        "id: classic-ceh\nid: classic-ceh\n",
        ["classic-ceh.yaml: invalid YAML: line 2, column 1: duplicate key 'id'"],
    ),
    "unknown key": (
        mutated(lambda d: d.update(titel="typo")),
        ["classic-ceh.yaml: case 'classic-ceh': titel: unknown field"],
    ),
    "unknown nested key": (
        mutated(lambda d: first_question(d).update(hint="x")),
        ["case 'classic-ceh': stages[0].questions[0].hint: unknown field"],
    ),
    "missing key": (
        mutated(lambda d: d.pop("summary")),
        ["case 'classic-ceh': summary: required field is missing"],
    ),
    "missing explanation": (
        mutated(lambda d: first_question(d)["options"][1].pop("explanation")),
        ["case 'classic-ceh': stages[0].questions[0].options[1].explanation: required field is missing"],
    ),
    "wrong type": (
        mutated(lambda d: d["patient"].update(age="forty")),
        ["case 'classic-ceh': patient.age: Input should be a valid integer"],
    ),
    "bad kind": (
        mutated(lambda d: first_question(d).update(kind="essay")),
        ["stages[0].questions[0]: kind must be one of 'single', 'multiple', 'numeric', 'ordering' (got 'essay')"],
    ),
    "single with two correct": (
        mutated(lambda d: [o.update(correct=True) for o in first_question(d)["options"][:2]]),
        ["stages[0].questions[0]: a single-answer question needs exactly one correct option (found 2)"],
    ),
    "single with none correct": (
        mutated(lambda d: [o.update(correct=False) for o in first_question(d)["options"]]),
        ["a single-answer question needs exactly one correct option (found 0)"],
    ),
    "multiple with none correct": (
        mutated(lambda d: [o.update(correct=False) for o in d["stages"][MS]["questions"][MQ]["options"]]),
        [f"stages[{MS}].questions[{MQ}]: a multiple-answer question needs at least one correct option"],
    ),
    "unknown bib key": (
        mutated(lambda d: d["cites"].append("nobody1999")),
        ["case 'classic-ceh': cites: unknown bibliography key 'nobody1999'"],
    ),
    "unknown bib key in a question": (
        mutated(lambda d: first_question(d).update(cites=["nobody1999"])),
        ["stages[0].questions[0].cites: unknown bibliography key 'nobody1999'"],
    ),
    "unknown objective": (
        mutated(lambda d: d["objectives"].append("what-is-ceh/juggle")),
        ["objectives: unknown learning objective 'what-is-ceh/juggle'"],
    ),
    "unknown chapter": (
        mutated(lambda d: d["chapters"].append("astrology")),
        ["chapters: unknown chapter 'astrology'"],
    ),
    "id differs from file name": (
        mutated(lambda d: d.update(id="another-id")),
        ["case 'another-id': id: must match the file name 'classic-ceh'"],
    ),
    # Hostile YAML: refused while parsing, before anything is built from it.
    "yaml alias bomb": (
        ALIAS_BOMB,
        ["classic-ceh.yaml: invalid YAML: line 2, column 6: YAML anchors (&a) are not allowed in course data: write the value out"],
    ),
    "yaml alias": (
        raw(set_minutes, "*t"),
        ["classic-ceh.yaml: invalid YAML: line ", "YAML aliases (*t) are not allowed in course data: write the value out"],
    ),
    "yaml merge key is just an unknown field": (
        good_text() + "<<: {minutes: 3}\n",
        ["classic-ceh.yaml: case 'classic-ceh': <<: unknown field"],
    ),
    "!!binary": (
        good_text() + "extra: !!binary aGVsbG8=\n",
        ["classic-ceh.yaml: invalid YAML: line ", "YAML tags (!!binary) are not allowed in course data: write a plain value"],
    ),
    "!!python": (
        raw(set_minutes, "!!python/object/apply:os.system [echo]"),
        ["YAML tags (!!python/object/apply:os.system) are not allowed in course data"],
    ),
    "!!set": (raw(set_minutes, "!!set {a, b}"), ["YAML tags (!!set) are not allowed"]),
    "!!timestamp": (raw(set_minutes, "!!timestamp 2024-01-01"), ["YAML tags (!!timestamp) are not allowed"]),
    "!!str": (raw(set_minutes, "!!str 12"), ["YAML tags (!!str) are not allowed"]),
    "local tag": (raw(set_minutes, "!twelve 12"), ["YAML tags (!twelve) are not allowed"]),
    "an unquoted date stays text": (
        raw(set_minutes, "2024-01-01"),
        ["case 'classic-ceh': minutes: Input should be a valid integer (got '2024-01-01')"],
    ),
    "deep nesting": (
        good_text() + "extra: " + "[" * 30 + "]" * 30 + "\n",
        ["classic-ceh.yaml: invalid YAML: line", "nested more than 20 levels deep"],
    ),
    "very deep nesting": (good_text() + "extra: " + "[" * 50_000 + "\n", ["classic-ceh.yaml: invalid YAML: line"]),
    "key that is not a word": (
        good_text() + "[a, b]: 1\n",
        ["classic-ceh.yaml: invalid YAML: line", "a key must be a word, not a list"],
    ),
    "number too long to read": (
        raw(set_minutes, "9" * 5000),
        ["classic-ceh.yaml: invalid YAML: line", "number has more than 30 digits"],
    ),
    "control characters are shown escaped": (
        raw(set_minutes, '"\\e[2J\\nline two"'),
        ["case 'classic-ceh': minutes: Input should be a valid integer (got '\\x1b[2J\\nline two')"],
    ),
    "file too large": (
        good_text() + "# " + "x" * 300_000 + "\n",
        ["classic-ceh.yaml: file is larger than 256 KB: not course data"],
    ),
    "huge value is not echoed": (
        mutated(lambda d: d.update(title=["lol"] * 10_000)),
        ["case 'classic-ceh': title: Input should be a valid string (got ['lol', 'lol', 'lol', ...])"],
    ),
    # Non-finite and unreasonable numbers (they would break the page's quiz).
    ".nan value": (
        raw(lambda d, v: numeric_answer(d).update(value=v), ".nan"),
        [f"case 'classic-ceh': {ANSWER}.value: must be a finite number (not .nan or .inf)"],
    ),
    ".inf tolerance": (
        raw(lambda d, v: numeric_answer(d).update(tolerance=v), ".inf"),
        [f"case 'classic-ceh': {ANSWER}.tolerance: must be a finite number (not .nan or .inf)"],
    ),
    "overflowing number": (
        raw(lambda d, v: numeric_answer(d).update(value=v), "-1.0e400"),
        [f"{ANSWER}.value: must be a finite number (not .nan or .inf)"],
    ),
    "tolerance too wide": (
        mutated(lambda d: numeric_answer(d).update(value=6, tolerance=1e300)),
        [f"case 'classic-ceh': {ANSWER}.tolerance: tolerance 1e+300 is too wide for the answer 6: at most half of it (3), or almost any answer is accepted"],
    ),
    "tolerance too wide for an answer of 0": (
        mutated(lambda d: numeric_answer(d).update(value=0, tolerance=2)),
        [f"{ANSWER}.tolerance: tolerance 2 is too wide for the answer 0: at most 1, or almost any answer is accepted"],
    ),
    "negative tolerance": (
        mutated(lambda d: numeric_answer(d).update(tolerance=-1)),
        [f"{ANSWER}.tolerance: Input should be greater than or equal to 0 (got -1)"],
    ),
    # Strict types: nothing is coerced.
    "correct: 'yes' (text)": (
        mutated(lambda d: first_question(d)["options"][0].update(correct="yes")),
        ["case 'classic-ceh': stages[0].questions[0].options[0].correct: Input should be a valid boolean (got 'yes')"],
    ),
    "correct: yes (YAML 1.1 boolean)": (
        raw(lambda d, v: first_question(d)["options"][0].update(correct=v), "yes"),
        ["stages[0].questions[0].options[0].correct: Input should be a valid boolean (got 'yes')"],
    ),
    "correct: 1": (
        mutated(lambda d: first_question(d)["options"][0].update(correct=1)),
        ["stages[0].questions[0].options[0].correct: Input should be a valid boolean (got 1)"],
    ),
    "number written as text": (
        mutated(lambda d: numeric_answer(d).update(value="6")),
        [f"{ANSWER}.value: Input should be a valid number (got '6')"],
    ),
    "true as a number": (
        mutated(lambda d: numeric_answer(d).update(value=True)),
        [f"{ANSWER}.value: Input should be a valid number (got True)"],
    ),
    "age as text": (
        mutated(lambda d: d["patient"].update(age="44")),
        ["case 'classic-ceh': patient.age: Input should be a valid integer (got '44')"],
    ),
    "fractional minutes": (
        mutated(lambda d: d.update(minutes=12.5)),
        ["case 'classic-ceh': minutes: Input should be a valid integer (got 12.5)"],
    ),
    "octal-looking number is decimal": (
        raw(set_minutes, "0130"),
        ["case 'classic-ceh': minutes: Input should be less than or equal to 120 (got 130)"],
    ),
    # Bounded text.
    "title too long": (
        mutated(lambda d: d.update(title="x" * 201)),
        ["case 'classic-ceh': title: String should have at most 200 characters (got 'xxxxxxxxxx"],
    ),
    "stem too long": (
        mutated(lambda d: first_question(d).update(stem="x" * 1501)),
        ["stages[0].questions[0].stem: String should have at most 1500 characters"],
    ),
    "option too long": (
        mutated(lambda d: first_question(d)["options"][0].update(text="x" * 1501)),
        ["stages[0].questions[0].options[0].text: String should have at most 1500 characters"],
    ),
    "explanation too long": (
        mutated(lambda d: first_question(d)["options"][0].update(explanation="x" * 3001)),
        ["stages[0].questions[0].options[0].explanation: String should have at most 3000 characters"],
    ),
    "narrative too long": (
        mutated(lambda d: d["stages"][0].update(narrative="x" * 8001)),
        ["stages[0].narrative: String should have at most 8000 characters"],
    ),
    "too many stages": (
        mutated(lambda d: d.update(stages=[copy.deepcopy(stage) for stage in d["stages"] * 5])),
        ["case 'classic-ceh': stages: List should have at most 12 items after validation, not 15"],
    ),
    # The library's shape.
    "library case with 2 stages": (
        mutated(lambda d: d["stages"].pop(0)),
        ["case 'classic-ceh': stages: a library case (role: case) needs at least 3 stages (found 2)"],
    ),
    "library case with 3 questions": (
        mutated(lambda d: [stage.update(questions=stage["questions"][:1]) for stage in d["stages"][:3]] and d.update(stages=d["stages"][:3])),
        ["case 'classic-ceh': stages: a library case (role: case) needs at least 4 questions (found 3)"],
    ),
    "library case with 1 stage and 1 question": (
        mutated(lambda d: d.update(stages=[{**d["stages"][0], "questions": d["stages"][0]["questions"][:1]}])),
        ["stages: a library case (role: case) needs at least 3 stages (found 1) and at least 4 questions (found 1)"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_case_file_gets_a_located_message(tmp_path: Path, name: str) -> None:
    """The output of `cehcourse validate`: one located line per problem, then the count."""
    text, expected = CASES[name]
    started = time.monotonic()
    assert_validate_reports(make_course(tmp_path, {"classic-ceh.yaml": text}), expected)
    assert time.monotonic() - started < 5, f"{name}: validate took {time.monotonic() - started:.1f} s"


def test_a_chapter_check_may_be_short(tmp_path: Path) -> None:
    """Self-checks (role: chapter-check) are exempt from the library's 3 stages / 4 questions."""
    text = mutated(lambda d: d.update(role="chapter-check", stages=d["stages"][:1]))
    assert load_course(make_course(tmp_path, {"classic-ceh.yaml": text})).cases["classic-ceh"].role == "chapter-check"


def test_the_real_course_files_parse_as_plain_yaml_would() -> None:
    """The course's YAML reader (YAML 1.2 scalars, no tags or aliases) reads today's files
    exactly as PyYAML's safe_load does."""
    for path in [ROOT / "book" / "chapters.yaml", *sorted((ROOT / "book" / "cases").glob("*.yaml"))]:
        assert loader.read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path.name


HOSTILE_YAML = {
    "anchor": ("a: &x 1\n", "line 1, column 4: YAML anchors (&x) are not allowed in course data"),
    "alias": ("a: *x\n", "line 1, column 4: YAML aliases (*x) are not allowed in course data"),
    "alias bomb": (ALIAS_BOMB, "line 2, column 6: YAML anchors (&a) are not allowed"),
    "python tag": ("a: !!python/name:os.system\n", "line 1, column 4: YAML tags (!!python/name:os.system) are not allowed"),
    "binary": ("a: !!binary aGk=\n", "YAML tags (!!binary) are not allowed"),
    "block nesting": ("".join("  " * n + f"k{n}:\n" for n in range(25)), "nested more than 20 levels deep"),
    "flow nesting": ("a: " + "[" * 25 + "]" * 25 + "\n", "nested more than 20 levels deep"),
    "list key": ("? [a]\n: 1\n", "line 1, column 3: a key must be a word, not a list"),
    "number key": ("1: a\n", "line 1, column 1: a key must be a word, not a number"),
    "two documents": ("a: 1\n---\nb: 2\n", "line 2, column 1: but found another document"),
    "control character": ("a: b\x07\n", "invalid YAML: character 5: "),
}


@pytest.mark.parametrize("parser", ["libyaml", "python"])
@pytest.mark.parametrize("name", list(HOSTILE_YAML))
def test_both_yaml_parsers_refuse_the_same_things(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser: str, name: str) -> None:
    """libyaml parses when PyYAML has it, PyYAML's own parser otherwise: same rules."""
    if parser == "python":
        monkeypatch.setattr(loader, "_Loader", loader._PythonLoader)
    else:
        assert loader._Loader.__name__ == "_LibyamlLoader", "PyYAML without libyaml: install the wheel"
    text, expected = HOSTILE_YAML[name]
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(CaseDataError) as caught:
        loader.read_yaml(path)
    (error,) = caught.value.errors
    assert str(error).startswith(f"{path}: invalid YAML: ") and expected in str(error), str(error)


def test_yaml_scalars_resolve_as_in_yaml_1_2(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: yes\nb: No\nc: on\nd: 010\ne: 1:30\nf: 2024-01-01\ng: 1e3\nh: true\ni: ~\nj: -.5\nk: .NaN\nl: 0x1F\n")
    data = loader.read_yaml(path)
    assert {k: v for k, v in data.items() if k != "k"} == {
        "a": "yes", "b": "No", "c": "on", "d": 10, "e": "1:30", "f": "2024-01-01", "g": 1000.0, "h": True, "i": None, "j": -0.5, "l": "0x1F",
    }
    assert data["k"] != data["k"]  # NaN: read as a number, then refused by the model


def test_many_problems_in_one_file_are_capped(tmp_path: Path) -> None:
    text = mutated(lambda d: d.update({f"typo{n}": n for n in range(100)}))
    code, lines, _ = validate_output(make_course(tmp_path, {"classic-ceh.yaml": text}))
    assert code == 1
    assert len(lines) == MAX_ERRORS_PER_FILE + 2
    assert lines[-2].endswith(f"classic-ceh.yaml: case 'classic-ceh': {100 - MAX_ERRORS_PER_FILE} more problem(s) not shown: fix these first")


def test_chapter_catalogue_refuses_aliases_too(tmp_path: Path) -> None:
    course = make_course(tmp_path, {"classic-ceh.yaml": good_text()})
    catalogue = course / "book" / "chapters.yaml"
    catalogue.write_text(catalogue.read_text().replace("what-is-ceh:", "what-is-ceh: &w", 1) + "copy: *w\n")
    assert_validate_reports(course, ["book/chapters.yaml: invalid YAML: line ", "YAML anchors (&w) are not allowed in course data"], max_lines=1)


# Problems with the case folder rather than with one case.
FOLDER_CASES = {
    "case saved as .yml": (
        {"classic-ceh.yaml": good_text(), "draft.yml": good_text().replace("id: classic-ceh", "id: draft")},
        ["book/cases/draft.yml: case files end in .yaml: rename to draft.yaml"],
    ),
    "case saved as .YAML": (
        {"classic-ceh.YAML": good_text()},
        ["book/cases/classic-ceh.YAML: case files end in .yaml: rename to classic-ceh.yaml"],
    ),
    "empty case folder": ({}, ["book/cases: no case files (*.yaml) in this folder"]),
    "missing case folder": (None, ["book/cases: case folder is missing"]),
}


@pytest.mark.parametrize("name", list(FOLDER_CASES))
def test_case_folder_problems_are_reported(tmp_path: Path, name: str) -> None:
    files, expected = FOLDER_CASES[name]
    course = make_course(tmp_path, files or {})
    if files is None:
        (course / "book" / "cases").rmdir()
    assert_validate_reports(course, expected, max_lines=1)


def test_duplicate_case_and_question_ids_across_files(tmp_path: Path) -> None:
    copy_text = mutated(lambda d: None)
    messages = errors_for(tmp_path, {"classic-ceh.yaml": copy_text, "zz-copy.yaml": copy_text.replace("id: classic-ceh", "id: zz-copy")})
    joined = "\n".join(messages)
    assert "zz-copy.yaml: case 'zz-copy': stages[0].questions[0].id: duplicate question id 'classic-first-feature', also in case 'classic-ceh'" in joined


def test_duplicate_case_id_across_folders(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course", {"classic-ceh.yaml": mutated(lambda d: None)})
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "classic-ceh.yaml").write_text(mutated(lambda d: None))
    with pytest.raises(CaseDataError) as caught:
        load_course(course, (drafts,))
    assert any("duplicate case id, also in" in str(e) for e in caught.value.errors)


def test_validate_command_reports_without_traceback(tmp_path: Path) -> None:
    course = make_course(tmp_path, {"classic-ceh.yaml": mutated(lambda d: d["patient"].update(sex="unknown"))})
    result = subprocess.run(
        [sys.executable, "-m", "cehcourse", "--root", str(course), "validate"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "case 'classic-ceh': patient.sex: Input should be 'female' or 'male'" in result.stderr
    assert "1 problem(s) in the course data." in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_command_accepts_the_real_course() -> None:
    result = subprocess.run([sys.executable, "-m", "cehcourse", "--root", str(ROOT), "validate"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")


def test_book_build_stops_on_bad_case_data(tmp_path: Path) -> None:
    """The Sphinx extension runs the same checks: the build fails with the located
    message and no Python traceback."""
    course = make_course(
        tmp_path,
        {
            "classic-ceh.yaml": mutated(lambda d: [o.update(correct=True) for o in first_question(d)["options"][:2]]),
            "bomb.yaml": ALIAS_BOMB,
            "draft.yml": "id: draft\n",
        },
    )
    (course / "_config.yml").write_text((ROOT / "_config.yml").read_text())
    (course / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (course / "index.md").write_text("# Index\n")
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jb), "build", str(course), "-W", "-n", "--keep-going"], capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "case 'classic-ceh': stages[0].questions[0]: a single-answer question needs exactly one correct option (found 2)" in output
    assert "bomb.yaml: invalid YAML: line 2, column 6: YAML anchors (&a) are not allowed in course data: write the value out" in output
    assert "draft.yml: case files end in .yaml: rename to draft.yaml" in output
    assert "Build stopped: 3 problem(s) in the course data." in output
    assert "Traceback" not in output
    assert not (course / "_build" / "html" / "index.html").exists()
