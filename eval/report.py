"""Render evaluation results: a markdown report and a bar plot of key metrics by question type."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from eval.scorer import METRICS

#: Metrics drawn in the per-type plot.
PLOT_METRICS: tuple[str, ...] = (
    "must_include_accuracy",
    "citation_recall",
    "refusal_recall",
    "crag_score",
)

Scores = Mapping[str, float]


def fmt(value: float | None, name: str = "") -> str:
    """Format a metric value for a table cell ("–" for missing or nan)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if name == "n_items":
        return str(int(value))
    if name.endswith("_ms"):
        return f"{value:.1f}"
    if name == "mean_quote_chars":
        return f"{value:.0f}"
    return f"{value:.3f}"


def metrics_table(results: Mapping[str, Scores], metrics: Sequence[str] = METRICS) -> str:
    """Markdown table with metrics as rows and systems as columns."""
    systems = list(results)
    lines = [
        "| metric | " + " | ".join(systems) + " |",
        "|---|" + "---:|" * len(systems),
    ]
    for name in metrics:
        cells = [fmt(results[s].get(name), name) for s in systems]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def breakdown_table(groups: Mapping[str, Scores], metrics: Sequence[str] = METRICS) -> str:
    """Markdown table with groups (question types, languages) as rows and metrics as columns."""
    lines = [
        "| group | " + " | ".join(metrics) + " |",
        "|---|" + "---:|" * len(metrics),
    ]
    for group, scores in groups.items():
        cells = [fmt(scores.get(m), m) for m in metrics]
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


#: Columns of the per-group tables (latency and quote length stay in the main table).
BREAKDOWN_METRICS: tuple[str, ...] = tuple(
    m for m in METRICS
    if m not in {"verbatim_rate", "mean_quote_chars", "latency_p50_ms", "latency_p95_ms"}
)
#: The language rows also give latency (a Russian question takes the translation path).
LANGUAGE_METRICS: tuple[str, ...] = (*BREAKDOWN_METRICS, "latency_p50_ms", "latency_p95_ms")


def render_markdown(
    results: Mapping[str, Scores],
    by_type: Mapping[str, Scores],
    by_lang: Mapping[str, Scores] | None = None,
    system: str = "",
    notes: Sequence[str] = (),
    plot_name: str = "",
    extra: Sequence[str] = (),
) -> str:
    """The whole report: overall table, then the per-type (and per-language) breakdown of
    ``system``, then free-form notes."""
    parts = ["# Evaluation report", "", "## Overall", "", metrics_table(results), ""]
    if by_type:
        parts += [
            f"## By question type ({system})",
            "",
            breakdown_table(by_type, BREAKDOWN_METRICS),
            "",
        ]
    if by_lang:
        parts += [f"## By language ({system})", "", breakdown_table(by_lang, LANGUAGE_METRICS), ""]
    parts += list(extra)
    if plot_name:
        parts += [f"![key metrics by question type]({plot_name})", ""]
    if notes:
        parts += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    return "\n".join(parts)


def write_markdown(path: str | Path, text: str) -> None:
    """Write the report, creating the parent directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def plot_by_type(
    by_type: Mapping[str, Mapping[str, Scores]],
    path: str | Path,
    metrics: Sequence[str] = PLOT_METRICS,
) -> None:
    """Save a PNG: one panel per metric, question types on the x axis, one bar per system.

    ``by_type`` maps system name to its per-type scores. Missing or nan values are drawn as gaps.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(by_type)
    types: list[str] = []
    for groups in by_type.values():
        types += [t for t in groups if t not in types]
    width = 0.8 / max(len(systems), 1)
    fig, axes = plt.subplots(
        len(metrics), 1, figsize=(max(8, 1.3 * len(types)), 2.6 * len(metrics))
    )
    axes = [axes] if len(metrics) == 1 else list(axes)
    for ax, metric in zip(axes, metrics, strict=True):
        for k, system in enumerate(systems):
            offset = (k - (len(systems) - 1) / 2) * width
            points = [
                (i + offset, v)
                for i, t in enumerate(types)
                if not math.isnan(v := by_type[system].get(t, {}).get(metric, math.nan))
            ]
            ax.bar([x for x, _ in points], [v for _, v in points], width, label=system)
        ax.set_title(metric, fontsize=10)
        ax.set_xticks(range(len(types)))
        ax.set_xticklabels(types, fontsize=8, rotation=15)
        ax.axhline(0, color="black", linewidth=0.5)
        ax.set_ylim(-1.05 if metric == "crag_score" else 0, 1.05)
    axes[0].legend(fontsize=8, ncol=len(systems))
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
