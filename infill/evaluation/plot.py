"""One PNG comparing decoders across evaluation reports (`diffusion-lsp eval plot`)."""

from __future__ import annotations

from pathlib import Path

from model.plotting import pyplot

METRICS = [("pass_at_1", "pass@1"), ("exact_match", "exact match"), ("shown_that_parse", "shown fills that parse"),
           ("holes_with_code", "holes that got code")]


def _title(report: dict) -> str:
    if "split" in report:
        return f"HumanEval {report['split']} ({report['problems']} problems)"
    return f"held-out lines ({report['lines']})"


def plot_reports(reports: list[dict], path: Path) -> None:
    """A row of bar charts per report: each metric it has, one bar per decoder; model calls on the right."""
    plt = pyplot()

    fig, axes = plt.subplots(len(reports), 2, figsize=(12, 3.2 * len(reports)), squeeze=False)
    for (ax, ax_nfe), report in zip(axes, reports):
        rows = report["decoders"]
        metrics = [(key, label) for key, label in METRICS if key in rows[0]]
        width = 0.8 / max(1, len(rows))
        for i, row in enumerate(rows):
            xs = [m + i * width for m in range(len(metrics))]
            bars = ax.bar(xs, [row[key] * 100 for key, _ in metrics], width, label=row["name"])
            ax.bar_label(bars, fmt="%.0f", fontsize=7)
        ax.set_xticks([m + width * (len(rows) - 1) / 2 for m in range(len(metrics))], [label for _, label in metrics])
        ax.set_ylabel("%")
        ax.set_ylim(0, 110)
        ax.set_title(_title(report))
        ax.legend(fontsize=8)
        ax_nfe.barh([r["name"] for r in rows], [r["mean_nfe"] for r in rows])
        ax_nfe.set_xlabel("model calls per fill (a call decodes every candidate length at once)")
        for y, r in enumerate(rows):
            ax_nfe.text(r["mean_nfe"], y, f" {r['mean_seconds']:.2f} s", va="center", fontsize=8)
    fig.suptitle(f"length search vs the old decoding, model {reports[0]['model']}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
