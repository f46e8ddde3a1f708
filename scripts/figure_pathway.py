"""Draw book/figures/pathway.svg: the stepped-care pathway for cervicogenic headache.

Run from the repository root:  .venv/bin/python scripts/figure_pathway.py

The figure summarises the chapter "Putting it together" (book/care-pathway.md): step 0
before any treatment (urgent red flags leave the pathway; orange flags are assessed and
explained; medication overuse is dealt with first), then six treatment steps from diagnosis to
specialist care, and the review rule between steps (a responder has at least 50% fewer
headache days). Every step is cited in the chapter; the figure itself carries no numbers that
the chapter does not.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "book" / "figures" / "pathway.svg"

# Okabe-Ito colours; every meaning is also written in words, so colour is never the only cue.
STEP = "#0072B2"  # blue: the steps of the pathway
STOP = "#D55E00"  # vermillion: red-flag exit
GOOD = "#009E73"  # green: responder, continue
INK = "#111111"

STEPS = [
    ("0  Before any treatment",
     "Urgent red flags (SNNOOP10; dissection; suspected GCA at 50+):\n"
     "leave the pathway. Orange flags (post-traumatic onset,\n"
     "painkiller overuse): assess and explain. Medication overuse:\n"
     "withdraw first, then record a new baseline diary."),
    ("1  Diagnosis and shared decision",
     "Apply ICHD-3 criteria; examine (flexion–rotation test).\n"
     "Start a headache diary; agree goals and the responder target."),
    ("2  First line: physical therapy",
     "Screen first. Mobilisation (no thrust) plus deep cervical flexor\n"
     "training; dry needling may be added to physical therapy."),
    ("3  Medicines (alongside therapy)",
     "Pregabalin: one randomised trial. Duloxetine, gabapentin,\n"
     "tricyclics: not studied for cervicogenic headache."),
    ("4  Controlled diagnostic blocks",
     "C1–2 joint; C2–3 joint / third occipital nerve; C3–4.\n"
     "Confirm the source; relief may help the patient do therapy."),
    ("5  Procedures",
     "Radiofrequency neurotomy, steroid injections, coblation,\n"
     "occipital nerve block. Evidence weak or mixed;\n"
     "rare but serious harms."),
    ("6  Specialist care for refractory headache",
     "Occipital nerve stimulation; surgery only if imaging shows\n"
     "an obvious structural cause."),
]


# Why a patient moves from one step to the next (one label per arrow).
TRANSITIONS = [
    "no urgent red flag; overuse dealt with",
    "diagnosis agreed",
    "not a responder",
    "not a responder",
    "block positive: source confirmed",
    "not a responder",
]


def box(ax, x, y, w, h, edge, face):
    ax.add_patch(
        FancyBboxPatch(
            (x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
            linewidth=2, edgecolor=edge, facecolor=face,
        )
    )


def arrow(ax, start, end, colour, style="-", width=2.2):
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=16, linewidth=width,
            color=colour, linestyle=style, shrinkA=1, shrinkB=1,
        )
    )


def main() -> None:
    plt.rcParams["svg.hashsalt"] = "cehcourse-pathway"  # stable ids between runs
    plt.rcParams["svg.fonttype"] = "none"  # keep text as text: searchable, small, offline
    plt.rcParams["font.family"] = "DejaVu Sans"
    width, height = 11.4, 15.1
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")

    ax.text(width / 2, height - 0.35, "Stepped care for cervicogenic headache",
            ha="center", va="center", fontsize=18, weight="bold", color=INK)
    ax.text(width / 2, height - 0.8, "Move down one step only when the agreed trial of the step above "
            "has not produced a response.", ha="center", va="center", fontsize=12.5, color=INK)

    left, box_w, gap = 0.1, 7.3, 0.45
    top = height - 1.3
    centres = []
    y_top = top
    for title, body in STEPS:
        box_h = 1.38 + 0.3 * (body.count("\n") - 1)  # room for each extra body line
        y = y_top - box_h
        box(ax, left, y, box_w, box_h, STEP, "#DCEBF7")
        ax.text(left + 0.15, y + box_h - 0.3, title, ha="left", va="center",
                fontsize=14, weight="bold", color=INK)
        ax.text(left + 0.15, y + (box_h - 0.38) / 2, body, ha="left", va="center", fontsize=12,
                color=INK, linespacing=1.35)
        centres.append((left + box_w / 2, y, y + box_h))
        y_top = y - gap

    # Downward arrows between steps, each labelled with the reason to move on.
    for number in range(len(STEPS) - 1):
        x, bottom, _ = centres[number]
        _, _, next_top = centres[number + 1]
        arrow(ax, (x, bottom - 0.02), (x, next_top + 0.04), STEP)
        label = TRANSITIONS[number]
        ax.text(x + 0.12, (bottom + next_top) / 2, label, ha="left", va="center",
                fontsize=11, style="italic", color=INK)

    # Urgent red-flag exit from step 0.
    x1, y1_bottom, y1_top = centres[0]
    exit_x, exit_w = 7.75, 3.55
    box(ax, exit_x, y1_bottom, exit_w, y1_top - y1_bottom, STOP, "#FBE3D6")
    ax.text(exit_x + exit_w / 2, (y1_bottom + y1_top) / 2,
            "URGENT RED FLAG\nLeave this pathway:\nurgent assessment\n(referral table)",
            ha="center", va="center", fontsize=12, weight="bold", color=INK, linespacing=1.3)
    arrow(ax, (left + box_w + 0.02, (y1_bottom + y1_top) / 2),
          (exit_x - 0.02, (y1_bottom + y1_top) / 2), STOP, style="--")

    # The review rule that applies at the treatment steps 2-6.
    rule_top = centres[2][2]
    rule_bottom = centres[6][1]
    box(ax, exit_x, rule_bottom, exit_w, rule_top - rule_bottom, GOOD, "#E1F3EC")
    rule = (
        "\n\n"
        "Compare the diary with\nthe baseline.\n\n"
        "Responder (at least 50%\nfewer headache days):\n"
        "continue, keep exercising,\nplan to taper medicines.\n\n"
        "Not a responder after the\nagreed trial: stop that\n"
        "treatment and move to\nthe next step.\n\n"
        "Adverse effects outweigh\nbenefit: stop.\n\n"
        "Acute medicines overused\nagain: deal with that\nbefore judging the step.\n\n"
        "New urgent red flag at\nany step: back to step 0."
    )
    ax.text(exit_x + 0.18, rule_top - 0.2, "At every review", ha="left", va="top",
            fontsize=13.5, weight="bold", color=INK)
    ax.text(exit_x + 0.18, rule_top - 0.2, rule, ha="left", va="top", fontsize=12,
            color=INK, linespacing=1.3)
    for number in range(2, 7):
        _, bottom, top_y = centres[number]
        arrow(ax, (left + box_w + 0.02, (bottom + top_y) / 2),
              (exit_x - 0.02, (bottom + top_y) / 2), GOOD, style=":", width=1.6)

    ax.text(left, 0.2,
            "Blue boxes: steps. Dashed orange arrow: urgent red-flag exit. Dotted green arrows: the "
            "review rule applies at each treatment step.",
            fontsize=11, color=INK, va="center")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, format="svg", metadata={"Date": None, "Creator": None},
                bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
