"""Where the cold start spends its time: imports (``-X importtime``) and cProfile of a first answer.

    python -m bench.profiling [--index-dir DIR]

The warm path is profiled by ``python -m bench.worker ours --profile`` (see ``bench --profile``).
"""

from __future__ import annotations

import argparse
import pstats
import re
import sys
import tempfile
from pathlib import Path

from bench.measure import env_with, run_timed

QUESTION = "How many people were killed?"
_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def import_times(env: dict[str, str], top: int = 12) -> list[tuple[str, float]]:
    """The slowest top-level imports of ``python -m qa QUESTION`` (cumulative seconds)."""
    t = run_timed(["-X", "importtime", "-m", "qa", QUESTION], env)
    rows = []
    for line in t.stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if m and len(m.group(3)) <= 1:  # a top-level import (not nested inside another)
            rows.append((m.group(4), int(m.group(2)) / 1e6))
    rows.sort(key=lambda r: -r[1])
    return rows[:top]


def cold_profile(env: dict[str, str], top: int = 18) -> str:
    """cProfile of ``python -m qa QUESTION`` from start to exit, by cumulative time."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cold.prof"
        t = run_timed(["-m", "cProfile", "-o", str(out), "-m", "qa", QUESTION], env)
        if t.returncode != 0 or not out.exists():
            return f"(profiling failed: {t.stderr[-500:]})"
        import io

        buf = io.StringIO()
        stats = pstats.Stats(str(out), stream=buf)
        stats.sort_stats("cumulative").print_stats(top)
        return trim(buf.getvalue())


def trim(report: str) -> str:
    """A pstats report without its preamble and with site-packages paths shortened."""
    lines = report.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(re.sub(r"\S*site-packages/", "", line) for line in lines[start:]).rstrip()


def main(argv: list[str] | None = None) -> int:
    """CLI: print the import times and the cold-start profile."""
    parser = argparse.ArgumentParser(prog="python -m bench.profiling", description=__doc__)
    parser.add_argument("--index-dir", help="MASANCHI_INDEX_DIR for the run (default: as set)")
    args = parser.parse_args(argv)
    env = env_with(**({"MASANCHI_INDEX_DIR": args.index_dir} if args.index_dir else {}))
    print("Slowest top-level imports of `python -m qa` (cumulative s):")
    for name, secs in import_times(env):
        print(f"  {secs:6.2f}  {name}")
    print("\ncProfile of a cold `python -m qa` (by cumulative time):")
    print(cold_profile(env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
