"""Precision / recall of the claim extractor (index/claims.py) on a hand-labelled sample.

``python -m eval.claims_eval`` prints one JSON object: figure detection precision / recall,
qualifier accuracy and counted-thing accuracy on matched figures, and the same detection
figures for quantulum3 on the same sentences (measured, not used for counting).
Sample: tests/fixtures/claims_sample.jsonl, one sentence per line with its gold figures
(``number`` as written, ``qualifier``, ``counts``: a word the counted thing must contain, or
"" for a figure that says nothing comparable).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from index.claims import extract_claims, load_nlp
from index.text import terms
from index.types import Article, Sentence, Source

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "claims_sample.jsonl"


def load_sample(path: Path = SAMPLE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _claims_of(text: str, nlp) -> list:
    a = Article("sample", text, "", Source("sample", "sample", date="2020-02-11"))
    rows = extract_claims(a, [Sentence(0, "sample", 0, len(text), text)], nlp)
    return rows[0]


def _counts_ok(gold: str, pred: str) -> bool:
    if not gold:
        return not pred
    g, p = set(terms(gold)), set(terms(pred))
    return bool(g & p) or gold.lower() in pred.lower()


def score(items: list[dict], nlp=None) -> dict:
    """Detection P/R, qualifier and counts accuracy of ours; detection P/R of quantulum3."""
    nlp = nlp or load_nlp()
    tp = fp = fn = qual_ok = counts_ok = matched = 0
    q_tp = q_fp = q_fn = crashes = 0
    misses: list[str] = []
    try:
        from quantulum3 import parser as qparser
    except ImportError:  # pragma: no cover
        qparser = None
    for it in items:
        text, gold = it["sentence"], it["figures"]
        pred = _claims_of(text, nlp)
        used: set[int] = set()
        for g in gold:
            hit = next((k for k, c in enumerate(pred) if k not in used
                        and g["number"].lower() in c.text.lower()), None)
            if hit is None:
                fn += 1
                misses.append(f"missed {g['number']!r} in {text[:60]!r}")
                continue
            used.add(hit)
            tp += 1
            matched += 1
            qual_ok += pred[hit].qualifier == g["qualifier"].lower()
            ok = _counts_ok(g["counts"], pred[hit].counts)
            counts_ok += ok
            if not ok:
                misses.append(f"counts {pred[hit].counts!r} for {g['number']!r} "
                              f"(want {g['counts']!r})")
        for k, c in enumerate(pred):
            if k not in used:
                fp += 1
                misses.append(f"spurious {c.text!r} in {text[:60]!r}")
        if qparser is not None:
            try:
                quants = list(qparser.parse(text))
            except Exception:  # its pickled unit classifier fails with today's scikit-learn
                crashes += 1
                quants = []
            qused: set[int] = set()
            for g in gold:
                hit = next((k for k, q in enumerate(quants) if k not in qused and (
                    g["number"].lower() in q.surface.lower()
                    or float(q.value) == _num(g["number"]))), None)
                if hit is None:
                    q_fn += 1
                else:
                    qused.add(hit)
                    q_tp += 1
            q_fp += len(quants) - len(qused)
    return {
        "sentences": len(items),
        "gold_figures": tp + fn,
        "ours": {"precision": round(tp / max(tp + fp, 1), 3),
                 "recall": round(tp / max(tp + fn, 1), 3),
                 "qualifier_accuracy": round(qual_ok / max(matched, 1), 3),
                 "counts_accuracy": round(counts_ok / max(matched, 1), 3)},
        "quantulum3": {"precision": round(q_tp / max(q_tp + q_fp, 1), 3),
                       "recall": round(q_tp / max(q_tp + q_fn, 1), 3),
                       "sentences_it_crashed_on": crashes},
        "errors": misses,
    }


def _num(s: str) -> float:
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return float("nan")


def main(argv: list[str] | None = None) -> int:
    print(json.dumps(score(load_sample()), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
