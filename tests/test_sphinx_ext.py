"""The Sphinx extension's own checks, without a full book build."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from cehcourse.course import load_course
from cehcourse.sphinx_ext import _check_case_pages

ROOT = Path(__file__).resolve().parent.parent


def test_a_library_case_without_a_page_stops_the_build(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    data = load_course(ROOT)
    pages = {f"book/cases/{case.id}" for case in data.library_cases()}
    dropped = data.library_cases()[0].id
    env = SimpleNamespace(app=SimpleNamespace(cehcourse_data=data), found_docs=pages - {f"book/cases/{dropped}"})
    with pytest.raises(SystemExit):
        _check_case_pages(SimpleNamespace(srcdir=str(ROOT)), env)  # type: ignore[arg-type]
    assert f"book/cases/{dropped}.yaml: case '{dropped}': has no page in the book" in caplog.text
    assert "Build stopped: 1 problem(s)" in capsys.readouterr().err


def test_every_library_case_with_a_page_passes() -> None:
    data = load_course(ROOT)
    env = SimpleNamespace(app=SimpleNamespace(cehcourse_data=data), found_docs={f"book/cases/{c.id}" for c in data.library_cases()})
    _check_case_pages(SimpleNamespace(srcdir=str(ROOT)), env)  # type: ignore[arg-type]
