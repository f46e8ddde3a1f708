"""`make pdf`: the printed course holds every chapter (titles from book/chapters.yaml) and
the answer key, and prints the disclaimer."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

pytestmark = pytest.mark.browser


def _words(text: str) -> str:
    # pdftotext breaks lines and may hyphenate: compare on collapsed whitespace.
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip().lower()


def test_pdf_has_every_chapter(site: Path, tmp_path: Path) -> None:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: `make test` installs poppler-utils")
    out = tmp_path / "course.pdf"
    # A separate process: the browser tests' Playwright session may be running in this one.
    made = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_pdf.py"), "--site", str(site), "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert made.returncode == 0 and out.exists(), f"make_pdf.py failed:\n{made.stdout}\n{made.stderr}"
    text = _words(subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout)
    chapters = yaml.safe_load((ROOT / "book" / "chapters.yaml").read_text(encoding="utf-8"))
    missing = [entry["title"] for entry in chapters.values() if _words(entry["title"]) not in text]
    assert not missing, f"chapter titles not found in the PDF: {missing}"
    assert "answer key" in text, "the answer key page is not in the PDF"
    assert "not medical advice" in text, "the disclaimer is not printed"
