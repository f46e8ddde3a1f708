"""The course bibliography: one references.bib, PubMed links where a PMID exists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pybtex.plugin
from pybtex.database import BibliographyData, parse_file
from pybtex.plugin import find_plugin, register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import field, href, join, optional, sentence


def _remember_entry_points() -> None:
    """pybtex looks its plugins up in the installed packages' entry points on every call,
    and sphinxcontrib-bibtex asks hundreds of times per build (a scan of every installed
    package each time: about a third of a clean build). What is installed does not change
    while a build runs, so each lookup is made once. Plugins registered at run time are
    unaffected: pybtex checks those before the entry points."""
    lookup = pybtex.plugin.entry_points
    if not hasattr(lookup, "cache_info"):
        pybtex.plugin.entry_points = lru_cache(maxsize=None)(lookup)


_remember_entry_points()

PMID_PATTERN = re.compile(r"^[1-9][0-9]{0,8}$")
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI_URL = "https://doi.org/{}"


class CourseStyle(UnsrtStyle):
    """unsrt, with the PMID linked to PubMed and the DOI linked to doi.org."""

    default_sorting_style = "author_year_title"

    def format_web_refs(self, e: Any) -> Any:
        return sentence[
            optional[self.format_pubmed(e)],
            optional[self.format_doi(e)],
            optional[self.format_url(e)],
        ]

    def format_pubmed(self, e: Any) -> Any:
        url = join["https://pubmed.ncbi.nlm.nih.gov/", field("pmid", raw=True), "/"]
        return href(url)[join["PMID: ", field("pmid", raw=True)]]

    def format_url(self, e: Any) -> Any:
        url = field("url", raw=True)
        return href(url)[url]


def register_style() -> None:
    register_plugin("pybtex.style.formatting", "course", CourseStyle, force=True)


@lru_cache(maxsize=4)
def load(path: Path) -> BibliographyData:
    return parse_file(str(path), bib_format="bibtex")


def keys(path: Path) -> set[str]:
    return set(load(path).entries.keys())


def pmid(path: Path, key: str) -> str | None:
    value = load(path).entries[key].fields.get("pmid")
    return str(value) if value else None


class _PlainStyle(CourseStyle):
    """The same references without their web links, which are shown as separate links."""

    def format_web_refs(self, e: Any) -> Any:
        return join[""]


@dataclass(frozen=True)
class Reference:
    key: str
    text: str
    # (label, URL): PubMed first, then the DOI and any web address.
    links: tuple[tuple[str, str], ...]


@lru_cache(maxsize=4)
def _plain_texts(path: Path) -> dict[str, str]:
    """Every entry formatted once per build: the question bank lists evidence for each of
    its questions, and pybtex looks up its plugins afresh on every call (slow)."""
    backend = find_plugin("pybtex.backends", "text")()
    return {entry.key: entry.text.render(backend).strip() for entry in _PlainStyle().format_bibliography(load(path))}


def format_entries(path: Path, cite_keys: list[str]) -> list[Reference]:
    """Each key as a plain-text reference with its PubMed and DOI links, in the given order."""
    data = load(path)
    texts = _plain_texts(path)
    result = []
    for key in cite_keys:
        fields = data.entries[key].fields
        links = []
        if fields.get("pmid"):
            links.append(("PubMed", PUBMED_URL.format(fields["pmid"])))
        if fields.get("doi"):
            links.append(("DOI", DOI_URL.format(fields["doi"])))
        if fields.get("url"):
            links.append(("Web page", str(fields["url"])))
        result.append(Reference(key, texts[key], tuple(links)))
    return result
