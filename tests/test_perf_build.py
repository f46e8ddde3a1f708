"""The no-op rebuild stays quick (issue 13: <= 10 s): the downloads' pins are found without
scanning every installed distribution's files, and the packed course is reused while what
it packs is unchanged."""

from __future__ import annotations

import tarfile
from importlib import metadata
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest

from cehcourse import course_pack


def test_pins_name_the_distribution_and_version_installed() -> None:
    pins = course_pack.pins({"yaml", "pydantic", "json", "IPython", "cehcourse"})
    assert pins == {"pydantic": f"pydantic=={metadata.version('pydantic')}",
                    "yaml": f"PyYAML=={metadata.version('PyYAML')}"}, "standard library, kernel and course modules are left out"


def test_a_module_no_distribution_provides_is_named() -> None:
    with pytest.raises(LookupError, match="'no_such_module_here'"):
        course_pack.pins({"no_such_module_here"})


def _course(root: Path) -> SimpleNamespace:
    (root / "book" / "cases").mkdir(parents=True)
    (root / "book" / "cases" / "a.yaml").write_text("id: a\n")
    (root / "book" / "chapters.yaml").write_text("chapters: {}\n")
    (root / "references.bib").write_text("")
    return SimpleNamespace(cases_dir=root / "book" / "cases", chapters_file=root / "book" / "chapters.yaml",
                           bib_path=root / "references.bib")


def _case_text(packed: bytes) -> bytes:
    with tarfile.open(fileobj=BytesIO(packed), mode="r:xz") as archive:
        member = archive.extractfile("course/book/cases/a.yaml")
        assert member is not None
        return member.read()


def test_the_packed_course_is_reused_until_what_it_packs_changes(tmp_path: Path) -> None:
    course, cache = _course(tmp_path / "repo"), tmp_path / "cache"
    first = course_pack.pack(course, cache)  # type: ignore[arg-type]
    assert first == course_pack.pack(course)  # type: ignore[arg-type]
    assert len(list(cache.glob("course-*.tar.xz"))) == 1
    assert course_pack.pack(course, cache) == first  # type: ignore[arg-type]
    (course.cases_dir / "a.yaml").write_text("id: a\ntitle: changed\n")
    second = course_pack.pack(course, cache)  # type: ignore[arg-type]
    assert _case_text(second) == b"id: a\ntitle: changed\n", "a changed case file is packed again"
    assert len(list(cache.glob("course-*.tar.xz"))) == 1, "the stale pack is removed"
