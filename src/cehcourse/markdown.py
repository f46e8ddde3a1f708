"""Markdown for case text, with raw HTML disabled so case files cannot inject markup."""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "commonmark" with html=False escapes any tag; markdown-it also refuses
    # javascript:/vbscript:/data: link targets by default.
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def to_html(text: str) -> str:
    """Block Markdown (paragraphs, lists, tables) to safe HTML."""
    return str(_parser().render(text)).strip()


def to_inline_html(text: str) -> str:
    """One line of Markdown (emphasis, code, links) to safe inline HTML, for stems and options."""
    return str(_parser().renderInline(text)).strip()


def plain_text(text: str) -> str:
    """One line of Markdown as plain text (for headings Sphinx builds itself)."""
    return unescape(re.sub(r"<[^>]+>", "", to_inline_html(text)))
