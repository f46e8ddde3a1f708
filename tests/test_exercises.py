"""Static checks on the exercise notebooks (AUTHORING.md, "Notebooks"): stored without
outputs, python3 kernel, a title and learning objectives, hidden solutions, alt text on
every figure cell, and no live widget left on the static book page."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

EXERCISES = sorted((Path(__file__).resolve().parent.parent / "exercises").glob("*.ipynb"))


def _tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_notebook_follows_the_authoring_guide(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    problems = []
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append("kernelspec is not python3")
    first = nb.cells[0]
    if first.cell_type != "markdown" or not first.source.startswith("# "):
        problems.append("the first cell must be a markdown title (# ...)")
    if "Learning objectives" not in first.source:
        problems.append("the first cell must state the learning objectives")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            problems.append(f"cell {i} has outputs: run `jupyter nbconvert --clear-output --inplace`")
        source = cell.source
        if "plt.show()" in source or source.strip().startswith("plot_"):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            if "remove-output" not in _tags(cell) and "def " not in source and not alt.strip():
                problems.append(f"cell {i} draws a figure without alt text (metadata mystnb.image.alt)")
        if "widgets.interact" in source or "picker.observe" in source:
            if "remove-output" not in _tags(cell):
                problems.append(f"cell {i} is interactive but not tagged remove-output")
        if source.lstrip().startswith("# Solution") and not _tags(cell) & {"hide-cell", "hide-input"}:
            problems.append(f"cell {i} is a solution but is not hidden (tag hide-cell or hide-input)")
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_figures_are_svg_and_controls_are_labelled_in_full(path: Path) -> None:
    """SVG figures stay sharp on a phone and in JupyterLab and weigh a fraction of PNG;
    a control's description is cut at 80 px unless its label may take the room it needs."""
    nb = nbformat.read(path, as_version=4)
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    if any("plt.show()" in source for source in code):
        first = next(source for source in code if "matplotlib" in source)
        assert '%config InlineBackend.figure_formats = ["svg"]' in first, f"{path.name}: set SVG figures with matplotlib"
    for source in code:
        for call in re.findall(r"widgets\.\w+\((?:[^()]|\([^()]*\))*description=(?:[^()]|\([^()]*\))*\)", source):
            assert "style=" in call, f"{path.name}: a control's label would be cut: {call[:80]}"


def test_book_figures_are_svg_with_alt_text(site: Path) -> None:
    for path in EXERCISES:
        page = (site / "exercises" / f"{path.stem}.html").read_text(encoding="utf-8")
        images = re.findall(r"<img [^>]*>", page)
        for image in images:
            alt = re.search(r'alt="([^"]*)"', image)
            assert alt and alt.group(1).strip(), f"{path.name}: a figure without alt text: {image[:100]}"
            assert re.search(r'src="[^"]+\.svg"', image), f"{path.name}: a figure that is not SVG: {image[:100]}"
