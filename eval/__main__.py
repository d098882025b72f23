"""Run the evaluation and write the report.

Usage: ``python -m eval [--limit N] [--only ours|baselines] [--out eval/report.md]``

Runs our system (``from qa import answer``) and both baselines on the same questions, scores all
of them, prints the overall table, and writes the markdown report plus ``report_by_type.png``
next to it. Every system gets one untimed warm-up call (model loading) before the timed run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval import report, scorer

System = Callable[[str], dict[str, Any]]

OURS = "ours"


def load_ours() -> System | None:
    """``qa.answer`` wrapped to return the JSON contract, or None if it is not available yet."""
    try:
        from qa import answer, warm_up
    except Exception as exc:  # qa may be missing or half-written
        print(f"[eval] our system is not available ({exc}); skipping it", file=sys.stderr)
        return None
    warm_up()  # index and both encoders (English and Russian), outside the timed calls

    def run(question: str) -> dict[str, Any]:
        return answer(question).to_dict()

    return run


def load_baselines(seeds_dir: Path) -> dict[str, System]:
    """Build both baselines (the dense one loads MiniLM)."""
    from eval.baselines import BM25SentenceBaseline, DenseChunkBaseline

    return {
        DenseChunkBaseline.name: DenseChunkBaseline(seeds_dir),
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


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="score only the first N questions")
    ap.add_argument("--only", choices=[OURS, "baselines"], default=None, help="run one side only")
    ap.add_argument("--out", type=Path, default=Path("eval/report.md"), help="markdown report path")
    ap.add_argument("--questions", type=Path, default=scorer.QUESTIONS_PATH)
    ap.add_argument("--seeds", type=Path, default=scorer.SEEDS_DIR)
    ap.add_argument(
        "--answers-dir", type=Path, default=None, help="also save each system's answers as JSONL"
    )
    ap.add_argument(
        "--calibrate", action="store_true",
        help="fit the refusal thresholds by cross-validation and write qa/calibration.json",
    )
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run, score, print and write the report; returns the process exit code."""
    args = parse_args(argv)
    items = scorer.load_items(args.questions)[: args.limit]
    seeds = scorer.load_seeds(args.seeds)
    questions = [item["question"] for item in items]
    if args.calibrate:
        from eval.calibrate import calibrate

        print(json.dumps(calibrate(items), indent=2))
        return 0

    systems: dict[str, System] = {}
    if args.only != "baselines" and (ours := load_ours()) is not None:
        systems[OURS] = ours
    if args.only != OURS:
        systems.update(load_baselines(args.seeds))
    if not systems:
        print("[eval] no system to evaluate", file=sys.stderr)
        return 1

    results, by_type, notes = {}, {}, []
    by_lang: dict[str, dict[str, float]] = {}
    for name, system in systems.items():
        print(f"[eval] running {name} on {len(items)} questions", file=sys.stderr)
        answers, errors = run_system(system, questions)
        if errors:
            notes.append(f"{name}: {errors} question(s) raised an exception (scored as wrong)")
        if args.answers_dir:
            write_answers(args.answers_dir / f"answers_{name}.jsonl", items, answers)
        results[name] = scorer.score(items, answers, seeds)
        by_type[name] = scorer.breakdown(items, answers, seeds, "type")
        if not by_lang:
            by_lang = scorer.breakdown(items, answers, seeds, "lang")
    main_system = next(iter(systems))
    notes += [
        "dense-1000: 1,000-char chunks, top-3 by MiniLM cosine, never refuses.",
        "bm25: regex sentences, top-3 by BM25 (bm25s), refuses when the best score is 0.",
        f"{len(items)} questions from {args.questions.name}; latency is wall time per call.",
    ]

    plot_path = args.out.with_name("report_by_type.png")
    text = report.render_markdown(
        results, by_type[main_system], by_lang, main_system, notes, plot_path.name
    )
    report.write_markdown(args.out, text)
    report.plot_by_type(by_type, plot_path)
    print(report.metrics_table(results))
    print(f"\n[eval] wrote {args.out} and {plot_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
