"""Fixes to what the theme and docutils emit, applied where the HTML is made."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def setup(app: Sphinx) -> None:
    return None
