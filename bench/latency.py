"""Warm in-process latency of ``qa.answer`` per language: ``python -m bench.latency [--repeat N]``.

Warms the engine up (index, both encoders, spaCy, the bank, the dictionary), answers five
questions untimed, then times every test-split question of the bank ``--repeat`` times and prints
p50 / p95 per language. The question-vector cache is off (MASANCHI_QUERY_CACHE=0) so a
repeated question costs what a new one does. Prints figures; asserts nothing (machines are
shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from eval import scorer


def percentiles(ms: list[float]) -> tuple[float, float]:
    return scorer.percentile(ms, 50), scorer.percentile(ms, 95)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.latency",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    os.environ.setdefault("MASANCHI_QUERY_CACHE", "0")
    from qa import engine

    eng = engine()
    t0 = time.perf_counter()
    eng.warm_up()
    print(f"warm-up {time.perf_counter() - t0:.1f} s")
    items = [i for i in scorer.load_items() if i.get("split") == "test"]
    for lang in ("en", "ru"):
        questions = [i["question"] for i in items if i["lang"] == lang]
        for q in questions[:5]:
            eng.answer(q)
        ms = []
        for _ in range(args.repeat):
            for q in questions:
                t = time.perf_counter()
                eng.answer(q)
                ms.append((time.perf_counter() - t) * 1000)
        p50, p95 = percentiles(ms)
        print(f"{lang}: {len(ms)} answers, warm p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
