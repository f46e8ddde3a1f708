"""Optimise a built site in place: every page gets one purged, minified, content-hashed
stylesheet and a lighter head (see head.py).

Sphinx's own output is kept in *store* (under the doctree folder, never published): it is
what each pass starts from, so a pass over pages that a rebuild left alone gives the same
result, and it is the "same page built without the optimisation" that the screenshot
guard compares with. A rebuild that wrote no page and changed nothing here is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import time
from dataclasses import dataclass
from pathlib import Path

from . import head, stylesheets
from .minify import minify
from .purge import Job, purge

STORE_NAME = "cehcourse-unoptimised"
_NOT_PAGES = ("_static", "_sources", "_images")
# A script the page loads, now (src) or on the reader's first interaction (see
# _templates/layout.html): the purge must keep the classes either adds.
_SCRIPT_SRC = re.compile(r"""<script\b[^>]*?\b(?:src|data-first-use-src)=["']([^"']+)["']""", re.I)


class OptimiseError(Exception):
    """The site cannot be optimised as it is (said in one line)."""


@dataclass(frozen=True)
class Outcome:
    pages: int  # pages written this pass
    bundles: int  # stylesheets made
    purged: bool
    seconds: float


def pages(site: Path) -> list[str]:
    """Every HTML page of the site, as paths from its root."""
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if path.relative_to(site).parts[0] not in _NOT_PAGES
    )


def root_of(page: str) -> str:
    return "../" * page.count("/")


def _scripts(site: Path, sources: dict[str, str]) -> list[Path]:
    """Every local script a page loads, in the head or at the end of the body."""
    found: dict[str, Path] = {}
    for page, text in sources.items():
        for url in _SCRIPT_SRC.findall(text):
            if not head.is_local(url):
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(page), url.split("?")[0]))
            if (site / path).is_file():
                found[path] = site / path
    return [found[path] for path in sorted(found)]


def _inputs(site: Path, sources: dict[str, str]) -> list[str]:
    """The files a bundle is made from: every stylesheet and every script a page loads."""
    styles = [path.relative_to(site).as_posix() for path in (site / stylesheets.BUNDLE_DIR).rglob("*.css")]
    scripts = [path.relative_to(site).as_posix() for path in _scripts(site, sources)]
    return sorted(path for path in styles + scripts if not posixpath.basename(path).startswith("site."))


def _fingerprint(site: Path, purgecss: Path | None, kept_whole: frozenset[str], page_list: list[str], inputs: list[str]) -> str:
    """What the optimised pages depend on besides each page's own HTML: this code, whether
    the purge runs, which pages exist, and the stylesheets and scripts."""
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    digest.update(f"{purgecss is not None}|{'|'.join(sorted(kept_whole))}|{'|'.join(page_list)}|{'|'.join(inputs)}".encode())
    for path in inputs:
        digest.update((site / path).read_bytes() if (site / path).is_file() else b"-")
    return digest.hexdigest()


@dataclass(frozen=True)
class Bundle:
    """The stylesheet of the pages that link the same stylesheets in the same order."""

    pages: tuple[str, ...]
    css: str

    @property
    def path(self) -> str:
        return f"{stylesheets.BUNDLE_DIR}/site.{hashlib.sha256(self.css.encode()).hexdigest()[:12]}.css"


@dataclass(frozen=True)
class _Plan:
    pages: tuple[str, ...]
    parts: list[stylesheets.Part]

    def job(self, site: Path, sources: dict[str, str]) -> Job:
        """What PurgeCSS needs: the parts to purge, and as content these pages and every
        script they load (so that classes the scripts add at run time survive)."""
        group = {page: sources[page] for page in self.pages}
        content = [(text, "html") for text in group.values()]
        content += [(script.read_text(encoding="utf-8"), "js") for script in _scripts(site, group)]
        kept = "".join(part.css for part in self.parts if not part.purge)
        return Job([part.css for part in self.parts if part.purge], content, kept)

    def bundle(self, purged: list[str] | None) -> Bundle:
        remaining = iter(purged or [])
        texts = [next(remaining) if part.purge and purged is not None else part.css for part in self.parts]
        css = "".join(minify(text) for text in texts)
        return Bundle(self.pages, css if css.isascii() else '@charset "UTF-8";' + css)


def build_bundles(site: Path, sources: dict[str, str], purgecss: Path | None, kept_whole: frozenset[str]) -> list[Bundle]:
    """One bundle per set of stylesheets: a quiz page links more than a chapter without a
    quiz, and one bundle for all would restyle pages with rules they never had."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for page, text in sources.items():
        groups.setdefault(tuple(head.stylesheets(text, root_of(page))), []).append(page)
    plans = [_Plan(tuple(members), stylesheets.parts(site, list(links), kept_whole)) for links, members in groups.items()]
    purged: list[list[str] | None] = [None] * len(plans)
    if purgecss is not None:
        purged = list(purge(purgecss, [plan.job(site, sources) for plan in plans]))
    return [plan.bundle(texts) for plan, texts in zip(plans, purged)]


def optimise_site(site: Path, store: Path, purgecss: Path | None, kept_whole: frozenset[str]) -> Outcome | None:
    """Optimise *site*; None when a rebuild left nothing to do. Stylesheets named in
    *kept_whole* are bundled but not purged."""
    started = time.perf_counter()
    page_list = pages(site)
    current = {page: (site / page).read_text(encoding="utf-8") for page in page_list}
    fresh = [page for page, text in current.items() if not head.is_optimised(text)]
    store.mkdir(parents=True, exist_ok=True)
    for page in fresh:
        (store / page).parent.mkdir(parents=True, exist_ok=True)
        (store / page).write_text(current[page], encoding="utf-8")
    stamp_file = store / "stamp.json"
    previous = json.loads(stamp_file.read_text()) if stamp_file.is_file() else {}
    if (
        not fresh
        and all((site / bundle).is_file() for bundle in previous.get("bundles", ["-"]))
        and previous.get("stamp") == _fingerprint(site, purgecss, kept_whole, page_list, previous.get("inputs", []))
    ):
        return None

    missing = [page for page in page_list if not (store / page).is_file()]
    if missing:
        raise OptimiseError(f"{missing[0]}: optimised, but Sphinx's output of it is not kept in {store}; "
                            "build from clean (make clean book)")
    sources = {page: (store / page).read_text(encoding="utf-8") for page in page_list}
    bundles = build_bundles(site, sources, purgecss, kept_whole)
    bundle_of = {page: bundle.path for bundle in bundles for page in bundle.pages}
    for bundle in bundles:
        if not (site / bundle.path).is_file():
            (site / bundle.path).write_text(bundle.css, encoding="utf-8")
    for old in (site / stylesheets.BUNDLE_DIR).glob("site.*.css"):
        if old.relative_to(site).as_posix() not in bundle_of.values():
            old.unlink()

    options = (site / stylesheets.BUNDLE_DIR / head.DOCUMENTATION_OPTIONS).read_text(encoding="utf-8")
    written = 0
    for page, source in sources.items():
        optimised = head.rewrite(source, root=root_of(page), bundle=bundle_of[page], documentation_options=options,
                                 search_page=page == head.SEARCH_PAGE)
        if optimised != current[page]:
            (site / page).write_text(optimised, encoding="utf-8")
            written += 1
    inputs = _inputs(site, sources)
    stamp = _fingerprint(site, purgecss, kept_whole, page_list, inputs)
    stamp_file.write_text(json.dumps({"stamp": stamp, "bundles": sorted(set(bundle_of.values())), "inputs": inputs}))
    return Outcome(written, len(bundles), purgecss is not None, time.perf_counter() - started)
