"""The notebooks the book's download button gives run in a plain Jupyter, away from the
course repository: each is taken from the built site and executed in a fresh virtual
environment that holds only ipykernel and the public packages its first cell names
(installed, pinned, from requirements.txt), never the course package. Where something
is missing, the first cell says what to do in one message, not a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cehcourse.notebook_download import CHECKOUT_SETUP

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(path.stem for path in (ROOT / "exercises").glob("*.ipynb"))
KERNEL = "downloaded-notebook"

# Run in a child process: nbclient's event loop hangs beside the Playwright session that
# browser tests keep open in this one (see the Makefile's test target).
EXECUTE = """
import sys, nbformat, nbclient
from cehcourse.notebook_replies import poll_replies_in_slices
# As in the build: a reply whose socket wake-up is lost is found within a second instead of
# after the whole timeout (only this client; the kernel runs in the fresh environment).
poll_replies_in_slices()
mode, folder, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
for source, target in zip(paths[::2], paths[1::2]):
    notebook = nbformat.read(source, as_version=4)
    # timeout: the wait for the kernel_info reply (a reply truly lost raises after it);
    # timeout_func: per cell.
    nbclient.NotebookClient(notebook, kernel_name=%r, timeout=20, timeout_func=lambda cell: 300,
                            allow_errors=mode == "allow-errors",
                            resources={"metadata": {"path": folder}}).execute()
    nbformat.write(notebook, target)
""" % KERNEL


def pinned(requirement: str) -> str:
    """'PyYAML' -> 'PyYAML==6.0.4', from requirements.txt."""
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name, _, version = line.partition("==")
        if re.sub(r"[-_.]+", "-", name).lower() == re.sub(r"[-_.]+", "-", requirement).lower():
            return f"{name}=={version}"
    raise AssertionError(f"{requirement} is not pinned in requirements.txt")


def downloaded(site: Path, name: str) -> dict[str, Any]:
    """The notebook the page's download button links to."""
    page = (site / "exercises" / f"{name}.html").read_text(encoding="utf-8")
    link = re.search(r'<a href="([^"]+)"[^>]*\n?\s*class="[^"]*btn-download-source-button', page)
    assert link, f"exercises/{name}.html has no download button for its source"
    notebook: dict[str, Any] = json.loads((site / "exercises" / link.group(1)).resolve().read_text(encoding="utf-8"))
    return notebook


def set_up_cell(notebook: dict[str, Any]) -> str:
    return "".join(next(c for c in notebook["cells"] if c["cell_type"] == "code")["source"])


def needed(notebook: dict[str, Any]) -> dict[str, str]:
    found = re.search(r"NEEDED = (\{.*?\})", set_up_cell(notebook), re.S)
    assert found, "the first code cell does not name the packages the notebook needs"
    packages: dict[str, str] = json.loads(found.group(1))
    return packages


@pytest.fixture(scope="session")
def fresh_kernel(tmp_path_factory: pytest.TempPathFactory, site: Path) -> dict[str, str]:
    """A virtual environment with ipykernel and the packages the downloads name, pinned;
    returns the environment that makes its kernel known to Jupyter."""
    base = tmp_path_factory.mktemp("fresh")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wanted = sorted({pin for name in NOTEBOOKS for pin in needed(downloaded(site, name)).values()} | {pinned("ipykernel")})
    for pin in wanted:
        assert pin == pinned(pin.partition("==")[0]), f"a download names {pin}, requirements.txt pins another version"
    # This environment's pip installs into the new one (--python): no pip of its own to set up.
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-compile",
         "--disable-pip-version-check", "-c", str(ROOT / "requirements.txt"), *wanted],
        capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    course = subprocess.run([str(python), "-c", "import importlib.util; print(importlib.util.find_spec('cehcourse'))"],
                            capture_output=True, text=True, cwd=base)
    assert course.stdout.strip() == "None", "the fresh environment must not see the course package"
    spec = base / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Downloaded notebook", "language": "python"}), encoding="utf-8")
    tmp = base / "tmp"
    tmp.mkdir()
    # Bytecode is written, as in a student's Jupyter: the venv is installed without it
    # (--no-compile, quicker) and each notebook starts a new kernel, which would otherwise
    # compile matplotlib, IPython and the rest again (where PYTHONDONTWRITEBYTECODE is set).
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "JUPYTER_PATH": str(base / "jupyter"), "TMPDIR": str(tmp)}


def execute(env: dict[str, str], notebooks: dict[str, dict[str, Any]], folder: Path, allow_errors: bool = False) -> dict[str, dict[str, Any]]:
    """Run each notebook in a fresh kernel, in *folder* (no course around it). One after
    another: side by side was slower on two shared cores."""
    arguments = []
    for name, notebook in notebooks.items():
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        arguments += [str(folder / f"{name}.ipynb"), str(folder / f"{name}.out.ipynb")]
    result = subprocess.run([sys.executable, "-c", EXECUTE, "allow-errors" if allow_errors else "stop", str(folder), *arguments],
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    return {name: json.loads((folder / f"{name}.out.ipynb").read_text(encoding="utf-8")) for name in notebooks}


def outputs(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    return [output for cell in notebook["cells"] if cell["cell_type"] == "code" for output in cell["outputs"]]


def test_each_downloaded_notebook_runs_in_a_fresh_jupyter(site: Path, fresh_kernel: dict[str, str], tmp_path: Path) -> None:
    copies = {name: downloaded(site, name) for name in NOTEBOOKS}
    for name, copy in copies.items():
        assert not any(output for output in outputs(copy)), f"{name}: the download should hold no outputs"
        assert "](../" not in "".join("".join(c["source"]) for c in copy["cells"] if c["cell_type"] == "markdown"), \
            f"{name}: a link to a book page would be dead beside a downloaded notebook"
    done = execute(fresh_kernel, copies, tmp_path)
    for name, notebook in done.items():
        errors = [o for o in outputs(notebook) if o["output_type"] == "error"]
        assert not errors, f"{name}: {errors}"
    cases = len(list((ROOT / "book" / "cases").glob("*.yaml")))
    play = outputs(done["play-the-cases"])
    said = "".join(play[0].get("text", ""))
    assert re.fullmatch(rf"Unpacked the course that this notebook carries \(its quiz code and {cases} case files\) into \S+\.\n", said), play[0]
    quizzes = [o for o in play if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert quizzes and 'data-vignette="classic-ceh"' in "".join(quizzes[0]["data"]["text/html"]), "no live quiz for classic-ceh"
    for name in ("headache-diary", "test-accuracy", "reading-evidence"):
        assert any("image/svg+xml" in o.get("data", {}) for o in outputs(done[name])), f"{name}: no figure"


def test_the_first_cell_says_what_is_missing(site: Path, fresh_kernel: dict[str, str], tmp_path: Path) -> None:
    """Outside the repository the git copy names both ways to get the course; a download
    whose Jupyter lacks a package names the pip command. One message each, no traceback."""
    setup = set_up_cell(downloaded(site, "play-the-cases"))
    cell = lambda source: {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}  # noqa: E731
    problems = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": KERNEL, "display_name": "k", "language": "python"}},
                "cells": [cell(CHECKOUT_SETUP), cell("import sys\nsys.modules['pydantic'] = None  # as if not installed"), cell(setup)]}
    done = execute(fresh_kernel, {"problems": problems}, tmp_path, allow_errors=True)["problems"]
    checkout, _, download = (c["outputs"] for c in done["cells"])
    assert [o["output_type"] for o in checkout] == ["error"] and checkout[0]["traceback"] == [
        "This notebook needs the course's case files. Open it from the exercises/ folder of the course repository "
        "(run `make lab` there), or use the copy from the book's download button: it carries them."]
    assert [o["output_type"] for o in download] == ["error"] and download[0]["traceback"] == [
        "This notebook needs Python packages that this Jupyter does not have. Run this in a new cell: "
        f"%pip install {pinned('pydantic')}  then restart the kernel (Kernel menu) and run the notebook again from the top."]


def test_the_git_copy_uses_the_course_set_up_cell() -> None:
    """The stored notebook stays small and starts with the set-up the build replaces."""
    notebook = json.loads((ROOT / "exercises" / "play-the-cases.ipynb").read_text(encoding="utf-8"))
    assert set_up_cell(notebook) == CHECKOUT_SETUP
    assert (ROOT / "exercises" / "play-the-cases.ipynb").stat().st_size < 40_000
