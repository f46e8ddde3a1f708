"""Where the course's data lives, and loading all of it in one checked step."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import bibliography
from .loader import CaseDataError, DataError, load_catalogue, load_cases
from .model import Case, ChapterCatalogue


@dataclass(frozen=True)
class CourseData:
    root: Path
    catalogue: ChapterCatalogue
    cases: dict[str, Case]

    @property
    def bib_path(self) -> Path:
        return self.root / "references.bib"

    def library_cases(self) -> list[Case]:
        """Cases of the case library (not chapter self-checks), in teaching order: by the
        first chapter each case serves, then by id."""
        order = {chapter: index for index, chapter in enumerate(self.catalogue.chapters)}
        library = [case for case in self.cases.values() if case.role == "case"]
        return sorted(library, key=lambda case: (order.get(case.chapters[0], len(order)), case.id))

    def cases_for_chapter(self, chapter: str) -> list[Case]:
        return [case for case in self.library_cases() if chapter in case.chapters]


def cases_dir(root: Path) -> Path:
    return root / "book" / "cases"


def load_course(root: Path, extra_case_dirs: tuple[Path, ...] = ()) -> CourseData:
    """Load the chapter catalogue, bibliography keys and every case; raise CaseDataError."""
    bib_path = root / "references.bib"
    try:
        bib_keys = bibliography.keys(bib_path)
    except Exception as exc:  # pybtex raises several unrelated types on bad input
        raise CaseDataError([DataError(str(bib_path), None, None, f"cannot read bibliography: {exc}")]) from None
    catalogue = load_catalogue(root / "book" / "chapters.yaml")
    cases = load_cases(cases_dir(root), bib_keys=bib_keys, catalogue=catalogue, extra_dirs=extra_case_dirs)
    return CourseData(root=root, catalogue=catalogue, cases=cases)
