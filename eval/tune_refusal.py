"""Choose the refusal thresholds on P(answerable) end to end, on the dev split only.
``python -m eval.tune_refusal`` (run by ``make train`` after ``eval.train``).

``eval.train`` picks the thresholds out-of-fold on the answerability model alone. A whole answer
refuses less than that model does: a close verified question in the bank answers instead, and a
multi-part question is refused only when every part is. Measured at stop 28, the out-of-fold
threshold refused 8 % of answerable dev questions but 2 % of answerable test questions end to
end, leaving refusals of unanswerable ones on the table. So this probe answers the dev
questions ``eval.train`` learns from (its fixed sample, ``--questions``) the way a new question
is answered:

1. Dev is cut into ``FOLDS`` folds (twins together). Each fold's questions are traced with a
   bank of the other folds' verified questions, so a question never meets itself or its twin,
   and the bank is nearly as large as the one the test split meets.
2. Each question is traced once with the model's refusal switched off; the rule-based reasons
   (a name the articles never mention, a constraint never met, no value of the asked type), the
   bank match and P(answerable) of the whole and of each part are kept.
3. For each language, the threshold that refuses the most on-topic unanswerable dev questions
   while refusing at most ``MAX_FALSE_REFUSAL`` of the answerable ones end to end.

Writes ``refuse_below`` / ``refuse_below_ru`` into the model file, with the probe's figures under
``training.refusal_end_to_end``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from eval import parallel, scorer
from eval.train import TRAIN_QUESTIONS, training_questions
from qa.settings import MODEL_FILE, Settings

FOLDS = 5
#: The most answerable dev questions a threshold may refuse end to end, per language. The
#: judgement issue allows 0.10 and the Russian one 0.15 on questions nobody here has seen; the
#: cap keeps half of that as margin for questions less like the bank's than dev's are. Russian
#: gets less: its must-include stood at 0.606 against the Russian issue's floor of 0.60 (stop
#: 28), and a Russian question refused where its English twin is answered is its named failure.
MAX_FALSE_REFUSAL = {"en": 0.05, "ru": 0.03}


@dataclass(frozen=True)
class Decided:
    """What refusing one question depends on, apart from the threshold."""

    id: str
    twin: str
    lang: str
    kind: str  #: the item's type
    answerable: bool
    #: per trace (the whole question first, then its parts): (refused by a rule or by an
    #: unanswerable bank match, matched in the bank, P(answerable))
    traces: tuple[tuple[bool, bool, float], ...]

    def refused(self, threshold: float) -> bool:
        """Refused at ``threshold``: the whole is, and so is every part (as Engine.answer)."""
        return all(rule or (not matched and p < threshold)
                   for rule, matched, p in self.traces)


def fold_of(item: dict) -> int:
    """The item's fold, the same for both twins and stable across runs."""
    key = min(str(item["id"]), str(item.get("twin") or item["id"]))
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % FOLDS


def decide(engine, every: list[dict], items: list[dict],
           pool: parallel.Shared | None = None) -> list[Decided]:
    """Each of ``items`` traced with the bank of the other folds and the model refusal off
    (``every``: all dev items, whose folds the banks follow; the items shared between
    ``pool``'s processes)."""
    from qa.engine import ANALYSES

    engine.loaded().bank.prepare()  # the dev bank, analysed at warm-up; saved for the others
    ANALYSES.save()
    fold_by_id = {str(i["id"]): fold_of(i) for i in every}
    pool = pool or parallel.Shared(engine, 1)
    return parallel.merge(pool.run(
        _decide_share, [(share, fold_by_id) for share in parallel.split(items, pool.workers)]))


def _decide_share(engine, items: list[dict], fold_by_id: dict[str, int]) -> list[Decided]:
    """:func:`decide` for some of the items, in one process (the order: by fold, then as
    given)."""
    from qa.inputs import check_question

    full = engine.loaded().bank  # the dev bank (the engine's settings)
    engine.models = replace(engine.models, refuse_below=0.0, refuse_below_ru=0.0)
    out: list[Decided] = []
    for k in range(FOLDS):
        keep = [j for j, e in enumerate(full.entries) if fold_by_id.get(e.id, -1) != k]
        engine.replace_bank(full.subset(keep))
        for item in (i for i in items if fold_by_id[str(i["id"])] == k):
            checked = check_question(item["question"], engine.settings.max_question_chars)
            if checked.problem:
                continue
            whole, parts = engine.traces(checked.text, question=full.analyse(checked.text))
            out.append(Decided(str(item["id"]), str(item.get("twin") or ""), item["lang"],
                               item["type"], bool(item.get("answerable", True)),
                               tuple((bool(t.reason), t.match is not None, t.p_answerable)
                                     for t in (whole, *parts))))
            if len(out) % 500 == 0:
                print(f"[tune_refusal] {len(out)}/{len(items)} dev questions of one share "
                      "traced", file=sys.stderr)
    engine.replace_bank(full)
    return out


def rates(rows: list[Decided], threshold: float) -> dict[str, float]:
    """False refusals of answerable rows, refusals of on-topic and of all unanswerable rows."""
    def share(sel: list[Decided]) -> float:
        return float(np.mean([r.refused(threshold) for r in sel])) if sel else float("nan")

    return {"false_refusal": share([r for r in rows if r.answerable]),
            "on_topic_refused": share([r for r in rows if r.kind == "unanswerable_on_topic"]),
            "unanswerable_refused": share([r for r in rows if not r.answerable])}


def twin_refusals(rows: list[Decided], thresholds: dict[str, float]) -> tuple[int, int]:
    """(answerable Russian questions refused where their English twin is answered, pairs)."""
    by_id = {r.id: r for r in rows}
    pairs = [(r, by_id[r.twin]) for r in rows
             if r.lang == "ru" and r.answerable and r.twin in by_id and by_id[r.twin].lang == "en"]
    bad = sum(ru.refused(thresholds["ru"]) and not en.refused(thresholds["en"])
              for ru, en in pairs)
    return bad, len(pairs)


def choose(rows: list[Decided], cap: float) -> tuple[float, dict[str, float]]:
    """The threshold refusing the most on-topic unanswerable rows with false refusals ≤ cap
    (the lowest such threshold on a tie, so nothing is refused for no gain)."""
    grid = np.unique(np.round([p for r in rows for _, matched, p in r.traces if not matched], 3))
    best, best_rates = 0.0, rates(rows, 0.0)
    for t in grid:
        r = rates(rows, float(t))
        if r["false_refusal"] <= cap and r["on_topic_refused"] > best_rates["on_topic_refused"]:
            best, best_rates = float(t), r
    return best, best_rates


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.tune_refusal",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=MODEL_FILE)
    ap.add_argument("--questions", type=int, default=TRAIN_QUESTIONS,
                    help="trace a fixed stratified sample of this many dev questions (0: all; "
                         f"default {TRAIN_QUESTIONS}, as eval.train)")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    ap.add_argument("--languages", nargs="+", choices=("en", "ru"), default=["en", "ru"],
                    help="tune these languages' thresholds only (the others are kept)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from qa.engine import Engine

    engine = Engine(replace(Settings.from_env(), bank_splits=("dev",)))
    engine.warm_up()
    before = engine.models
    every = [i for i in scorer.load_items() if i.get("split") == "dev"]
    items = training_questions(args.questions)
    wanted = set(args.languages)
    if "en" not in wanted:  # Russian only, with the English twins the comparison needs
        twins = {str(i.get("twin")) for i in items if i.get("lang") == "ru" and i.get("twin")}
        items = [i for i in items if i.get("lang") == "ru" or str(i["id"]) in twins]
    elif "ru" not in wanted:
        items = [i for i in items if i.get("lang") != "ru"]
    with parallel.Shared(engine) as pool:
        rows = decide(engine, every, items, pool)
    model = json.loads(args.model.read_text(encoding="utf-8"))
    record = model.setdefault("training", {}).get("refusal_end_to_end", {})
    chosen: dict[str, dict] = {lang: record[lang] for lang in ("en", "ru")
                               if lang not in wanted and lang in record}
    for lang in sorted(wanted):
        mine = [r for r in rows if (r.lang == "ru") == (lang == "ru")]
        threshold, r = choose(mine, MAX_FALSE_REFUSAL[lang])
        was = before.threshold(lang)
        after = {k: round(v, 4) for k, v in r.items()}
        chosen[lang] = {"threshold": threshold, "questions": len(mine), **after,
                        "before": {"threshold": was,
                                   **{k: round(v, 4) for k, v in rates(mine, was).items()}}}
        print(f"[tune_refusal] {lang}: threshold {was} -> {threshold}; "
              f"{chosen[lang]['before']} -> {after}", file=sys.stderr)
    final = {lang: chosen[lang]["threshold"] if lang in chosen else before.threshold(lang)
             for lang in ("en", "ru")}
    bad, pairs = twin_refusals(rows, final)
    print(f"[tune_refusal] Russian twins refused where the English one is answered: "
          f"{bad} of {pairs} (dev)", file=sys.stderr)
    if args.dry_run:
        return 0
    model["refuse_below"] = final["en"]
    model["refuse_below_ru"] = final["ru"]
    model["training"]["refusal_end_to_end"] = {
        "procedure": "eval/tune_refusal.py: dev in folds, each traced with the others' bank",
        "folds": FOLDS, "cap": MAX_FALSE_REFUSAL, **chosen,
        "russian_twins_refused": {"refused": bad, "pairs": pairs},
        "seconds": round(time.perf_counter() - t0, 1)}
    args.model.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n",
                          encoding="utf-8")
    print(f"[tune_refusal] wrote {args.model}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
