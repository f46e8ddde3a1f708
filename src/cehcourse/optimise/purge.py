"""Unused CSS removed by PurgeCSS (pinned in package.json), when node and node_modules are
there. The book still builds on a machine with Python only: the bundle is then unpurged.

PurgeCSS keeps a selector when every class, id, tag and attribute in it appears as a word
in the content: here every built page and every script a page loads, so classes that
scripts add at run time survive as long as their names are written in the script
(tests/test_optimised_site.py checks that for each class added by classList or className).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Selector parts that count as present whatever the content says (the rest of a selector
# is judged as usual): the theme's dark mode (html[data-theme=dark], [data-mode]), which its
# scripts set as attributes; Bootstrap's transition states (.show, .collapsing); and the
# tooltip placements it builds from pieces (bs-${name}-auto: the site has tooltips, no
# popovers; [data-popper-placement]).
SAFELIST: dict[str, list[str]] = {
    "standard": [
        r"^data-theme$", r"^data-mode$", r"^data-bs-theme$", r"^data-popper-placement$", r"^bs-tooltip-",
        r"^show$", r"^showing$", r"^hiding$", r"^collapsing$", r"^fade$", r"^active$", r"^disabled$",
    ],
    "deep": [],
    "greedy": [],
}

_CUSTOM_PROPERTY = re.compile(r"--[A-Za-z_][\w-]*")

# Reads jobs from stdin, [{"css": [text, ...], "content": [{"raw", "extension"}, ...],
# "safelist": {...}, "named": [custom property, ...]}, ...]; writes each job's purged
# texts, in order, as JSON. Two passes: unused rules first; then the custom properties
# that no remaining rule, no unpurged stylesheet ("named") and no content reads. PurgeCSS
# judges @font-face and @keyframes one file at a time, so a name used only in another file
# looks unused: both stay (they cost little; dropping the course's font subset made pages
# fetch the 150 KB full font instead).
_RUNNER = r"""
const { PurgeCSS } = require(process.argv[1]);
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", async () => {
  const jobs = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const patterns = (list) => list.map((source) => new RegExp(source));
  const output = [];
  for (const job of jobs) {
    const safelist = {
      standard: patterns(job.safelist.standard),
      deep: patterns(job.safelist.deep),
      greedy: patterns(job.safelist.greedy),
    };
    const rules = await new PurgeCSS().purge({ content: job.content, css: job.css.map((raw) => ({ raw })), safelist });
    const named = new Set(job.named);
    for (const result of rules) {
      for (const match of result.css.matchAll(/var\(\s*(--[A-Za-z_][\w-]*)/g)) named.add(match[1]);
    }
    const variables = await new PurgeCSS().purge({
      content: job.content,
      css: rules.map((result) => ({ raw: result.css })),
      variables: true,
      safelist: { ...safelist, variables: [...named] },
    });
    output.push(variables.map((result) => result.css));
  }
  process.stdout.write(JSON.stringify(output));
});
"""


@dataclass(frozen=True)
class Job:
    """Stylesheets to purge against content (text, extension); kept_css is bundled beside
    them unpurged, so the custom properties it reads must stay."""

    css: list[str]
    content: list[tuple[str, str]]
    kept_css: str


class PurgeError(Exception):
    pass


def purgecss_module(root: Path) -> Path | None:
    """The pinned PurgeCSS in *root*/node_modules, when it and node are installed."""
    module = root / "node_modules" / "purgecss"
    return module if shutil.which("node") and (module / "package.json").is_file() else None


def purge(module: Path, jobs: list[Job]) -> list[list[str]]:
    """Each job's stylesheets without the rules that none of its content can use."""
    payload = []
    for job in jobs:
        named = set(_CUSTOM_PROPERTY.findall(job.kept_css))
        for text, _extension in job.content:
            named.update(_CUSTOM_PROPERTY.findall(text))
        payload.append({
            "css": job.css,
            "content": [{"raw": text, "extension": extension} for text, extension in job.content],
            "safelist": SAFELIST,
            "named": sorted(named),
        })
    result = subprocess.run(
        ["node", "-e", _RUNNER, str(module.resolve())],
        input=json.dumps(payload).encode(), capture_output=True, timeout=300,
    )
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise PurgeError(f"PurgeCSS failed: {lines[-1] if lines else 'no message'}")
    purged: list[list[str]] = json.loads(result.stdout)
    if [len(texts) for texts in purged] != [len(job.css) for job in jobs]:
        raise PurgeError("PurgeCSS returned a different number of stylesheets than it was given")
    return purged
