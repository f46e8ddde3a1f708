"""A tiny course (tests/books/tiny: one chapter, one case with every question kind, an
answer key) built with the course's Sphinx extension. The HTML the extension makes is
compared with tests/books/tiny/expected/, so any change to what students or instructors
get shows up in review. After an intended change: CEHCOURSE_REGEN=1 pytest tests/test_tiny_book.py
rewrites the expected files; read their diff before committing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parent / "books" / "tiny"
EXPECTED = BOOK / "expected"

# (page, what to cut out of it, expected file)
PIECES = [
    ("book/cases/tiny-case.html", r'<section class="vignette".*?</section>', "case-quiz.html"),
    ("book/chapter.html", r'<aside class="chapter-intro".*?</aside>', "chapter-intro.html"),
    ("book/chapter.html", r'<span class="evidence evidence-.*?</span>[^<]*</span>', "evidence.html"),
    ("book/chapter.html", r'<ul class="chapter-cases">.*?</ul>', "chapter-cases.html"),
    ("book/answer-key.html", r'<section class="answer-key-case".*?</section>\s*</section>', "answer-key.html"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("tiny") / "book"
    shutil.copytree(BOOK, source, ignore=shutil.ignore_patterns("expected", "_build"))
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jb), "build", str(source), "-W", "-n", "--keep-going"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return source / "_build" / "html"


@pytest.mark.parametrize("page, pattern, expected", PIECES, ids=[p[2] for p in PIECES])
def test_tiny_book_html_matches_the_expected(built: Path, page: str, pattern: str, expected: str) -> None:
    html = (built / page).read_text(encoding="utf-8")
    found = re.search(pattern, html, re.S)
    assert found, f"{page}: nothing matches {pattern}"
    piece = found.group(0).strip() + "\n"
    target = EXPECTED / expected
    if os.environ.get("CEHCOURSE_REGEN"):
        target.parent.mkdir(exist_ok=True)
        target.write_text(piece, encoding="utf-8")
    assert target.exists(), f"no expected file {target}: run with CEHCOURSE_REGEN=1 once"
    assert piece == target.read_text(encoding="utf-8"), f"{page}: the HTML changed (see {target})"


def _build(source: Path) -> subprocess.CompletedProcess[str]:
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jb), "build", str(source), "-W", "-n", "--keep-going"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_an_edited_static_file_reaches_the_site_when_no_page_changed(tmp_path: Path) -> None:
    """Sphinx copies static files only when it writes a page: an author who edits only a
    script or a stylesheet and runs `make book` must still get the new file in the site."""
    source = tmp_path / "book"
    shutil.copytree(BOOK, source, ignore=shutil.ignore_patterns("expected", "_build"))
    (source / "_static").mkdir()
    edited = source / "_static" / "tiny-note.css"
    edited.write_text("/* first */\n", encoding="utf-8")
    copy = source / "_build" / "html" / "_static" / "tiny-note.css"
    _build(source)
    assert copy.read_text(encoding="utf-8") == "/* first */\n"

    edited.write_text("/* second */\n", encoding="utf-8")
    later = copy.stat().st_mtime + 2  # coarse file-system clocks
    os.utime(edited, (later, later))
    rebuild = _build(source)
    assert "0 source files that are out of date" in rebuild.stdout, "a page changed: the test would prove nothing"
    assert copy.read_text(encoding="utf-8") == "/* second */\n", "the site kept the old copy"

    again = _build(source)
    assert "no targets are out of date" in again.stdout, "nothing changed, yet the book was rebuilt"
