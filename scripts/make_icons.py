"""Write _static/icons.css: the few Font Awesome icons the theme uses, from a small font.

The theme ships Font Awesome as a 1.5 MB JavaScript file that swaps every <i class="fa-...">
for an inline SVG; the course drops that script (see _templates/layout.html) and draws the
icons it needs as glyphs of a few-KB subset of the solid web font, inlined in this
stylesheet. Glyphs, not SVG masks: every distinct SVG image costs the browser a small SVG
document during style recalculation (about 1.5 ms each, 15 per page: a quarter of a phone's
first style pass). Run once after a theme upgrade:

    .venv/bin/python scripts/make_icons.py

Each icon's code point and proportions are read from the Font Awesome Free build vendored in
pydata-sphinx-theme, and the glyphs from its solid web font (subsetting to WOFF2 needs the
brotli package: .venv/bin/pip install brotli).
"""

from __future__ import annotations

import base64
import io
import re
import sys
from pathlib import Path

import pydata_sphinx_theme
import sphinx_book_theme

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_static" / "icons.css"
PST_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
SBT_STATIC = Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "static"
FA_JS = PST_STATIC / "scripts" / "fontawesome.js"
FA_FONT = PST_STATIC / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.ttf"

# Every solid icon the two themes put on a page (header buttons, sidebars, prev/next,
# back-to-top, theme switch, search dialog), including buttons this book has switched off.
ICONS = [
    "angle-left", "angle-right", "arrow-up", "bars", "chevron-down", "chevron-right",
    "circle-half-stroke", "code", "download", "expand", "file", "file-pdf", "lightbulb",
    "list", "magnifying-glass", "moon", "outdent", "pencil", "play", "rocket", "sun", "xmark",
]  # fmt: skip

ICON_RE = re.compile(r'(?:"([\w-]+)"|([A-Za-z_][\w]*)):\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)","M[^"]+"\]')


def solid_icons(js: str) -> dict[str, tuple[int, int, int]]:
    """name (and alias) -> (width, height, code point) for the free solid pack."""
    end = js.index('d("fas",p)')
    start = js.rindex("var p={", 0, end)
    icons: dict[str, tuple[int, int, int]] = {}
    for match in ICON_RE.finditer(js, start, end):
        name = match.group(1) or match.group(2)
        width, height, aliases, code = int(match.group(3)), int(match.group(4)), match.group(5), match.group(6)
        for key in [name, *re.findall(r'"([\w-]+)"', aliases)]:
            icons.setdefault(key, (width, height, int(code, 16)))
    return icons


def css_glyphs() -> list[int]:
    """Font Awesome code points the themes' stylesheets draw in ::before/::after (admonition
    titles, external-link and download marks, breadcrumbs, the book theme's "on this page")."""
    theme_css = (PST_STATIC / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    book_css = (SBT_STATIC / "styles" / "sphinx-book-theme.css").read_text(encoding="utf-8")
    chars = set(re.findall(r'--pst-(?:icon-[\w-]+|breadcrumb-divider):"(.)"', theme_css))
    codes = {ord(c) for c in chars if 0xE000 <= ord(c) <= 0xF8FF}
    codes |= {int(h, 16) for h in re.findall(r'content:"\\(f[0-9a-f]{3})"', book_css)}
    return sorted(codes)


def font_subset(codes: list[int]) -> bytes:
    """The solid web font cut down to those glyphs (3 KB instead of 156 KB), as WOFF2: it
    is inlined in every page's stylesheet, and WOFF2 is a fifth smaller than zlib WOFF."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"  # needs the brotli package: .venv/bin/pip install brotli
    options.layout_features = []
    options.name_IDs = ["*"]  # keep the copyright and licence records
    font = subset.load_font(str(FA_FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def main() -> int:
    js = FA_JS.read_text(encoding="utf-8")
    licence = FA_JS.with_name("fontawesome.js.LICENSE.txt")
    version = re.search(r"Font Awesome Free ([\d.]+)", licence.read_text(encoding="utf-8") if licence.exists() else "")
    icons = solid_icons(js)
    missing = [name for name in ICONS if name not in icons]
    if missing:
        sys.stderr.write(f"not in the Font Awesome solid pack: {', '.join(missing)}\n")
        return 1
    codes = sorted(set(css_glyphs()) | {icons[name][2] for name in ICONS})
    font = font_subset(codes)
    lines = [
        "/* The theme's Font Awesome icons: <i class=\"fa-...\"> (Font Awesome's own stylesheet",
        " * maps each class to its glyph) and the glyphs the themes' stylesheets draw in",
        " * ::before/::after (admonition titles, link marks), from a subset of the solid web font",
        f" * inlined below: Font Awesome Free{' ' + version.group(1) if version else ''} by Fonticons, Inc., https://fontawesome.com,",
        " * font under the SIL Open Font License 1.1 (https://fontawesome.com/license/free).",
        " * Generated by scripts/make_icons.py: do not edit by hand. */",
        "@font-face { font-family: 'Font Awesome 6 Free'; font-style: normal; font-weight: 900;",
        f"  font-display: block; src: url(data:font/woff2;base64,{base64.b64encode(font).decode()}) format('woff2'); }}",
        "/* Each icon is its glyph's em box (at line-height 1em the baseline falls 7/8 down it, where",
        " * Font Awesome's 512-unit grid puts it), sitting on the text",
        " * baseline as Font Awesome's SVGs do, whatever size class it has (.fa-lg's line height",
        " * would move it); the box is there before the font is ready, so nothing moves when it is. */",
        ".fa-solid, .fas {",
        "  width: var(--ceh-icon-w, 1em); height: 1em; line-height: 1em; vertical-align: baseline;",
        "  text-align: center;",
        "}",
    ]
    for name in ICONS:
        width, height, _code = icons[name]
        lines.append(f".fa-{name} {{ --ceh-icon-w: {width / height:.4g}em; }}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes, {len(ICONS)} icons, {len(codes)} glyphs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
