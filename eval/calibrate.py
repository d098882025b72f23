"""Calibrate the refusal thresholds on the evaluation set, by cross-validation.

Procedure (documented in eval/README.md):

1. For every item, ask the engine for its *best evidence score* without refusing
   (``Engine.diagnose``). Items the engine refuses for another reason (a name that appears
   nowhere in the articles) are left out: no threshold changes their outcome.
2. Per language, the threshold ``t`` refuses when ``best < t``. ``fit_threshold`` picks the ``t``
   that maximises balanced accuracy of "refuse iff unanswerable" (ties: the midpoint between
   neighbouring scores, then the lower one, which refuses less).
3. Stratified k-fold (k = 5, or leave-one-out below 20 items): fit on k-1 folds, score the
   held-out fold; the mean held-out accuracy is reported. The stored threshold is fit on all
   items of that language.
4. The thresholds and the figures are written to qa/calibration.json, which qa/settings.py reads.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CALIBRATION_PATH = Path(__file__).resolve().parent.parent / "qa" / "calibration.json"


@dataclass(frozen=True)
class Sample:
    """One item's feature and label."""

    score: float
    answerable: bool


def balanced_accuracy(samples: Sequence[Sample], threshold: float) -> float:
    """Mean of (share of answerable items answered, share of unanswerable items refused)."""
    pos = [s for s in samples if s.answerable]
    neg = [s for s in samples if not s.answerable]
    parts = []
    if pos:
        parts.append(sum(s.score >= threshold for s in pos) / len(pos))
    if neg:
        parts.append(sum(s.score < threshold for s in neg) / len(neg))
    return sum(parts) / len(parts) if parts else 0.0


def fit_threshold(samples: Sequence[Sample]) -> float:
    """The threshold with the best balanced accuracy on ``samples``."""
    scores = sorted({round(s.score, 6) for s in samples})
    if not scores:
        return 0.0
    candidates = [scores[0] - 1e-6] + [
        (a + b) / 2 for a, b in itertools.pairwise(scores)
    ] + [scores[-1] + 1e-6]
    return max(candidates, key=lambda t: (balanced_accuracy(samples, t), -t))


def folds(samples: Sequence[Sample], k: int, seed: int = 0) -> list[list[int]]:
    """Stratified folds of indices (deterministic)."""
    rng = random.Random(seed)
    out: list[list[int]] = [[] for _ in range(k)]
    for label in (True, False):
        idx = [i for i, s in enumerate(samples) if s.answerable is label]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            out[j % k].append(i)
    return [f for f in out if f]


def cross_validate(samples: Sequence[Sample], k: int = 5) -> dict[str, float]:
    """Held-out balanced accuracy of the fitting procedure, and the threshold fit on all."""
    k = k if len(samples) >= 20 else len(samples)
    held_out_hits, held_out_n, thresholds = 0.0, 0, []
    for fold in folds(samples, k):
        train = [s for i, s in enumerate(samples) if i not in set(fold)]
        t = fit_threshold(train)
        thresholds.append(t)
        test = [samples[i] for i in fold]
        held_out_hits += sum((s.score >= t) == s.answerable for s in test)
        held_out_n += len(test)
    final = fit_threshold(samples)
    return {
        "threshold": round(final, 4),
        "cv_accuracy": round(held_out_hits / held_out_n, 4) if held_out_n else 0.0,
        "train_balanced_accuracy": round(balanced_accuracy(samples, final), 4),
        "fold_thresholds_min": round(min(thresholds), 4) if thresholds else 0.0,
        "fold_thresholds_max": round(max(thresholds), 4) if thresholds else 0.0,
        "n": len(samples),
        "n_unanswerable": sum(not s.answerable for s in samples),
    }


def calibrate(items: Sequence[dict], path: Path = CALIBRATION_PATH) -> dict:
    """Run the engine over the items, fit per-language thresholds, write them to ``path``."""
    from qa import engine

    eng = engine()
    eng.warm_up()
    by_lang: dict[str, list[Sample]] = {"en": [], "ru": []}
    for item in items:
        d = eng.diagnose(item["question"])
        if d["forced_refusal"] or d["invalid"]:
            continue
        by_lang.setdefault(d["language"], []).append(Sample(d["best"], bool(item["answerable"])))
    result = {lang: cross_validate(samples) for lang, samples in by_lang.items() if samples}
    out = {
        "refuse_below": result["en"]["threshold"],
        "refuse_below_ru": result.get("ru", result["en"])["threshold"],
        "procedure": "eval/calibrate.py: balanced accuracy, stratified 5-fold CV "
                     "(leave-one-out under 20 items), threshold refit on all items",
        "figures": result,
        "calibrated_at": time.strftime("%Y-%m-%d"),
    }
    path.write_text(json.dumps(out, indent=2) + "\n")
    return out
