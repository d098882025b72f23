"""Scoring of answers (the JSON contract of ``Answer.to_dict()``) against the evaluation set.

Pure functions in the style of ALCE's ``compute_*(items) -> dict``: every metric takes the
items, the answers (aligned by position) and the seed texts, and returns a float (``nan`` when
the metric does not apply to the items given). I/O lives only in :func:`load_items` and
:func:`load_seeds`.

Conventions

- A gold evidence span is located with ``str.find`` of the quote in its seed file.
- Two spans overlap when they share at least one character (``a.start < b.end`` and
  ``b.start < a.end``) and lie in the same document.
- ``must_include`` strings are compared after whitespace normalisation and case folding, so a
  non-breaking space in a seed file matches an ordinary space in the evaluation set.
- Per-item metrics (recall, precision, disagreement coverage) are averaged over items (macro);
  per-citation metrics (verbatim rate, quote length) are averaged over citations (micro).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: The repository's seeds directory (default for :func:`load_seeds`).
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
#: The evaluation set: the verified question bank beside the articles (every file of it).
QUESTIONS_PATH = SEEDS_DIR / "bank"

NAN = float("nan")

Item = Mapping[str, Any]
Answer = Mapping[str, Any]
Span = tuple[str, int, int]

#: Metric names in the order reports show them.
METRICS: tuple[str, ...] = (
    "n_items",
    "citation_recall",
    "citation_precision",
    "first_quote_accuracy",
    "must_include_accuracy",
    "refusal_recall",
    "false_refusal_rate",
    "disagreement_coverage",
    "verbatim_rate",
    "mean_quote_chars",
    "latency_p50_ms",
    "latency_p95_ms",
    "crag_score",
    "confident_precision",
    "calibration_error",
    "bank_share",
)


# ----------------------------------------------------------------------------- I/O at the edges


def load_items(path: str | Path = QUESTIONS_PATH) -> list[dict[str, Any]]:
    """Read the evaluation items, one JSON object a line (blank lines skipped); a folder is
    read file by file in name order."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    items = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            items += [json.loads(line) for line in fh if line.strip()]
    return items


def load_seeds(seeds_dir: str | Path = SEEDS_DIR) -> dict[str, str]:
    """Map ``doc_id`` (file stem) to the seed text read as UTF-8, unmodified."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(seeds_dir).glob("*.txt"))}


# ----------------------------------------------------------------------------- helpers


def normalise(text: str) -> str:
    """Collapse all whitespace (including non-breaking spaces) and case-fold."""
    return " ".join(text.split()).casefold()


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else NAN


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in [0, 100]), numpy's default; nan if empty."""
    if not values:
        return NAN
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def gold_spans(item: Item, seeds: Mapping[str, str]) -> list[Span]:
    """Locate each evidence quote of ``item`` in its seed text (quotes not found are skipped)."""
    spans = []
    for ev in item.get("evidence", []):
        start = seeds.get(ev["doc"], "").find(ev["quote"])
        if start >= 0:
            spans.append((ev["doc"], start, start + len(ev["quote"])))
    return spans


def cited_spans(answer: Answer) -> list[Span]:
    """The ``(doc_id, start, end)`` of every citation of an answer."""
    return [(c["doc_id"], int(c["start"]), int(c["end"])) for c in answer.get("citations", [])]


def overlaps(a: Span, b: Span) -> bool:
    """True when two spans are in the same document and share at least one character."""
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def quotes_text(answer: Answer) -> str:
    """All cited quotes joined, normalised for ``must_include`` matching."""
    return normalise(" \n ".join(c.get("quote", "") for c in answer.get("citations", [])))


def has_must_include(item: Item, answer: Answer) -> bool:
    """True when every ``must_include`` string of ``item`` occurs in the answer's quotes."""
    text = quotes_text(answer)
    return all(normalise(m) in text for m in item.get("must_include", []))


def _pairs(items: Sequence[Item], answers: Sequence[Answer]) -> list[tuple[Item, Answer]]:
    if len(items) != len(answers):
        raise ValueError(f"{len(items)} items but {len(answers)} answers")
    return list(zip(items, answers, strict=True))


def _answerable(pairs: list[tuple[Item, Answer]]) -> list[tuple[Item, Answer]]:
    return [(i, a) for i, a in pairs if i.get("answerable", True)]


def _unanswerable(pairs: list[tuple[Item, Answer]]) -> list[tuple[Item, Answer]]:
    return [(i, a) for i, a in pairs if not i.get("answerable", True)]


# ----------------------------------------------------------------------------- metrics


def citation_recall(
    items: Sequence[Item], answers: Sequence[Answer], seeds: Mapping[str, str]
) -> float:
    """Mean over answerable items with evidence of the share of gold spans a citation overlaps."""
    scores = []
    for item, answer in _answerable(_pairs(items, answers)):
        gold = gold_spans(item, seeds)
        if not gold:
            continue
        cited = cited_spans(answer)
        scores.append(sum(any(overlaps(g, c) for c in cited) for g in gold) / len(gold))
    return _mean(scores)


def citation_precision(
    items: Sequence[Item], answers: Sequence[Answer], seeds: Mapping[str, str]
) -> float:
    """Mean over answerable items with citations of the share of citations that are supported.

    A citation is supported when it overlaps a gold span or contains a ``must_include`` string.
    """
    scores = []
    for item, answer in _answerable(_pairs(items, answers)):
        citations = answer.get("citations", [])
        if not citations:
            continue
        gold = gold_spans(item, seeds)
        musts = [normalise(m) for m in item.get("must_include", [])]
        good = 0
        for c in citations:
            span = (c["doc_id"], int(c["start"]), int(c["end"]))
            quote = normalise(c.get("quote", ""))
            if any(overlaps(span, g) for g in gold) or any(m in quote for m in musts):
                good += 1
        scores.append(good / len(citations))
    return _mean(scores)


def must_include_accuracy(items: Sequence[Item], answers: Sequence[Answer]) -> float:
    """Share of answerable items answered (not refused) with every ``must_include`` quoted."""
    pairs = _answerable(_pairs(items, answers))
    return _mean(float(not a.get("refused") and has_must_include(i, a)) for i, a in pairs)


def refusal_recall(items: Sequence[Item], answers: Sequence[Answer]) -> float:
    """Share of unanswerable items that were refused."""
    return _mean(float(bool(a.get("refused"))) for _, a in _unanswerable(_pairs(items, answers)))


def false_refusal_rate(items: Sequence[Item], answers: Sequence[Answer]) -> float:
    """Share of answerable items that were refused."""
    return _mean(float(bool(a.get("refused"))) for _, a in _answerable(_pairs(items, answers)))


def disagreement_coverage(items: Sequence[Item], answers: Sequence[Answer]) -> float:
    """Mean over disagreement items of the share of distinct gold evidence docs cited."""
    scores = []
    for item, answer in _pairs(items, answers):
        if item.get("type") != "disagreement":
            continue
        docs = {ev["doc"] for ev in item.get("evidence", [])}
        if not docs:
            continue
        cited = {c["doc_id"] for c in answer.get("citations", [])}
        scores.append(len(docs & cited) / len(docs))
    return _mean(scores)


def verbatim_rate(answers: Sequence[Answer], seeds: Mapping[str, str]) -> float:
    """Share of citations with ``seed_text[start:end] == quote`` (unknown doc: not verbatim)."""
    checks = []
    for answer in answers:
        for c in answer.get("citations", []):
            text = seeds.get(c["doc_id"])
            ok = text is not None and text[int(c["start"]) : int(c["end"])] == c.get("quote")
            checks.append(float(ok))
    return _mean(checks)


def mean_quote_chars(answers: Sequence[Answer]) -> float:
    """Mean length in characters of all cited quotes."""
    return _mean(len(c.get("quote", "")) for a in answers for c in a.get("citations", []))


def latency_ms(answers: Sequence[Answer], q: float) -> float:
    """Percentile ``q`` of ``latency_ms`` over the answers that carry one."""
    values = [float(a["latency_ms"]) for a in answers if a.get("latency_ms") is not None]
    return percentile(values, q)


def first_quote_right(item: Item, answer: Answer, seeds: Mapping[str, str]) -> bool:
    """True when an answerable item is answered and its citation [1] overlaps a gold span."""
    if not item.get("answerable", True) or answer.get("refused"):
        return False
    first = next((c for c in answer.get("citations", []) if int(c.get("n", 0)) == 1), None)
    if first is None:
        return False
    span = (first["doc_id"], int(first["start"]), int(first["end"]))
    return any(overlaps(span, g) for g in gold_spans(item, seeds))


def first_quote_accuracy(
    items: Sequence[Item], answers: Sequence[Answer], seeds: Mapping[str, str]
) -> float:
    """Share of answerable items with evidence whose first quote answers (overlaps gold)."""
    pairs = [(i, a) for i, a in _answerable(_pairs(items, answers)) if i.get("evidence")]
    return _mean(float(first_quote_right(i, a, seeds)) for i, a in pairs)


def _confidence_pairs(items: Sequence[Item], answers: Sequence[Answer],
                      seeds: Mapping[str, str]) -> list[tuple[float, float]]:
    """(confidence, first quote right) for every answered item that carries a confidence."""
    return [(float(a["confidence"]), float(first_quote_right(i, a, seeds)))
            for i, a in _pairs(items, answers)
            if not a.get("refused") and a.get("confidence") is not None
            and (i.get("evidence") or not i.get("answerable", True))]


def confident_precision(
    items: Sequence[Item], answers: Sequence[Answer], seeds: Mapping[str, str],
    at: float = 0.8,
) -> float:
    """Share of answers with confidence ≥ ``at`` whose first quote is right."""
    return _mean(right for conf, right in _confidence_pairs(items, answers, seeds) if conf >= at)


def reliability(
    items: Sequence[Item], answers: Sequence[Answer], seeds: Mapping[str, str], bins: int = 5
) -> list[tuple[float, float, int, float, float]]:
    """Reliability table: (bin low, bin high, answers, mean confidence, share right)."""
    pairs = _confidence_pairs(items, answers, seeds)
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, r) for c, r in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        out.append((lo, hi, len(inside), _mean(c for c, _ in inside),
                    _mean(r for _, r in inside)))
    return out


def calibration_error(
    items: Sequence[Item], answers: Sequence[Answer], seeds: Mapping[str, str], bins: int = 10
) -> float:
    """Expected calibration error of ``confidence`` against "the first quote is right"."""
    table = reliability(items, answers, seeds, bins)
    total = sum(n for _, _, n, _, _ in table)
    if not total:
        return NAN
    return sum(n * abs(c - r) for _, _, n, c, r in table if n) / total


def bank_share(answers: Sequence[Answer]) -> float:
    """Share of answers (refusals included) decided from a verified bank question."""
    return _mean(float(a.get("basis") == "verified") for a in answers if "basis" in a)


def crag_item(item: Item, answer: Answer) -> float:
    """CRAG-style score of one item.

    Answerable: +1 answered with every ``must_include`` quoted, 0 refused, -1 otherwise.
    Unanswerable: +1 refused, -1 answered.
    """
    refused = bool(answer.get("refused"))
    if not item.get("answerable", True):
        return 1.0 if refused else -1.0
    if refused:
        return 0.0
    return 1.0 if has_must_include(item, answer) else -1.0


def crag_score(items: Sequence[Item], answers: Sequence[Answer]) -> float:
    """Mean :func:`crag_item` over all items, in [-1, 1]."""
    return _mean(crag_item(i, a) for i, a in _pairs(items, answers))


def score(
    items: Sequence[Item], answers: Sequence[Answer], seeds: Mapping[str, str]
) -> dict[str, float]:
    """All metrics as a flat ``{name: value}`` dict (``nan`` where a metric does not apply)."""
    _pairs(items, answers)
    return {
        "n_items": float(len(items)),
        "citation_recall": citation_recall(items, answers, seeds),
        "citation_precision": citation_precision(items, answers, seeds),
        "first_quote_accuracy": first_quote_accuracy(items, answers, seeds),
        "must_include_accuracy": must_include_accuracy(items, answers),
        "refusal_recall": refusal_recall(items, answers),
        "false_refusal_rate": false_refusal_rate(items, answers),
        "disagreement_coverage": disagreement_coverage(items, answers),
        "verbatim_rate": verbatim_rate(answers, seeds),
        "mean_quote_chars": mean_quote_chars(answers),
        "latency_p50_ms": latency_ms(answers, 50),
        "latency_p95_ms": latency_ms(answers, 95),
        "crag_score": crag_score(items, answers),
        "confident_precision": confident_precision(items, answers, seeds),
        "calibration_error": calibration_error(items, answers, seeds),
        "bank_share": bank_share(answers),
    }


def breakdown(
    items: Sequence[Item],
    answers: Sequence[Answer],
    seeds: Mapping[str, str],
    key: str | Callable[[Item], str] = "type",
) -> dict[str, dict[str, float]]:
    """:func:`score` per group of items, grouped by an item field (``"type"``, ``"lang"``) or a key
    function; groups appear in order of first occurrence."""
    get = key if callable(key) else (lambda item: str(item.get(key, "")))
    groups: dict[str, list[int]] = {}
    for idx, item in enumerate(items):
        groups.setdefault(get(item), []).append(idx)
    return {
        name: score([items[i] for i in idx], [answers[i] for i in idx], seeds)
        for name, idx in groups.items()
    }
