"""Cervicogenic headache course: case-vignette engine and Sphinx extension."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["show_case"]


def show_case(case_id: str, root: str | Path | None = None) -> Any:
    """A live ipywidgets quiz for one case (see widget.py)."""
    from .widget import show_case as _show_case

    return _show_case(case_id, root)
