"""Run the evaluation and write the report.

Usage: ``python -m eval [--split test|dev] [--limit N] [--only ours|baselines] [--no-curve]``

Our system answers with the verified bank restricted to the **dev** split (test questions are
never in the bank when measuring); the baselines run on the same questions in the same run.
The report gives the chosen split's table with the baselines, our dev figures beside it (with
the bank off, since the dev questions are the bank), candidate recall, the reliability table of
``confidence``, the learning curve (bank size → first-quote accuracy), per-type and
per-language rows, and the Russian/English twin comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from eval import report, scorer

System = Callable[[str], dict[str, Any]]

OURS = "ours"
CURVE_SIZES = (0.0, 0.25, 0.5, 1.0)
SEED = 7


def make_engine(bank_splits: tuple[str, ...] = ("dev",)):
    """Our engine with the bank limited to ``bank_splits``, warmed up."""
    from qa.engine import Engine
    from qa.settings import Settings

    eng = Engine(replace(Settings.from_env(), bank_splits=bank_splits))
    eng.warm_up()
    return eng


def as_system(eng) -> System:
    def run(question: str) -> dict[str, Any]:
        return eng.answer(question).to_dict()

    return run


def load_baselines(seeds_dir: Path) -> dict[str, System]:
    """Build both baselines (the dense one loads MiniLM)."""
    from eval.baselines import BM25SentenceBaseline, DenseChunkBaseline

    return {
        DenseChunkBaseline.name: DenseChunkBaseline(seeds_dir, k=4),
        BM25SentenceBaseline.name: BM25SentenceBaseline(seeds_dir),
    }


def run_system(system: System, questions: Sequence[str]) -> tuple[list[dict[str, Any]], int]:
    """Answer every question, timing each call into ``latency_ms``.

    An exception becomes a non-refused answer without citations (scored as a wrong answer) that
    records the error; returns the answers and the number of errors.
    """
    if questions:
        with contextlib.suppress(Exception):  # the timed call below records any error
            system(questions[0])  # warm-up, untimed
    answers, errors = [], 0
    for question in questions:
        t0 = time.perf_counter()
        try:
            result = dict(system(question))
        except Exception as exc:  # one failure must not stop the run
            errors += 1
            result = {
                "question": question,
                "refused": False,
                "text": "",
                "citations": [],
                "disagreements": [],
                "error": f"{type(exc).__name__}: {exc}",
            }
        result["latency_ms"] = (time.perf_counter() - t0) * 1000.0
        answers.append(result)
    return answers, errors


def write_answers(path: Path, items: Sequence[dict], answers: Sequence[dict]) -> None:
    """Save one JSON line per answer, tagged with the item id."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for item, answer in zip(items, answers, strict=True):
            fh.write(json.dumps({"id": item["id"], **answer}, ensure_ascii=False) + "\n")


def candidate_recall(eng, items: Sequence[dict], seeds: dict[str, str]) -> dict[str, float]:
    """Share of answerable items with a gold sentence among the candidates (all, and top-K)."""
    corpus = eng.corpus()
    sents = corpus.store.sentences
    hits: dict[str, list[float]] = {"all": [], "top1": [], "top5": [], "top10": [], "top50": []}
    for item in items:
        gold = scorer.gold_spans(item, seeds)
        if not item.get("answerable", True) or not gold:
            continue
        ids = eng.trace(item["question"]).ranked.ids
        good = [any(scorer.overlaps((sents[i].doc_id, sents[i].start, sents[i].end), g)
                    for g in gold) for i in ids]
        hits["all"].append(float(any(good)))
        for k in (1, 5, 10, 50):
            hits[f"top{k}"].append(float(any(good[:k])))
    out = {k: (sum(v) / len(v) if v else float("nan")) for k, v in hits.items()}
    out["candidates_mean"] = float("nan")
    return out


def learning_curve(eng, items: Sequence[dict], seeds: dict[str, str]) -> list[tuple]:
    """(bank size, share answered from the bank, first-quote accuracy) for growing dev banks."""
    full = eng.loaded().bank
    rng = random.Random(SEED)
    order = list(range(len(full.entries)))
    rng.shuffle(order)
    rows = []
    try:
        for share in CURVE_SIZES:
            keep = order[: round(share * len(order))]
            eng.replace_bank(full.subset(keep))
            answers, _ = run_system(as_system(eng), [i["question"] for i in items])
            rows.append((len(keep), scorer.bank_share(answers),
                         scorer.first_quote_accuracy(items, answers, seeds),
                         scorer.must_include_accuracy(items, answers)))
    finally:
        eng.replace_bank(full)
    return rows


def twins(items: Sequence[dict], answers: Sequence[dict]) -> dict[str, int]:
    """Russian items with an English twin in the same run: answered/refused in each language."""
    by_id = {i["id"]: (i, a) for i, a in zip(items, answers, strict=True)}
    out = {"pairs": 0, "ru_refused_en_answered": 0, "both_answered": 0, "both_refused": 0,
           "ru_answered_en_refused": 0}
    for item, ans in by_id.values():
        if item["lang"] != "ru" or item.get("twin") not in by_id or not item.get("answerable"):
            continue
        en = by_id[item["twin"]][1]
        out["pairs"] += 1
        ru_r, en_r = bool(ans.get("refused")), bool(en.get("refused"))
        key = ("both_refused" if ru_r and en_r else "ru_refused_en_answered" if ru_r else
               "ru_answered_en_refused" if en_r else "both_answered")
        out[key] += 1
    return out


def conversations(eng, split: str, seeds: dict[str, str]) -> list[str]:
    """Report lines: the final turns of the conversations answered with their history, beside
    the same questions asked standalone (the ``resolved`` question), overall and per kind."""
    from eval.check_bank import CONVERSATIONS

    convs = [c for c in scorer.load_items(CONVERSATIONS) if c.get("split") == split]
    if not convs:
        return []
    followed = [eng.answer(c["question"], c["turns"][:-1]).to_dict() for c in convs]
    alone = [eng.answer(c["resolved"]).to_dict() for c in convs]
    metrics = ("must_include_accuracy", "citation_recall", "refusal_recall",
               "false_refusal_rate", "verbatim_rate")
    rows = [("all", convs, followed, alone)]
    for kind in sorted({c["kind"] for c in convs}):
        idx = [i for i, c in enumerate(convs) if c["kind"] == kind]
        rows.append((kind, [convs[i] for i in idx], [followed[i] for i in idx],
                     [alone[i] for i in idx]))
    out = [f"## Conversations ({split}): follow-up turns vs the same questions asked alone", "",
           "| kind | n | " + " | ".join(f"{m} (follow-up / alone)" for m in metrics) + " |",
           "|---|---:|" + "---:|" * len(metrics)]
    for kind, its, f, a in rows:
        sf, sa = scorer.score(its, f, seeds), scorer.score(its, a, seeds)
        out.append(f"| {kind} | {len(its)} | " + " | ".join(
            f"{report.fmt(sf[m])} / {report.fmt(sa[m])}" for m in metrics) + " |")
    echoed = sum(f["question"] == c["question"] and "resolved_question" in f
                 for f, c in zip(followed, convs, strict=True))
    out += ["", f"{echoed} of {len(convs)} answers echo the question and carry "
            "resolved_question.", ""]
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["test", "dev"], default="test")
    ap.add_argument("--limit", type=int, default=None, help="score only the first N questions")
    ap.add_argument("--only", choices=[OURS, "baselines"], default=None, help="run one side only")
    ap.add_argument("--out", type=Path, default=Path("eval/report.md"), help="markdown report path")
    ap.add_argument("--questions", type=Path, default=scorer.QUESTIONS_PATH)
    ap.add_argument("--seeds", type=Path, default=scorer.SEEDS_DIR)
    ap.add_argument("--no-curve", action="store_true", help="skip the learning curve")
    ap.add_argument("--from-feedback", type=Path, nargs="?", const=Path("eval/out/drafts.jsonl"),
                    default=None, help="turn reader marks into draft items for review (never "
                                       "into the test split) and exit")
    ap.add_argument(
        "--answers-dir", type=Path, default=None, help="also save each system's answers as JSONL"
    )
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run, score, print and write the report; returns the process exit code."""
    args = parse_args(argv)
    if args.from_feedback is not None:
        from qa.feedback import write_drafts
        from qa.settings import Settings

        db = Settings.from_env().feedback_db
        args.from_feedback.parent.mkdir(parents=True, exist_ok=True)
        n = write_drafts(db, args.from_feedback)
        print(f"[eval] {n} draft item(s) from {db} written to {args.from_feedback}; review them "
              "and move the good ones into seeds/bank with split dev", file=sys.stderr)
        return 0
    every = scorer.load_items(args.questions)
    items = [i for i in every if i.get("split", "test") == args.split][: args.limit]
    dev = [i for i in every if i.get("split") == "dev"][: args.limit]
    seeds = scorer.load_seeds(args.seeds)
    questions = [item["question"] for item in items]

    systems: dict[str, System] = {}
    eng = None
    if args.only != "baselines":
        eng = make_engine(("dev",))
        systems[OURS] = as_system(eng)
    if args.only != OURS:
        systems.update(load_baselines(args.seeds))

    results, by_type, notes, extra = {}, {}, [], []
    by_lang: dict[str, dict[str, float]] = {}
    ours_answers: list[dict] = []
    for name, system in systems.items():
        print(f"[eval] running {name} on {len(items)} {args.split} questions", file=sys.stderr)
        answers, errors = run_system(system, questions)
        if errors:
            notes.append(f"{name}: {errors} question(s) raised an exception (scored as wrong)")
        if args.answers_dir:
            write_answers(args.answers_dir / f"answers_{name}_{args.split}.jsonl", items, answers)
        results[name] = scorer.score(items, answers, seeds)
        by_type[name] = scorer.breakdown(items, answers, seeds, "type")
        if name == OURS:
            ours_answers = answers
            by_lang = scorer.breakdown(items, answers, seeds, "lang")
    if eng is not None and args.split == "test":
        print(f"[eval] dev split ({len(dev)} questions, bank off)", file=sys.stderr)
        eng.replace_bank(eng.loaded().bank.subset([]))
        dev_answers, _ = run_system(as_system(eng), [i["question"] for i in dev])
        eng.replace_bank(None)
        results["ours, dev (bank off)"] = scorer.score(dev, dev_answers, seeds)
        print("[eval] candidate recall", file=sys.stderr)
        rec = candidate_recall(eng, items, seeds)
        extra += ["## Candidate recall (answerable test questions)", "",
                  "| among | share with a gold sentence |", "|---|---:|",
                  *[f"| {k} | {v:.3f} |" for k, v in rec.items() if v == v], ""]
        table = scorer.reliability(items, ours_answers, seeds)
        extra += ["## Reliability of `confidence` (test answers)", "",
                  "| confidence | answers | mean confidence | first quote right |",
                  "|---|---:|---:|---:|",
                  *[f"| {lo:.1f}–{hi:.1f} | {n} | {report.fmt(c)} | {report.fmt(r)} |"
                    for lo, hi, n, c, r in table], ""]
        print("[eval] conversations", file=sys.stderr)
        extra += conversations(eng, args.split, seeds)
        tw = twins(items, ours_answers)
        extra += ["## Russian questions and their English twins (test)", "",
                  "| pairs | both answered | Russian refused, English answered | "
                  "English refused, Russian answered | both refused |",
                  "|---:|---:|---:|---:|---:|",
                  f"| {tw['pairs']} | {tw['both_answered']} | {tw['ru_refused_en_answered']} | "
                  f"{tw['ru_answered_en_refused']} | {tw['both_refused']} |", ""]
        if not args.no_curve:
            print("[eval] learning curve", file=sys.stderr)
            curve = learning_curve(eng, items, seeds)
            extra += ["## Learning curve: dev bank size → test figures", "",
                      "| bank questions | answered from the bank | first quote right | "
                      "must-include |", "|---:|---:|---:|---:|",
                      *[f"| {n} | {report.fmt(s)} | {report.fmt(f)} | {report.fmt(m)} |"
                        for n, s, f, m in curve], ""]
    notes += [
        "dense-1000: 1,000-char chunks, top-4 by MiniLM cosine, never refuses (the plain recipe).",
        "bm25: regex sentences, top-3 by BM25 (bm25s), refuses when the best score is 0.",
        f"{len(items)} {args.split} questions from {args.questions.name}; the bank holds only "
        "dev questions; latency is wall time per call.",
    ]
    main_system = next(iter(systems))
    plot_path = args.out.with_name("report_by_type.png")
    text = report.render_markdown(
        results, by_type[main_system], by_lang, main_system, notes, plot_path.name, extra
    )
    report.write_markdown(args.out, text)
    report.plot_by_type(by_type, plot_path)
    print(report.metrics_table(results))
    print(f"\n[eval] wrote {args.out} and {plot_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
