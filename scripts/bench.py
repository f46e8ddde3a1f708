"""Measure the book: build times, pages, and what a browser transfers per page.

    make bench                       # clean build + no-op rebuild + page weights
    .venv/bin/python scripts/bench.py --site _build/html   # weights of an existing build only

Figures, not a test: nothing here fails on a threshold. Page weight is what chromium fetches
for a first visit (fresh cache): every response (HTML, CSS, JS, fonts, images), each body
gzip-compressed at level 6, summed. Lighthouse scores are added when a `lighthouse` binary
is available (node_modules/.bin/lighthouse or on PATH, e.g. `npm install --no-save
lighthouse`); otherwise a note says so.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
# The loopback server lives with the tests, which use it most.
sys.path.insert(0, str(ROOT / "tests"))
from localsite import serve  # noqa: E402
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
QUIZ_ASSETS = [ROOT / "src" / "cehcourse" / "static" / "vignette.js", ROOT / "src" / "cehcourse" / "static" / "vignette.css"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"]


def build(out: Path) -> float:
    """Seconds for `jupyter-book build` into out (notebooks executed when the cache is empty)."""
    start = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n", file=sys.stderr)
        print(f"(the build into {out} reported problems; figures below are for what it wrote)", file=sys.stderr)
    return seconds


def pages_of(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0].startswith(("_static", "_sources", "_images"))
    )


def page_weights(site: Path, pages: list[str]) -> tuple[dict[str, tuple[int, int, int]], dict[str, tuple[int, int]]]:
    """Per page: (requests, raw bytes, gzip bytes); per asset URL path: (raw, gzip)."""
    from playwright.sync_api import sync_playwright

    weights: dict[str, tuple[int, int, int]] = {}
    assets: dict[str, tuple[int, int]] = {}
    with serve(site, compress=True) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for relpath in pages:
            context = browser.new_context()  # fresh cache: a first visit
            page = context.new_page()
            responses: list[object] = []
            page.on("response", lambda response: responses.append(response))
            page.goto(f"{base}/{relpath}", wait_until="load")
            page.wait_for_load_state("networkidle")
            raw_total = gz_total = count = 0
            for response in responses:
                url = response.url  # type: ignore[attr-defined]
                if not url.startswith(base):
                    continue
                try:
                    body = response.body()  # type: ignore[attr-defined]
                except Exception:  # redirects and aborted requests have no body
                    continue
                packed = len(gzip.compress(body, compresslevel=6))
                count, raw_total, gz_total = count + 1, raw_total + len(body), gz_total + packed
                assets[url[len(base):].split("?")[0]] = (len(body), packed)
            weights[relpath] = (count, raw_total, gz_total)
            context.close()
        browser.close()
    return weights, assets


def lighthouse_scores(site: Path, pages: list[str]) -> dict[str, dict[str, int]] | str:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    command = str(binary) if binary.exists() else shutil.which("lighthouse")
    if not command:
        return "Lighthouse not installed (optional: `npm install --no-save lighthouse`); scores skipped."
    scores: dict[str, dict[str, int]] = {}
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    with serve(site, compress=True) as base, tempfile.TemporaryDirectory() as tmp:
        for relpath in pages:
            report = Path(tmp) / "report.json"
            result = subprocess.run(
                [command, f"{base}/{relpath}", "--quiet", "--output=json", f"--output-path={report}",
                 "--only-categories=performance,accessibility,best-practices",
                 "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                env=env, capture_output=True, text=True, timeout=300,
            )
            if result.returncode != 0 or not report.exists():
                return f"Lighthouse could not run ({result.stderr.strip().splitlines()[-1:] or 'no output'}); scores skipped."
            categories = json.loads(report.read_text())["categories"]
            scores[relpath] = {k: round((v["score"] or 0) * 100) for k, v in categories.items()}
    return scores


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="measure this built site; skip the builds")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse even if installed")
    parser.add_argument("--lighthouse-pages", default="index.html,book/",
                        help="comma-separated page prefixes to score with Lighthouse (default: home and chapters)")
    args = parser.parse_args()

    print("Course bench")
    print("============")
    if args.site:
        site = args.site.resolve()
        print(f"Site: {site} (existing build; build times not measured)")
    else:
        out = Path(tempfile.gettempdir()) / "cehcourse-bench"
        shutil.rmtree(out, ignore_errors=True)
        clean = build(out)
        noop = build(out)
        site = out / "_build" / "html"
        print(f"Clean build (notebooks executed): {clean:6.1f} s")
        print(f"No-op rebuild:                    {noop:6.1f} s")

    pages = pages_of(site)
    print(f"HTML pages:                       {len(pages):6d}")
    quiz = sum(p.stat().st_size for p in QUIZ_ASSETS if p.exists())
    print(f"Quiz JS + CSS (uncompressed):     {kb(quiz):>9}  ({', '.join(p.name for p in QUIZ_ASSETS)})")

    weights, assets = page_weights(site, pages)
    print("\nTransferred on a first visit (gzip -6 of every response)")
    print(f"{'page':<44} {'requests':>8} {'raw':>12} {'gzip':>12}")
    for relpath, (count, raw, packed) in weights.items():
        print(f"{relpath:<44} {count:>8} {kb(raw):>12} {kb(packed):>12}")
    chapters = [w[2] for p, w in weights.items() if p.startswith("book/") and p.count("/") == 1]
    if chapters:
        print(f"{'chapter pages: max / median':<44} {'':>8} {'':>12} {kb(max(chapters)):>12} / {kb(sorted(chapters)[len(chapters) // 2])}")

    print("\nLargest assets (gzip)")
    for path, (raw, packed) in sorted(assets.items(), key=lambda item: -item[1][1])[:12]:
        print(f"  {path:<70} {kb(raw):>12} raw {kb(packed):>12} gzip")

    if not args.no_lighthouse:
        prefixes = tuple(args.lighthouse_pages.split(","))
        scored = [p for p in pages if p.startswith(prefixes) and (p.count("/") <= 1)]
        result = lighthouse_scores(site, scored)
        print("\nLighthouse (mobile)")
        if isinstance(result, str):
            print(f"  {result}")
        else:
            print(f"  {'page':<44} {'perf':>5} {'a11y':>5} {'best':>5}")
            for relpath, s in result.items():
                print(f"  {relpath:<44} {s.get('performance', 0):>5} {s.get('accessibility', 0):>5} {s.get('best-practices', 0):>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
