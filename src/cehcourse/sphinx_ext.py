"""Sphinx extension: loads the course data once, checks it, and places quizzes and
generated pages (case index, practice, progress, answer key, objectives map) in MyST.

Bad case data stops the build with one located line per problem, not a traceback.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from . import bibliography, pages, page_fixes
from .course import CourseData, CoursePaths, load_course
from .loader import CaseDataError, DataError
from .model import Case
from .markdown import plain_text
from .render_html import CaseEnding, render_case, worked_answer

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
QUIZ_MARKERS = ("data-vignette=", "data-progress-case=")
# Scripts that build on the quiz engine, each only on the page that holds its data island.
PAGE_ASSETS = (
    ('id="progress-dashboard-data"', ["progress.js", "progress.css"]),
    ('id="bank-index"', ["bank.js", "bank.css"]),
)


def course(env: Any) -> CourseData:
    data: CourseData = env.app.cehcourse_data
    return data


def _stop(errors: list[DataError]) -> None:
    for error in errors:
        logger.error(str(error))
    # SystemExit passes through jupyter-book's handler without a traceback.
    sys.stderr.write(f"Build stopped: {len(errors)} problem(s) in the course data.\n")
    raise SystemExit(1)


def _load_or_stop(app: Sphinx) -> None:
    try:
        paths = CoursePaths(
            cases=app.config.cehcourse_cases,
            chapters=app.config.cehcourse_chapters,
            bibliography=app.config.cehcourse_bibliography,
        )
        app.cehcourse_data = load_course(Path(app.srcdir), paths=paths)  # type: ignore[attr-defined]
    except CaseDataError as exc:
        _stop(exc.errors)


def _check_case_pages(app: Sphinx, env: Any) -> None:
    """Every library case needs its page in the contents: the case index, the chapters and
    the progress page link to it, and those links would otherwise be dead."""
    data = course(env)
    missing = [
        DataError(str(data.cases_dir / f"{case.id}.yaml"), case.id, None,
                  f"has no page in the book: add {data.paths.case_page(case.id)}.md and list it in _toc.yml")
        for case in data.library_cases()
        if data.paths.case_page(case.id) not in env.found_docs
    ]
    if missing:
        _stop(missing)


def _raw(html: str) -> list[nodes.Node]:
    return [nodes.raw("", html, format="html")]


class quiz_html(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A quiz, or an answer key entry: HTML on the page, but no text for the search index,
    which would otherwise hold (and show in its snippets) every answer and explanation."""


def _visit_quiz_html(translator: Any, node: quiz_html) -> None:
    translator.body.append(node["html"])
    raise nodes.SkipNode


def _skip(translator: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _quiz(html: str) -> list[nodes.Node]:
    return [quiz_html(html=html)]


def note_data_dependencies(env: Any) -> None:
    # A page built from case data is rebuilt when any case file changes ...
    data = course(env)
    for path in sorted(data.cases_dir.glob("*.yaml")):
        env.note_dependency(str(path))
    env.note_dependency(str(data.chapters_file))
    env.note_dependency(str(data.bib_path))
    # ... and when the engine that renders it changes (an incremental build would
    # otherwise keep pages made by the old code).
    for module in sorted(Path(__file__).parent.glob("*.py")):
        env.note_dependency(str(module))


class _CourseDirective(SphinxDirective):
    def note_data_dependencies(self) -> None:
        note_data_dependencies(self.env)

    def relative_uri(self, docname: str) -> str:
        return self.env.app.builder.get_relative_uri(self.env.docname, docname)

    def chapter_link(self, chapter: str) -> str:
        return self.relative_uri(f"book/{chapter}")


class VignetteDirective(_CourseDirective):
    """``{vignette} <case-id>``: the case as a static, graded quiz."""

    required_arguments = 1
    option_spec = {"level": lambda value: int(value)}

    def run(self) -> list[nodes.Node]:
        self.note_data_dependencies()
        data = course(self.env)
        case = data.cases.get(self.arguments[0])
        if case is None:
            known = ", ".join(sorted(data.cases)) or "none"
            raise self.error(f"unknown case '{self.arguments[0]}' (known cases: {known})")
        # On the case's own page the page heading already carries the title.
        own_page = self.env.docname == data.paths.case_page(case.id)
        level = self.options.get("level", 2)
        ending = self.ending(data, case) if case.role == "case" else None
        return _quiz(render_case(case, data.bib_path, level=level, show_title=not own_page, ending=ending))

    def ending(self, data: CourseData, case: Case) -> CaseEnding:
        library = data.library_cases()
        following = library[library.index(case) + 1] if case in library[:-1] else None
        objectives = []
        for tag in case.objectives:
            objective = data.catalogue.objective(tag)
            assert objective is not None  # the loader refuses unknown objectives
            objectives.append((tag, objective.text, self.chapter_link(tag.partition("/")[0])))
        next_case = (self.relative_uri(data.paths.case_page(following.id)), following.title) if following else None
        return CaseEnding(objectives, next_case)


class ChapterIntroDirective(_CourseDirective):
    """``{chapter-intro}``: reading time and objectives from book/chapters.yaml."""

    def run(self) -> list[nodes.Node]:
        self.note_data_dependencies()
        chapter = Path(self.env.docname).name
        entry = course(self.env).catalogue.chapters.get(chapter)
        if entry is None:
            raise self.error(f"chapter '{chapter}' is not in book/chapters.yaml")
        return _raw(pages.chapter_intro(entry))


class _GeneratedSection(_CourseDirective):
    """A directive whose HTML is generated from the whole course data."""

    # False for sections that hold answers: kept out of the search index.
    searchable = True

    def html(self, data: CourseData) -> str:
        raise NotImplementedError

    def case_link(self, case: Case) -> str:
        return self.relative_uri(course(self.env).paths.case_page(case.id))

    def page_link(self, case: Case) -> str:
        """A library case's own page; a self-check's chapter."""
        return self.case_link(case) if case.role == "case" else self.chapter_link(case.chapters[0])

    def run(self) -> list[nodes.Node]:
        self.note_data_dependencies()
        html = self.html(course(self.env))
        return _raw(html) if self.searchable else _quiz(html)


class ChapterCasesDirective(_GeneratedSection):
    """``{chapter-cases}``: links to the library cases that serve this chapter."""

    def html(self, data: CourseData) -> str:
        return pages.case_links(data.cases_for_chapter(Path(self.env.docname).name), self.case_link)


class CaseIndexDirective(_GeneratedSection):
    def html(self, data: CourseData) -> str:
        return pages.case_index(data, self.case_link)


class ProgressDirective(_GeneratedSection):
    def html(self, data: CourseData) -> str:
        return pages.progress(data, self.page_link, self.chapter_link, self.relative_uri(self.config.cehcourse_bank_page))


class AnswerKeyDirective(_CourseDirective):
    """``{answer-key}``: every case and question as real sections, so the page has headings,
    anchors (key-<case id>) and a contents list; each answer body is the quiz's worked answer.
    ``{answer-key} <chapter>``: one part of the key (pages.answer_key_parts)."""

    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        self.note_data_dependencies()
        data = course(self.env)
        if not self.arguments:
            return [self.case_section(case) for case in pages.answer_key_order(data)]
        parts = pages.answer_key_parts(data)
        if self.arguments[0] not in parts:
            raise self.error(f"no answer key part '{self.arguments[0]}' (parts: {', '.join(parts)})")
        return [self.case_section(case) for case in parts[self.arguments[0]]]

    def case_section(self, case: Case) -> nodes.section:
        case_section = nodes.section(ids=[f"key-{case.id}"], classes=["answer-key-case"])
        case_section += nodes.title(text=pages.answer_key_heading(case))
        case_section += nodes.raw("", pages.answer_key_case_intro(case), format="html")
        for stage, question in case.questions():
            question_section = nodes.section(ids=[f"key-{question.id}"], classes=["answer-key-question"])
            question_section += nodes.title(text=f"{stage.title}: {plain_text(question.stem)}")
            question_section += quiz_html(html=worked_answer(question))
            case_section += question_section
        return case_section


class AnswerKeyContentsDirective(_CourseDirective):
    """``{answer-key-contents}``: the key's front page, a section per part listing its cases,
    each linked to its answers on the part's page, <this page>/<chapter> (``{answer-key}
    <chapter>``, titled "Answer key: <chapter title>")."""

    def run(self) -> list[nodes.Node]:
        self.note_data_dependencies()
        data = course(self.env)
        sections: list[nodes.Node] = []
        for slug, cases in pages.answer_key_parts(data).items():
            part = f"{self.env.docname}/{slug}"
            if part not in self.env.found_docs:
                raise self.error(f"the answer key part {part} is missing: add {part}.md holding "
                                 f"```{{answer-key}} {slug}``` and list it in _toc.yml")
            title = data.catalogue.chapters[slug].title
            section = nodes.section(ids=[f"key-part-{slug}"], classes=["answer-key-part"])
            section += nodes.title(text=title)
            section += nodes.raw("", pages.answer_key_contents(cases, self.relative_uri(part), f"Answer key: {title}"), format="html")
            sections.append(section)
        return sections


class ObjectivesMapDirective(_GeneratedSection):
    def html(self, data: CourseData) -> str:
        return pages.objectives_map(data, self.relative_uri, self.relative_uri(self.config.cehcourse_bank_page))


# A quiz shown by show_case() in a notebook arrives as the cell's stored output: the HTML
# the engine made when the notebook last ran, kept in the execution cache.
_STORED_QUIZ = re.compile(r'^\s*<section class="vignette" data-vignette="(?P<id>[a-z0-9-]+)"')


class RefreshStoredQuizzes(SphinxTransform):
    """Re-render each quiz found in a notebook's stored output from today's case data and
    engine, so an engine or data change reaches notebook pages as it reaches MyST pages."""

    default_priority = 900

    def apply(self, **kwargs: Any) -> None:
        data: CourseData | None = getattr(self.app, "cehcourse_data", None)
        # Only notebook pages hold stored output; MyST pages place quizzes by directive.
        if data is None or Path(self.env.doc2path(self.env.docname)).suffix != ".ipynb":
            return
        for node in list(self.document.findall(nodes.raw)):
            match = _STORED_QUIZ.match(node.astext()) if "html" in node.get("format", "") else None
            if match is None or match["id"] not in data.cases:
                continue
            note_data_dependencies(self.env)
            node.replace_self(quiz_html(html=render_case(data.cases[match["id"]], data.bib_path)))


def _add_quiz_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Quiz JS and CSS only on pages that hold a quiz (also notebook outputs)."""
    body = context.get("body", "")
    extras = [asset for marker, assets in PAGE_ASSETS if marker in body for asset in assets]
    if extras or any(marker in body for marker in QUIZ_MARKERS):
        app.add_css_file("vignette.css")
        app.add_js_file("vignette.js", defer="defer")
    for asset in extras:
        if asset.endswith(".css"):
            app.add_css_file(asset)
        else:
            app.add_js_file(asset, defer="defer")


def _add_search_guard(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Search result snippets are cut from each page's text: keep answers out of them."""
    if pagename == "search":
        app.add_js_file("search-no-spoilers.js", defer="defer")


def _drop_widget_state(app: Sphinx, pagename: str, *args: Any) -> None:
    """Executed notebooks carry their widgets' saved state (100-200 KB a page). The book
    shows each widget's static HTML instead (text/html is preferred) and removes the
    outputs of interactive cells, so nothing on the page reads that state: drop it before
    myst-nb adds it to the page."""
    metadata = getattr(app.env, "nb_metadata", {}).get(pagename, {})
    metadata.get("js_files", {}).pop("ipywidgets_state", None)


def _add_static_dir(app: Sphinx, config: Any) -> None:
    config.html_static_path.append(str(STATIC_DIR))


def setup(app: Sphinx) -> dict[str, Any]:
    bibliography.register_style()
    # Where the course data lives, relative to the book's root.
    defaults = CoursePaths()
    app.add_config_value("cehcourse_cases", defaults.cases, "env", [str])
    app.add_config_value("cehcourse_chapters", defaults.chapters, "env", [str])
    app.add_config_value("cehcourse_bibliography", defaults.bibliography, "env", [str])
    # The question bank's page (the progress page links to its review session).
    app.add_config_value("cehcourse_bank_page", "book/practice", "env", [str])
    app.connect("config-inited", _add_static_dir)
    app.connect("builder-inited", _load_or_stop)
    app.connect("env-check-consistency", _check_case_pages)
    app.add_transform(RefreshStoredQuizzes)
    app.add_node(quiz_html, html=(_visit_quiz_html, None), latex=(_skip, None), text=(_skip, None))
    app.connect("html-page-context", _add_search_guard)
    app.connect("html-page-context", _add_quiz_assets)
    app.connect("html-page-context", _drop_widget_state, priority=400)  # before myst-nb's (500)
    page_fixes.setup(app)
    app.setup_extension("cehcourse.optimise")  # after the build: one stylesheet, a lighter head
    app.setup_extension("cehcourse.notebook_download")
    app.setup_extension("cehcourse.minify_js")
    app.setup_extension("cehcourse.theme_patch")  # its tab stops come from render-sections.js
    app.setup_extension("cehcourse.figure_text")  # figures' labels cheaper to lay out
    app.setup_extension("cehcourse.figure_size")  # figures keep their place while loading
    app.setup_extension("cehcourse.section_edges")  # lazy sections' edges, marked as written
    app.setup_extension("cehcourse.static_freshness")  # edited scripts reach the site
    app.setup_extension("cehcourse.notebook_replies")  # a lost wake-up costs a second, not the timeout
    from . import sphinx_bank  # imports this module's directive base classes

    sphinx_bank.setup(app)
    app.add_role("evidence", evidence_role)
    for name, directive in {
        "vignette": VignetteDirective,
        "chapter-intro": ChapterIntroDirective,
        "chapter-cases": ChapterCasesDirective,
        "case-index": CaseIndexDirective,
        "progress-page": ProgressDirective,
        "answer-key": AnswerKeyDirective,
        "answer-key-contents": AnswerKeyContentsDirective,
        "objectives-map": ObjectivesMapDirective,
    }.items():
        app.add_directive(name, directive)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


EVIDENCE_LEVELS = {
    "review": "Systematic review of trials",
    "rct": "Randomised trial",
    "observational": "Observational study or case series",
    "expert": "Expert opinion or clinical practice",
    "not-studied": "Not studied for cervicogenic headache",
}


def evidence_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """``{evidence}`rct``` marks a treatment with the strength of its evidence, in words
    (colour is decoration only). Docutils nodes, so every builder (search, print) has the words."""
    level = text.strip()
    label = EVIDENCE_LEVELS.get(level)
    if label is None:
        message = inliner.reporter.error(
            f"unknown evidence level '{text}'; use one of: {', '.join(EVIDENCE_LEVELS)}", line=lineno
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    badge = nodes.inline(rawtext, "", classes=["evidence", f"evidence-{level}"])
    badge += nodes.inline("", "Evidence:", classes=["evidence-label"])
    badge += nodes.Text(f" {label}")
    return [badge], []
