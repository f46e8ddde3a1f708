"""Sphinx side of the question bank: the ``{question-bank}`` directive, and the item
scripts it needs, written into the built site once the build has finished."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from . import bank
from .course import CourseData
from .sphinx_ext import _GeneratedSection


class QuestionBankDirective(_GeneratedSection):
    """``{question-bank}``: practice, exam and review sets drawn from every question."""

    searchable = False

    def html(self, data: CourseData) -> str:
        items = bank.bank_items(data)
        scripts = bank.item_scripts(data, items)
        # Kept in the environment: the scripts are written when the build finishes, and a
        # no-op rebuild (which reads no page) still has them.
        env: Any = self.env  # Sphinx's environment takes extensions' own attributes
        env.cehcourse_bank_scripts = scripts
        env.cehcourse_bank_docname = env.docname
        items_url = posixpath.relpath(bank.ITEMS_DIR, posixpath.dirname(self.env.docname) or ".") + "/"
        return bank.bank_page(data, items, scripts, items_url, self.page_link)


def _write_item_scripts(app: Sphinx, exception: Exception | None) -> None:
    scripts: dict[str, str] | None = getattr(app.env, "cehcourse_bank_scripts", None)
    if exception is not None or scripts is None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / bank.ITEMS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.js"):
        if stale.name not in scripts:
            stale.unlink()
    for name, text in scripts.items():
        target = folder / name
        # Unchanged files keep their dates, so a no-op rebuild writes nothing.
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


def _merge_scripts(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    """Parallel reads: the bank page's scripts come back from whichever process read it."""
    scripts = getattr(other, "cehcourse_bank_scripts", None)
    if scripts is not None:
        env.cehcourse_bank_scripts = scripts


def _forget_scripts(app: Sphinx, env: Any, docname: str) -> None:
    # Re-read when the bank page is re-read; a removed bank page leaves no scripts behind.
    if getattr(env, "cehcourse_bank_docname", None) == docname:
        env.cehcourse_bank_scripts = None


def setup(app: Sphinx) -> None:
    app.add_directive("question-bank", QuestionBankDirective)
    app.connect("env-merge-info", _merge_scripts)
    app.connect("env-purge-doc", _forget_scripts)
    app.connect("build-finished", _write_item_scripts)


__all__ = ["QuestionBankDirective", "setup"]
