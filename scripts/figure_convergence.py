"""Draw book/figures/convergence.svg: trigeminocervical convergence, a teaching schematic.

Run from the repository root:  .venv/bin/python scripts/figure_convergence.py

The picture is a schematic, not to scale. It shows afferents from the upper cervical
structures (C1-C3) and from the trigeminal nerve (ophthalmic division) ending on the same
second-order neuron in the trigeminocervical nucleus, so that the brain can misplace pain
that starts in the neck to the occiput, forehead or orbit (Bogduk 2001; Bogduk & Govind 2009).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "book" / "figures" / "convergence.svg"

# Colour-blind-safe pair (Okabe-Ito) plus line style, so colour is never the only cue.
NECK = "#0072B2"  # blue, solid lines: cervical afferents
TRIG = "#D55E00"  # vermillion, dashed lines: trigeminal afferents
CENTRAL = "#333333"


def box(ax, x, y, w, h, text, edge, face="white", size=11, weight="normal"):
    ax.add_patch(
        FancyBboxPatch(
            (x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.15",
            linewidth=2, edgecolor=edge, facecolor=face,
        )
    )
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size,
            weight=weight, color="#111111", wrap=True)


def arrow(ax, start, end, colour, style="-", rad=0.0, width=2.2):
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=16, linewidth=width,
            color=colour, linestyle=style, connectionstyle=f"arc3,rad={rad}",
            shrinkA=2, shrinkB=4,
        )
    )


def main() -> None:
    plt.rcParams["svg.hashsalt"] = "cehcourse-convergence"  # stable ids between runs
    plt.rcParams["font.family"] = "DejaVu Sans"
    fig, ax = plt.subplots(figsize=(10, 6.4))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6.4)
    ax.axis("off")

    ax.text(5, 6.15, "Trigeminocervical convergence: why neck pain is felt in the head",
            ha="center", va="center", fontsize=14, weight="bold")

    # Where pain starts (left, top: trigeminal territory; left, bottom: upper neck).
    box(ax, 0.2, 4.0, 2.9, 1.35, "Forehead and orbit\n(ophthalmic division\nof the trigeminal nerve)",
        TRIG, face="#FBE3D6")
    box(ax, 0.2, 0.55, 2.9, 2.35,
        "Upper neck (C1–C3 nerves)\n• lateral atlanto-axial (C1–2) joint\n"
        "• C2–3 zygapophyseal joint\n  (third occipital nerve)\n• C2–3 disc, upper neck muscles",
        NECK, face="#DCEBF7", size=10.5)

    # The nucleus (centre).
    box(ax, 4.1, 2.05, 2.6, 2.0, "", CENTRAL, face="#F2F2F2")
    ax.text(5.4, 3.55, "Trigeminocervical nucleus", ha="center", va="center",
            fontsize=11, weight="bold")
    ax.text(5.4, 3.1, "(upper cervical cord,\nC1–C3 dorsal horns)", ha="center",
            va="center", fontsize=10)
    ax.add_patch(plt.Circle((5.4, 2.35), 0.13, color=CENTRAL))
    ax.text(5.4, 1.85, "shared second-order neuron", ha="center", va="top", fontsize=9.5,
            style="italic", color=CENTRAL)

    # Afferents converge on the same neuron.
    arrow(ax, (3.1, 4.3), (5.27, 2.42), TRIG, style="--", rad=0.3)
    arrow(ax, (3.1, 1.7), (5.28, 2.3), NECK, style="-", rad=0.1)

    # Ascending projection and the brain's reading of it.
    box(ax, 7.3, 3.95, 2.5, 1.4, "Thalamus and cortex:\npain is read as\n\"in the head\"",
        CENTRAL, face="white", size=11)
    arrow(ax, (5.52, 2.42), (7.3, 4.5), CENTRAL, rad=0.15, width=2.6)

    box(ax, 7.3, 0.55, 2.5, 2.35,
        "Result: a headache\nin the occiput, and at\ntimes the forehead\nor around the eye,\nthat starts in the neck",
        CENTRAL, face="#FFF7D6", size=10.5)
    arrow(ax, (8.55, 3.95), (8.55, 2.9), CENTRAL, width=2.0)

    # Legend in words, not colour alone.
    ax.text(0.2, 0.18,
            "Solid blue arrow: cervical (C1–C3) afferents.  Dashed orange arrow: trigeminal "
            "afferents.  Schematic, not to scale.",
            fontsize=9.5, color="#222222", va="center")

    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
