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
import zlib
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
    _build(source)
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


def _script_versions(site: Path, name: str) -> dict[str, str]:
    """The ``?v=`` checksum with which each page names the script ``name``."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        if page.relative_to(site).parts[0] == "_static":
            continue  # the theme's own HTML pieces, not pages
        versions = re.findall(rf'src="[^"]*_static/{re.escape(name)}\?v=([0-9a-f]+)"', page.read_text(encoding="utf-8"))
        assert len(versions) == 1, f"{page.relative_to(site)} names {name} {len(versions)} times"
        found[page.relative_to(site).as_posix()] = versions[0]
    return found


def _nothing_read(build: subprocess.CompletedProcess[str]) -> bool:
    return re.search(r"\b0 source files that are out of date", build.stdout) is not None


def test_an_edited_script_reaches_the_site_and_every_page_names_it_afresh(tmp_path: Path) -> None:
    """Sphinx copies static files only when it writes a page, and a page names each script
    with a checksum of its content (``?v=``) when it is written. An author who edits only a
    script and runs `make book` must get the new file in the site, and every page must name
    it with the new checksum, or a browser that cached the old script keeps running it."""
    source = tmp_path / "book"
    shutil.copytree(BOOK, source, ignore=shutil.ignore_patterns("expected", "_build"))
    config = source / "_config.yml"
    settings = config.read_text(encoding="utf-8")
    assert "  config:\n" in settings, "the tiny book's _config.yml has no sphinx config block to add the script to"
    config.write_text(settings.replace("  config:\n", "  config:\n    html_js_files: [tiny-note.js]\n", 1), encoding="utf-8")
    (source / "_static").mkdir()
    edited = source / "_static" / "tiny-note.js"
    edited.write_text("// first\n", encoding="utf-8")
    # An editor's swap file: Sphinx never copies dotfiles, so it must not count as changed.
    (source / "_static" / ".tiny-note.js.swp").write_text("swap\n", encoding="utf-8")
    site = source / "_build" / "html"
    copy = site / "_static" / "tiny-note.js"
    _build(source)
    assert copy.read_text(encoding="utf-8") == "// first\n"
    first = _script_versions(site, "tiny-note.js")
    assert "book/chapter.html" in first and len(set(first.values())) == 1, first

    edited.write_text("// second\n", encoding="utf-8")
    later = copy.stat().st_mtime + 2  # coarse file-system clocks
    os.utime(edited, (later, later))
    rebuild = _build(source)
    assert _nothing_read(rebuild), "a page changed: the test would prove nothing"
    assert copy.read_text(encoding="utf-8") == "// second\n", "the site kept the old copy"
    second = _script_versions(site, "tiny-note.js")
    stale = sorted(page for page, version in second.items() if version == first[page])
    assert not stale, f"these pages still name the old script: {stale}"
    assert set(second.values()) == {f"{zlib.crc32(edited.read_bytes()):08x}"}, second

    again = _build(source)
    assert "no targets are out of date" in again.stdout, "nothing changed, yet the book was rebuilt"

    # Saved again unchanged (or an edit undone): Sphinx leaves the copy alone. One build may
    # write the pages again; the next must be a no-op, not a full write every time.
    touched = copy.stat().st_mtime + 4
    os.utime(edited, (touched, touched))
    _build(source)
    settled = _build(source)
    assert "no targets are out of date" in settled.stdout, "an unchanged script keeps the book rebuilding"
    assert set(_script_versions(site, "tiny-note.js").values()) == set(second.values())
