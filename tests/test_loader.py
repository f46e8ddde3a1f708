"""An author who breaks a case file is told exactly where: file, case id, field path and
what was expected, in a line or two, never a traceback."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cehcourse.course import load_course
from cehcourse.loader import CaseDataError

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
        ["stages[0].questions[0]: kind must be one of 'single', 'multiple', 'numeric' (got 'essay')"],
    ),
    "single with two correct": (
        mutated(lambda d: first_question(d)["options"][1].update(correct=True)),
        ["stages[0].questions[0]: a single-answer question needs exactly one correct option (found 2)"],
    ),
    "single with none correct": (
        mutated(lambda d: first_question(d)["options"][0].update(correct=False)),
        ["a single-answer question needs exactly one correct option (found 0)"],
    ),
    "multiple with none correct": (
        mutated(lambda d: [o.update(correct=False) for o in d["stages"][1]["questions"][1]["options"]]),
        ["stages[1].questions[1]: a multiple-answer question needs at least one correct option"],
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
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_case_file_gets_a_located_message(tmp_path: Path, name: str) -> None:
    text, expected = CASES[name]
    messages = errors_for(tmp_path, {"classic-ceh.yaml": text})
    joined = "\n".join(messages)
    for fragment in expected:
        assert fragment in joined, f"{name}: expected {fragment!r} in:\n{joined}"
    assert "Traceback" not in joined
    assert len(messages) <= 3, f"{name}: too many messages for one mistake:\n{joined}"


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
    course = make_course(tmp_path, {"classic-ceh.yaml": mutated(lambda d: first_question(d)["options"][2].update(correct=True))})
    (course / "_config.yml").write_text((ROOT / "_config.yml").read_text())
    (course / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (course / "index.md").write_text("# Index\n")
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jb), "build", str(course), "-W", "-n", "--keep-going"], capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "case 'classic-ceh': stages[0].questions[0]: a single-answer question needs exactly one correct option (found 2)" in output
    assert "Build stopped: 1 problem(s) in the course data." in output
    assert "Traceback" not in output
    assert not (course / "_build" / "html" / "index.html").exists()
