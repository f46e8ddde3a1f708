"""Print the built book to one PDF, offline: _build/pdf/course.pdf.

    make pdf                 # builds the book first
    .venv/bin/python scripts/make_pdf.py [--site _build/html] [--out _build/pdf/course.pdf]

Debian's chromium (driven by Playwright, headless) prints the home page, every chapter in
_toc.yml order and the instructor answer key with the course's print stylesheet
(_static/course.css: no sidebars or buttons, URLs after external links, every quiz stage
shown); pypdf joins the pages and adds one bookmark per page.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


import yaml

ROOT = Path(__file__).resolve().parent.parent
# The loopback server lives with the tests, which use it most.
sys.path.insert(0, str(ROOT / "tests"))
from localsite import serve  # noqa: E402
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"]
CHAPTERS_CAPTION = "Chapters"
ANSWER_KEY = "book/answer-key"


def pages_in_order(root: Path = ROOT) -> list[str]:
    """Docnames to print: home, the chapters in TOC order, then the answer key."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]]
    key = [ANSWER_KEY]
    for part in toc.get("parts", []):
        if part.get("caption") == CHAPTERS_CAPTION:
            docs += [entry["file"] for entry in part.get("chapters", []) if "file" in entry]
        # The answer key's parts, one page per chapter, follow its front page.
        for entry in part.get("chapters", []):
            if entry.get("file") == ANSWER_KEY:
                key += [section["file"] for section in entry.get("sections", []) if "file" in section]
    return [*docs, *key]


def make_pdf(site: Path, out: Path, docs: list[str] | None = None) -> Path:
    from playwright.sync_api import sync_playwright
    from pypdf import PdfWriter

    docs = docs or pages_in_order()
    missing = [d for d in docs if not (site / f"{d}.html").exists()]
    if missing:
        raise FileNotFoundError(f"not built: {', '.join(missing)} (run `make book`)")
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter()
    with tempfile.TemporaryDirectory() as tmp, serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context()
        # Offline: anything not from the local server is refused.
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith((base, "data:", "blob:")) else route.abort())
        page = context.new_page()
        for number, doc in enumerate(docs):
            page.goto(f"{base}/{doc}.html", wait_until="load")
            page.wait_for_load_state("networkidle")
            title = page.locator("article h1").first.inner_text().strip() if page.locator("article h1").count() else doc
            part = Path(tmp) / f"{number:03d}.pdf"
            page.pdf(path=str(part), format="A4", print_background=False, prefer_css_page_size=True, outline=False)
            start = len(writer.pages)
            writer.append(str(part))
            writer.add_outline_item(title=title.replace("#", "").strip(), page_number=start)
        browser.close()
    writer.add_metadata({"/Title": "Managing cervicogenic headache", "/Subject": "Course for medical students. For education only, not medical advice."})
    with out.open("wb") as handle:
        writer.write(handle)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "course.pdf")
    args = parser.parse_args()
    try:
        out = make_pdf(args.site, args.out)
    except FileNotFoundError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    print(f"wrote {out} ({out.stat().st_size / 1024:,.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
