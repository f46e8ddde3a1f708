"""The page optimisation's parts on small inputs, without a book build (tests/
test_optimised_site.py checks the built site): the minifier keeps what CSS means, bundling
rebases URLs, the head rewrite is idempotent and keeps the search page's script order, and
a rebuild that changed nothing does nothing."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from cehcourse import minify_js, optimise
from cehcourse.optimise import head, stylesheets
from cehcourse.optimise.minify import minify
from cehcourse.optimise.site import optimise_site


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        ("a  >  b , c ~ d + e { color : red ; }", "a>b,c~d+e{color:red}"),
        ("a .b { margin: 0  auto !important }", "a .b{margin:0 auto!important}"),  # the descendant space stays
        ("a:hover{width: calc(100% - 2px)}", "a:hover{width:calc(100% - 2px)}"),  # calc needs its spaces
        ("li:nth-child(2n + 1) { x: rgba(0, 0, 0, .5) }", "li:nth-child(2n+1){x:rgba(0,0,0,.5)}"),
        (":root { --empty: ; --v: 1px }", ":root{--empty: ;--v:1px}"),
        ('p::before { content: "a  /* not a comment */  b" } /* gone */', 'p::before{content:"a  /* not a comment */  b"}'),
        ("@media (max-width: 600px) { .x { top: 0 } }", "@media (max-width: 600px){.x{top:0}}"),
        ("a { color: red; *zoom: 1 }", "a{color:red}"),  # a declaration browsers drop, dropped
    ],
)
def test_the_minifier_keeps_what_css_means(css: str, expected: str) -> None:
    assert minify(css) == expected


def test_bundling_inlines_imports_and_rebases_urls(tmp_path: Path) -> None:
    styles = tmp_path / "_static" / "styles"
    styles.mkdir(parents=True)
    (tmp_path / "_static" / "basic.css").write_text("div { background: url(file.png) }")
    (styles / "theme.css").write_text('@charset "UTF-8";\n@import "../basic.css";\n'
                                      ".i { src: url('../fonts/a.woff'), url(data:font/woff;base64,AA==) }")
    css = stylesheets.load(tmp_path, "_static/styles/theme.css")
    assert '@import' not in css and "@charset" not in css
    assert "url(file.png)" in css, "a file already beside the bundle keeps its URL"
    assert 'url("fonts/a.woff")' in css and "url(data:font/woff;base64,AA==)" in css


def test_a_missing_stylesheet_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(stylesheets.StylesheetError, match=r"^_static/gone\.css: a page links this stylesheet but the build did not write it$"):
        stylesheets.load(tmp_path, "_static/gone.css")


PAGE = """<!DOCTYPE html>
<html><head>
  <link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />
  <link rel="stylesheet" type="text/css" href="../_static/course.css?v=2" />
  <link rel="preload" as="script" href="../_static/scripts/bootstrap.js" />
  <script src="../_static/documentation_options.js?v=3"></script>
  <script src="../_static/doctools.js?v=4"></script>
  <script defer="defer" src="../_static/copybutton.js?v=5"></script>
  <script>DOCUMENTATION_OPTIONS.pagename = 'book/x';</script>
  <script defer src="../_static/searchtools.js"></script>
  <script defer src="../searchindex.js"></script>
</head><body><p class="x">Text</p>
<script defer src="../_static/scripts/bootstrap.js"></script>
</body></html>
"""


def _rewrite(page: str, search: bool = False) -> str:
    return head.rewrite(page, root="../" if not search else "", bundle="_static/site.0123456789ab.css",
                        documentation_options="const DOCUMENTATION_OPTIONS = {};", search_page=search)


def test_the_head_rewrite_keeps_one_stylesheet_and_no_blocking_script() -> None:
    page = _rewrite(PAGE)
    assert re.findall(r"<link[^>]*>", page) == ['<link rel="stylesheet" href="../_static/site.0123456789ab.css" />']
    assert "<script>const DOCUMENTATION_OPTIONS = {};</script>" in page
    assert re.search(r'<script src="../_static/doctools.js\?v=4" defer="defer">', page)
    assert "searchtools" not in page and "searchindex" not in page
    assert "copybutton.js" not in page, "no code block: the copy button's script is not loaded"
    assert "DOCUMENTATION_OPTIONS.pagename" in page and "<p class=\"x\">Text</p>" in page
    assert _rewrite(page) == page, "the rewrite is idempotent"


def test_the_search_page_runs_the_search_after_every_other_script() -> None:
    search = PAGE.replace("../", "")
    page = _rewrite(search, search=True)
    order = re.findall(r'<script[^>]*src="([^"?]+)', page)
    assert order == ["_static/doctools.js", "_static/searchtools.js", "_static/scripts/bootstrap.js", "searchindex.js"]
    assert all("defer" in tag for tag in re.findall(r"<script[^>]*src=[^>]*>", page))
    assert _rewrite(page, search=True) == page


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "html"
    (site / "_static").mkdir(parents=True)
    (site / "_static" / "theme.css").write_text(".used { color: red } .unused { color: blue }")
    (site / "_static" / "course.css").write_text(".ours { color: green }")
    (site / "_static" / "documentation_options.js").write_text("const DOCUMENTATION_OPTIONS = {};")
    head_html = ('<link rel="stylesheet" href="_static/theme.css" /><link rel="stylesheet" href="_static/course.css" />'
                 '<script src="_static/documentation_options.js"></script>')
    (site / "index.html").write_text(f"<html><head>{head_html}</head><body><p class=\"used\">x</p></body></html>")
    return site


def test_without_node_the_pages_still_get_one_minified_stylesheet(tmp_path: Path) -> None:
    site, store = _site(tmp_path), tmp_path / "store"
    outcome = optimise_site(site, store, None, frozenset({"course.css"}))
    assert outcome is not None and not outcome.purged and outcome.pages == 1
    bundle = next((site / "_static").glob("site.*.css"))
    assert bundle.read_text() == ".used{color:red}.unused{color:blue}.ours{color:green}"
    assert f'href="_static/{bundle.name}"' in (site / "index.html").read_text()
    assert (store / "index.html").read_text().count("<link") == 2, "Sphinx's page is kept as it was"
    assert optimise_site(site, store, None, frozenset({"course.css"})) is None, "a second pass with nothing new does nothing"
    (site / "_static" / "course.css").write_text(".ours { color: teal }")
    assert optimise_site(site, store, None, frozenset({"course.css"})) is not None, "a changed stylesheet is bundled again"


def test_scripts_are_minified_before_the_pass_fingerprints_them() -> None:
    """minify_js rewrites the course's scripts in the built site, and a rebuild that writes no
    page leaves them so: were they minified after the pass, the next no-op would find them
    changed and redo it (the purge included)."""
    steps: dict[str, int] = {}
    app = SimpleNamespace(add_config_value=lambda *args: None,
                          connect=lambda event, step, priority=500: steps.setdefault(step.__name__, priority))
    optimise.setup(app)  # type: ignore[arg-type]
    minify_js.setup(app)  # type: ignore[arg-type]
    assert steps["_minify"] < steps["_optimise"]


def test_the_step_is_off_when_the_config_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[Path] = []
    monkeypatch.setattr(optimise, "optimise_site", lambda site, *args: ran.append(site))
    app = SimpleNamespace(builder=SimpleNamespace(name="html"), config=SimpleNamespace(cehcourse_optimise=False),
                          srcdir=str(tmp_path), outdir=str(tmp_path / "html"), doctreedir=str(tmp_path / "doctrees"))
    optimise._optimise(app, None)  # type: ignore[arg-type]
    assert not ran
    app.config.cehcourse_optimise = True
    optimise._optimise(app, None)  # type: ignore[arg-type]
    assert ran == [tmp_path / "html"]
