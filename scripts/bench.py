"""Measure the book: build times, what a browser transfers per page, layout shift on case
pages, the quiz's size and Lighthouse scores.

    make bench                                   # everything, and the README's figures
    .venv/bin/python scripts/bench.py --site _build/html --no-lighthouse   # weights only

Figures, not a test: nothing here fails on a threshold. Page weight is what chromium fetches
on a first visit (fresh cache): every response (HTML, CSS, JS, fonts, images), each body
gzip-compressed at level 6 as GitHub Pages serves it, summed. A page's floor is what its
own content needs: the HTML document, its images and, on quiz pages, the quiz's scripts.
Lighthouse (mobile preset, simulated throttling) runs against a local gzip server; each
score is the median of --runs runs, each started once the machine is quiet (wait_until_quiet).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The loopback server lives with the tests, which use it most.
sys.path.insert(0, str(ROOT / "tests"))
from localsite import serve  # noqa: E402

BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"]
# The quiz's own files: the course package's scripts and stylesheets, less the reader
# shell's (its menu, the lazy rendering of long pages) and the search page's guard; and the
# question bank's item scripts.
PACKAGE_STATIC = ROOT / "src" / "cehcourse" / "static"
READER_SHELL = {"course-menu.js", "render-sections.js", "search-no-spoilers.js"}
QUIZ_FILES = {path.name for path in PACKAGE_STATIC.iterdir()} - READER_SHELL


def is_quiz_file(path: str) -> bool:
    return path.rsplit("/", 1)[-1] in QUIZ_FILES or "/_static/bank/" in path
CATEGORIES = ("performance", "accessibility", "best-practices")
README = ROOT / "README.md"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
PHONE = {"width": 390, "height": 844}
# Pages whose scripts fill them in after the first paint: their layout shift is reported.
SHIFT_KINDS = ("case", "practice", "progress")


@dataclass
class Weight:
    requests: int = 0
    raw: int = 0
    gzip: int = 0
    floor: int = 0
    assets: dict[str, tuple[int, int]] = field(default_factory=dict)


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


def kind_of(page: str) -> str:
    if page.startswith("book/cases/"):
        return "case"
    if page.startswith("book/answer-key/"):
        return "answer-key part"
    if page.startswith("exercises/"):
        return "notebook"
    if page.startswith("book/"):
        name = page.removeprefix("book/").removesuffix(".html")
        return "chapter" if name in chapter_names() else name
    return page.removesuffix(".html")


def chapter_names() -> set[str]:
    import yaml

    data = yaml.safe_load((ROOT / "book" / "chapters.yaml").read_text(encoding="utf-8"))
    chapters = data.get("chapters", data) if isinstance(data, dict) else data
    return set(chapters) if isinstance(chapters, dict) else {c.get("id") or c.get("name") for c in chapters}


def page_weights(site: Path, pages: list[str]) -> tuple[dict[str, Weight], dict[str, float]]:
    """Per page, what a first visit transfers; on the pages that scripts fill in (case
    pages, the question bank, the progress page), the layout shift on a phone."""
    from playwright.sync_api import sync_playwright

    weights: dict[str, Weight] = {}
    shifts: dict[str, float] = {}
    with serve(site, compress=True) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for relpath in pages:
            context = browser.new_context(viewport=PHONE)  # fresh cache: a first visit
            context.add_init_script(
                "window.__shift = 0; new PerformanceObserver(list => { for (const e of list.getEntries())"
                " if (!e.hadRecentInput) window.__shift += e.value; }).observe({type: 'layout-shift', buffered: true});"
            )
            page = context.new_page()
            responses: list[Any] = []
            page.on("response", lambda response: responses.append(response))
            page.goto(f"{base}/{relpath}", wait_until="load")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            weight = Weight()
            for response in responses:
                url = response.url
                if not url.startswith(base):
                    continue
                try:
                    body = response.body()
                except Exception:  # redirects and aborted requests have no body
                    continue
                packed = len(gzip.compress(body, compresslevel=6))
                path = url[len(base):].split("?")[0]
                weight.requests += 1
                weight.raw += len(body)
                weight.gzip += packed
                weight.assets[path] = (len(body), packed)
                own = path == f"/{relpath}" or "/_images/" in path or is_quiz_file(path)
                weight.floor += packed if own else 0
            weights[relpath] = weight
            if kind_of(relpath) in SHIFT_KINDS:
                shifts[relpath] = float(page.evaluate("window.__shift"))
            context.close()
        browser.close()
    return weights, shifts


def lighthouse_binary() -> str | None:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    return str(binary) if binary.exists() else shutil.which("lighthouse")


def lighthouse_version(command: str) -> str:
    result = subprocess.run([command, "--version"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def lighthouse_run(command: str, url: str, report: Path) -> dict[str, float]:
    """One Lighthouse run: category scores (0-100) and the page's CLS. Chromium starts
    headless and without the sandbox (it cannot start otherwise as root or in a container)."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    problem = ""
    for _attempt in range(2):  # a cold chromium occasionally misses Lighthouse's start-up window
        result = subprocess.run(
            [command, url, "--quiet", "--output=json", f"--output-path={report}",
             f"--only-categories={','.join(CATEGORIES)}",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            env=env, capture_output=True, text=True, timeout=300,
        )
        if result.returncode == 0 and report.exists():
            data = json.loads(report.read_text())
            scores = {k: round((v["score"] or 0) * 100) for k, v in data["categories"].items()}
            scores["cls"] = data["audits"]["cumulative-layout-shift"]["numericValue"]
            scores["tbt"] = data["audits"]["total-blocking-time"]["numericValue"]
            # Simulated throttling scales the CPU time it observes: a busy machine lowers scores.
            scores["load"] = os.getloadavg()[0]
            report.unlink()
            return scores
        problem = " | ".join(result.stderr.strip().splitlines()[-3:]) or "no output"
    raise RuntimeError(f"Lighthouse could not run on {url}: {problem}")


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait


def wait_until_quiet(most_seconds: float = 30.0, idle_share: float = 0.85) -> None:
    """Wait until the machine has been mostly idle for a second (at most *most_seconds*).
    Lighthouse's simulated throttling scales the CPU time it observes, so a run that starts
    while the last one's chromium is still exiting, or while anything else runs, scores lower;
    on two cores the spread was several points without a pause."""
    if not Path("/proc/stat").exists():
        time.sleep(10)
        return
    deadline = time.monotonic() + most_seconds
    while time.monotonic() < deadline:
        idle_before, total_before = _cpu_times()
        time.sleep(1.0)
        idle_after, total_after = _cpu_times()
        if total_after > total_before and (idle_after - idle_before) / (total_after - total_before) >= idle_share:
            return


def lighthouse_scores(site: Path, pages: list[str], runs: int) -> dict[str, dict[str, float]]:
    command = lighthouse_binary()
    assert command is not None
    medians: dict[str, dict[str, float]] = {}
    with serve(site, compress=True) as base, tempfile.TemporaryDirectory() as tmp:
        for relpath in pages:
            results = []
            for _run in range(runs):
                wait_until_quiet()
                results.append(lighthouse_run(command, f"{base}/{relpath}", Path(tmp) / "report.json"))
            medians[relpath] = {key: statistics.median(r[key] for r in results) for key in results[0]}
            print(f"  {relpath:<44} " + " ".join(f"{medians[relpath][c]:>5.0f}" for c in CATEGORIES)
                  + f"  CLS {medians[relpath]['cls']:.3f}  TBT {medians[relpath]['tbt']:4.0f} ms"
                  + f"  load {max(r['load'] for r in results):.1f}", flush=True)
    return medians


def heaviest_of_each_kind(weights: dict[str, Weight]) -> list[str]:
    """Lighthouse's performance score follows bytes and DOM size, so the heaviest page of
    each kind bounds the others of that kind."""
    chosen: dict[str, str] = {}
    for relpath, weight in weights.items():
        kind = kind_of(relpath)
        if kind not in chosen or weight.gzip > weights[chosen[kind]].gzip:
            chosen[kind] = relpath
    return sorted(chosen.values())


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def quiz_size(site: Path, relpath: str, weight: Weight) -> int:
    """What a page loads for its quiz, uncompressed: the course package's scripts it fetches
    (and the question bank's items), and the package stylesheets it links, which the build
    puts whole inside the page's one stylesheet (read from the page as Sphinx wrote it)."""
    scripts = sum(raw for path, (raw, _) in weight.assets.items() if is_quiz_file(path))
    kept = site.parent / ".doctrees" / "cehcourse-unoptimised" / relpath
    head = kept.read_text(encoding="utf-8") if kept.is_file() else ""
    styles = sum((PACKAGE_STATIC / name).stat().st_size for name in set(re.findall(r'href="[^"]*/_static/([\w-]+\.css)', head)) if name in QUIZ_FILES)
    return scripts + styles


def readme_table(weights: dict[str, Weight], scores: dict[str, dict[str, float]]) -> str:
    lines = ["| Page | Kind | Requests | Gzip | Floor | Lighthouse perf / a11y / best |", "| --- | --- | ---: | ---: | ---: | --- |"]
    for relpath, weight in weights.items():
        score = scores.get(relpath)
        scored = " / ".join(f"{score[c] / 100:.2f}" for c in CATEGORIES) if score else "(kind scored on its heaviest page)"
        lines.append(f"| {relpath} | {kind_of(relpath)} | {weight.requests} | {kb(weight.gzip)} | {kb(weight.floor)} | {scored} |")
    return "\n".join(lines)


def write_readme(summary: list[str], table: str) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        print(f"README.md has no {README_START} ... {README_END} section: figures not written there.")
        return
    block = "\n".join([README_START, *summary, "", table, README_END])
    README.write_text(text[:start] + block + text[end + len(README_END):], encoding="utf-8")
    print("README.md: figures written.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="measure this built site; skip the builds")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    parser.add_argument("--lighthouse-pages", choices=("kinds", "all"), default="kinds",
                        help="score the heaviest page of each kind (default) or every page")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is reported)")
    parser.add_argument("--readme", action="store_true", help="write the figures into README.md")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "cehcourse-bench",
                        help="where the clean build goes (emptied first)")
    args = parser.parse_args()

    print("Course bench\n============")
    summary: list[str] = []
    if args.site:
        site = args.site.resolve()
        print(f"Site: {site} (existing build; build times not measured)")
    else:
        out = args.out.resolve()
        shutil.rmtree(out, ignore_errors=True)
        clean = build(out)
        noop = build(out)
        site = out / "_build" / "html"
        print(f"Clean build (notebooks executed): {clean:6.1f} s   (target <= 90 s)")
        print(f"No-op rebuild:                    {noop:6.1f} s   (target <= 10 s)")
        summary += [f"| Clean build, notebooks executed | {clean:.1f} s | ≤ 90 s |", f"| No-op rebuild | {noop:.1f} s | ≤ 10 s |"]

    pages = pages_of(site)
    weights, shifts = page_weights(site, pages)
    print(f"HTML pages: {len(pages)}")
    print("\nTransferred on a first visit (gzip -6 of every response); floor = the page's own content")
    print(f"{'page':<44} {'kind':<14} {'requests':>8} {'gzip':>10} {'floor':>10}")
    for relpath, w in weights.items():
        print(f"{relpath:<44} {kind_of(relpath):<14} {w.requests:>8} {kb(w.gzip):>10} {kb(w.floor):>10}")
    reader_pages = {p: w for p, w in weights.items() if kind_of(p) in ("chapter", "case")}
    heaviest = max(reader_pages.items(), key=lambda item: item[1].gzip)
    floors = [w.floor for p, w in weights.items() if kind_of(p) == "case"]
    quizzes = {p: quiz_size(site, p, w) for p, w in weights.items()}
    case_quiz = max((size, p) for p, size in quizzes.items() if kind_of(p) == "case")
    largest_quiz = max((size, p) for p, size in quizzes.items())
    worst_shift = max((v for p, v in shifts.items() if kind_of(p) == "case"), default=0.0)
    filled_shift = {kind: max((v for p, v in shifts.items() if kind_of(p) == kind), default=0.0) for kind in ("practice", "progress")}
    print(f"\nChapter and case pages, gzip: {kb(min(w.gzip for w in reader_pages.values()))} – {kb(heaviest[1].gzip)} "
          f"(heaviest {heaviest[0]}; target <= 110 KB)")
    print(f"Case page floor: {kb(min(floors))} – {kb(max(floors))}")
    print(f"Layout shift on case pages (phone, PerformanceObserver): max {worst_shift:.4f} (target 0)")
    print(f"Layout shift on the question bank / progress page (phone): {filled_shift['practice']:.4f} / "
          f"{filled_shift['progress']:.4f} (target 0)")
    print(f"Quiz JS + CSS on a case page (uncompressed): {kb(case_quiz[0])} (target <= 40 KB); "
          f"largest on any page: {kb(largest_quiz[0])} ({largest_quiz[1]})")
    summary += [
        f"| Chapter and case pages, gzip, first visit | {kb(min(w.gzip for w in reader_pages.values()))} – {kb(heaviest[1].gzip)} | ≤ 110 KB |",
        f"| Case page floor (HTML + quiz script) | {kb(min(floors))} – {kb(max(floors))} | |",
        f"| Layout shift on case pages (phone) | {worst_shift:.3f} | 0 |",
        f"| Layout shift on the question bank / progress page (phone) | {filled_shift['practice']:.3f} / {filled_shift['progress']:.3f} | 0 |",
        f"| Quiz JS + CSS on a case page, uncompressed | {kb(case_quiz[0])} (largest on any page: {kb(largest_quiz[0])}, {largest_quiz[1]}) | ≤ 40 KB |",
    ]

    assets: dict[str, tuple[int, int]] = {}
    for w in weights.values():
        assets.update(w.assets)
    print("\nLargest assets (gzip)")
    for path, (raw, packed) in sorted(assets.items(), key=lambda item: -item[1][1])[:12]:
        print(f"  {path:<70} {kb(raw):>12} raw {kb(packed):>12} gzip")

    scores: dict[str, dict[str, float]] = {}
    command = lighthouse_binary()
    if args.no_lighthouse or command is None:
        print("\nLighthouse skipped" + ("" if args.no_lighthouse else " (not installed: `make bench` installs the pinned version)"))
    else:
        scored = pages if args.lighthouse_pages == "all" else heaviest_of_each_kind(weights)
        version = lighthouse_version(command)
        print(f"\nLighthouse {version} (mobile), median of {args.runs}: perf a11y best")
        scores = lighthouse_scores(site, scored, args.runs)
        lowest = {c: min(s[c] for s in scores.values()) / 100 for c in CATEGORIES}
        which = "every page" if args.lighthouse_pages == "all" else "the heaviest page of each kind"
        load = max(s["load"] for s in scores.values())
        summary.append(f"| Lighthouse {version} mobile, median of {args.runs}, lowest on {which}: perf / a11y / best "
                       f"| {' / '.join(f'{lowest[c]:.2f}' for c in CATEGORIES)} (load average up to {load:.1f} on "
                       f"{os.cpu_count()} cores while it ran) | 1.00 / 1.00 / 1.00 |")
        case_cls = [s["cls"] for p, s in scores.items() if kind_of(p) in SHIFT_KINDS]
        if case_cls:
            summary.append(f"| Lighthouse CLS on case pages, question bank, progress page | {max(case_cls):.3f} | 0 |")
        worst_tbt = max(scores.items(), key=lambda item: item[1]["tbt"])
        summary.append(f"| Lighthouse total blocking time, highest | {worst_tbt[1]['tbt']:.0f} ms ({worst_tbt[0]}) | |")

    if args.readme:
        today = datetime.date.today().isoformat()
        header = [f"Latest `make bench`: {today}, {len(pages)} pages.", "", "| Measure | Value | Target |", "| --- | --- | --- |"]
        write_readme(header + summary, readme_table(weights, scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
