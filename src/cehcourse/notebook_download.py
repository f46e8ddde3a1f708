"""The notebooks the book's download button gives: they run in any Jupyter, away from the
course repository. Each copy opens with a set-up cell that names the public packages the
notebook needs (and says how to install any that is missing); a notebook that plays cases
also carries the course (course_pack.py) and unpacks it into a temporary folder. Links to
book pages, dead in a lone notebook, become plain words. The copy in git stays small."""

from __future__ import annotations

import ast
import base64
import json
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from . import course_pack

logger = logging.getLogger(__name__)

# The first code cell of a notebook that uses the course package, as stored in git.
CHECKOUT_SETUP = '''# Set-up: the course's case files and its quiz package (cehcourse). Both are here when you
# open this notebook from the course repository with `make lab`; the copy that the book's
# download button gives carries them with it.
import importlib.util
from pathlib import Path


class SetupProblem(Exception):
    """Shown as its message alone: what to do, not a traceback."""

    def _render_traceback_(self):
        return [str(self)]


def find_course(start=Path.cwd()):
    """The course repository around this notebook: the folder with _config.yml and book/cases/."""
    for folder in (start, *start.parents):
        if (folder / "_config.yml").is_file() and (folder / "book" / "cases").is_dir():
            return folder
    raise SetupProblem(
        "This notebook needs the course's case files. Open it from the exercises/ folder of the "
        "course repository (run `make lab` there), or use the copy from the book's download button: "
        "it carries them.")


COURSE_ROOT = find_course()
if importlib.util.find_spec("cehcourse") is None:
    raise SetupProblem(
        "This notebook needs the course package, cehcourse. Start Jupyter with `make lab` in the "
        "course repository (it installs the package), or use the copy from the book's download "
        "button: it carries the package.")'''

_CHECK = '''import importlib.util
import sys

NEEDED = {needed}


class SetupProblem(Exception):
    """Shown as its message alone: what to do, not a traceback."""

    def _render_traceback_(self):
        return [str(self)]


if sys.version_info < (3, 11):
    raise SetupProblem(f"This notebook needs Python 3.11 or later; this kernel runs {{sys.version.split()[0]}}.")
missing = [pin for module, pin in NEEDED.items() if importlib.util.find_spec(module) is None]
if missing:
    raise SetupProblem(
        "This notebook needs Python packages that this Jupyter does not have. Run this in a new "
        f"cell: %pip install {{' '.join(missing)}}  then restart the kernel (Kernel menu) and run "
        "the notebook again from the top.")'''

_UNPACK = '''

import base64
import io
import tarfile
import tempfile
from pathlib import Path


def unpack_course(packed):
    folder = Path(tempfile.mkdtemp(prefix="cehcourse-"))
    with tarfile.open(fileobj=io.BytesIO(base64.b64decode(packed)), mode="r:xz") as archive:
        archive.extractall(folder, **({{"filter": "data"}} if hasattr(tarfile, "data_filter") else {{}}))
    sys.path.insert(0, str(folder / "python"))
    cases = len(list((folder / "course" / "book" / "cases").glob("*.yaml")))
    print(f"Unpacked the course that this notebook carries (its quiz code and {{cases}} case files) into {{folder}}.")
    return folder / "course"


COURSE_ROOT = unpack_course("{packed}")'''

# [words](target) with a relative target: a page of the book, absent beside a download.
_RELATIVE_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z][a-z0-9+.-]*:|#)[^)\s]+\)", re.I)


def download_setup(needed: dict[str, str], packed: bytes | None) -> str:
    if packed is None:
        head = "# Set-up. This copy of the notebook, from the course book, checks the packages it needs.\n"
    else:
        head = ("# Set-up. This copy of the notebook, from the course book, runs without the course\n"
                "# repository: this cell checks the packages it needs and unpacks the course it carries\n"
                "# (quiz code, case files, chapter list, references: the long text on the last line).\n")
    text = head + _CHECK.format(needed=json.dumps(needed, indent=4))
    if packed is not None:
        text += _UNPACK.format(packed=base64.b64encode(packed).decode("ascii"))
    return text


def imported_modules(notebook: dict[str, Any]) -> set[str]:
    """Top-level modules the notebook's code cells import (IPython magics skipped)."""
    modules: set[str] = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                modules.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.partition(".")[0])
    return modules


def _code_cell(source: str, hidden: bool, with_id: bool) -> dict[str, Any]:
    # A long cell starts folded in JupyterLab: the packed course is one very long line.
    metadata: dict[str, Any] = {"jupyter": {"source_hidden": True}} if hidden else {}
    cell = {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [],
            "source": source.splitlines(keepends=True)}
    # Cell ids exist from nbformat 4.5 on; older notebooks must not have one.
    return {"id": "download-set-up", **cell} if with_id else cell


def standalone(notebook: dict[str, Any], packed: bytes | None, name: str) -> dict[str, Any]:
    """The download copy of *notebook*; *packed* is the course, for notebooks that use it."""
    modules = imported_modules(notebook)
    uses_course = "cehcourse" in modules
    cells = [dict(cell) for cell in notebook["cells"]]
    first_code = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
    if uses_course:
        if "".join(cells[first_code]["source"]) != CHECKOUT_SETUP:
            raise ValueError(f"{name}: imports cehcourse, so its first code cell must be the course set-up "
                             "(cehcourse.notebook_download.CHECKOUT_SETUP, see AUTHORING.md)")
        modules |= course_pack.package_files()[1]
        del cells[first_code]
    setup = download_setup(course_pack.pins(modules), packed if uses_course else None)
    with_id = (notebook.get("nbformat"), notebook.get("nbformat_minor", 0)) >= (4, 5)
    cells.insert(first_code, _code_cell(setup, hidden=uses_course, with_id=with_id))
    for cell in cells:
        if cell["cell_type"] == "markdown":
            text = _RELATIVE_LINK.sub(r"\1 (a page of the course book)", "".join(cell["source"]))
            cell["source"] = text.splitlines(keepends=True)
    return {**notebook, "cells": cells}


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Replace Sphinx's copy of each notebook source (what the download button links to)
    with its stand-alone version."""
    if exception is not None or app.builder.format != "html":
        return
    packed: bytes | None = None
    suffix = app.config.html_sourcelink_suffix
    for docname in sorted(app.env.found_docs):
        relative = str(app.env.doc2path(docname, False))
        if not relative.endswith(".ipynb"):
            continue
        target = Path(app.outdir) / "_sources" / (relative if relative.endswith(suffix) else relative + suffix)
        if not target.exists():  # html_copy_source is off: nothing is offered for download
            continue
        notebook = json.loads(Path(app.env.doc2path(docname)).read_text(encoding="utf-8"))
        if packed is None and "cehcourse" in imported_modules(notebook):
            packed = course_pack.pack(app.cehcourse_data, Path(app.doctreedir) / "cehcourse-pack")  # type: ignore[attr-defined]
        try:
            copy = standalone(notebook, packed, relative)
        except ValueError as exc:
            logger.warning(str(exc))
            continue
        target.write_text(json.dumps(copy, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", write_downloads)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
