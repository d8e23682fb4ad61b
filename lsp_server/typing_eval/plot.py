"""Precision of shown ghost text against how often it is shown: one curve per language over the confidence
thresholds of the calibration sweep, and the evaluation's arms as points."""

from __future__ import annotations

from pathlib import Path

from model.plotting import pyplot


def plot_typing(path: Path, sweep: dict | None = None, evaluation: dict | None = None) -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = {"python": "tab:blue", "typescript": "tab:orange", "go": "tab:green", "all": "black"}
    if sweep:
        rows = sweep["thresholds"]
        for language in [k for k in rows[0] if k != "threshold"]:
            points = [(r[language]["shown"], r[language]["precision"] or 0, r["threshold"]) for r in rows]
            ax.plot([p[0] for p in points], [p[1] for p in points], "-o", ms=3, color=colors.get(language),
                    label=f"{language} (calibration, thresholds {points[0][2]}-{points[-1][2]})")
            for shown, precision, t in points:
                ax.annotate(f"{t:g}", (shown, precision), fontsize=6, xytext=(2, 2), textcoords="offset points")
    if evaluation:
        markers = "s^Dv"
        for k, arm in enumerate(evaluation["arms"]):
            for language, figures in evaluation["languages"].items():
                row = figures[arm]
                ax.plot(row["shown"], row["precision"] or 0, markers[k % len(markers)], color=colors.get(language),
                        mfc="none", ms=8, label=f"{language}: {arm} (evaluation)")
    ax.axhline(0.4, ls=":", color="gray", lw=1)
    ax.set_xlabel("spots with a suggestion shown")
    ax.set_ylabel("precision of shown suggestions (useful / shown)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=6, loc="upper right")
    ax.set_title("Ghost text while typing held-out files: precision against coverage")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
