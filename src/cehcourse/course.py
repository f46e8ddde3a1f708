"""Where the course's data lives, and loading all of it in one checked step."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import bibliography
from .loader import CaseDataError, DataError, load_catalogue, load_cases
from .model import Case, ChapterCatalogue


@dataclass(frozen=True)
class CoursePaths:
    """Where the data lives, relative to the course root. The Sphinx extension reads these
    from the config values cehcourse_cases, cehcourse_chapters and cehcourse_bibliography."""

    cases: str = "book/cases"
    chapters: str = "book/chapters.yaml"
    bibliography: str = "references.bib"

    def case_page(self, case_id: str) -> str:
        """The docname of a library case's own page: <cases folder>/<id>."""
        return f"{self.cases.strip('/')}/{case_id}"


@dataclass(frozen=True)
class CourseData:
    root: Path
    catalogue: ChapterCatalogue
    cases: dict[str, Case]
    paths: CoursePaths = CoursePaths()

    @property
    def bib_path(self) -> Path:
        return self.root / self.paths.bibliography

    @property
    def cases_dir(self) -> Path:
        return self.root / self.paths.cases

    @property
    def chapters_file(self) -> Path:
        return self.root / self.paths.chapters

    def library_cases(self) -> list[Case]:
        """Cases of the case library (not chapter self-checks), in teaching order: by the
        first chapter each case serves, then by id."""
        order = {chapter: index for index, chapter in enumerate(self.catalogue.chapters)}
        library = [case for case in self.cases.values() if case.role == "case"]
        return sorted(library, key=lambda case: (order.get(case.chapters[0], len(order)), case.id))

    def cases_for_chapter(self, chapter: str) -> list[Case]:
        return [case for case in self.library_cases() if chapter in case.chapters]


def load_course(root: Path, extra_case_dirs: tuple[Path, ...] = (), paths: CoursePaths = CoursePaths()) -> CourseData:
    """Load the chapter catalogue, bibliography keys and every case; raise CaseDataError."""
    bib_path = root / paths.bibliography
    try:
        bib_keys = bibliography.keys(bib_path)
    except Exception as exc:  # pybtex raises several unrelated types on bad input
        raise CaseDataError([DataError(str(bib_path), None, None, f"cannot read bibliography: {exc}")]) from None
    catalogue = load_catalogue(root / paths.chapters)
    cases = load_cases(root / paths.cases, bib_keys=bib_keys, catalogue=catalogue, extra_dirs=extra_case_dirs)
    return CourseData(root=root, catalogue=catalogue, cases=cases, paths=paths)
