"""Command line: `python -m qa "question"`, `--json "question"`, `--jsonl < questions.txt`."""

from __future__ import annotations

import argparse
import json
import sys

from index.store import IndexError_


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def readable(a) -> str:
    """Plain-text rendering for a terminal: the answer text plus a citation index."""
    lines = [a.text.rstrip()]
    if a.citations:
        lines.append("")
        lines.append("Citations (file offsets, verbatim):")
        for c in a.citations:
            lines.append(f"  [{c.n}] {c.outlet} — seeds/{c.doc_id}.txt [{c.start}:{c.end}]")
    return "\n".join(lines)


def _jsonl_request(line: str) -> tuple[str, list | None]:
    """A plain question, or a JSON object {"question": ..., "history": [...]}."""
    if line.lstrip().startswith("{"):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            return line, None
        if isinstance(obj, dict) and isinstance(obj.get("question"), str):
            history = obj.get("history")
            return obj["question"], history if isinstance(history, list) else None
    return line, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m qa",
        description="Answer a question about the Masanchi clashes from five news articles, "
        "with verbatim quotes, or refuse.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object")
    mode.add_argument("--jsonl", action="store_true",
                      help="read one question per line on stdin, print one JSON object per line")
    parser.add_argument("question", nargs="*", help="the question (quote it)")
    args = parser.parse_args(argv)

    from qa import engine

    eng = engine(_progress)
    try:
        if args.jsonl:
            if args.question:
                parser.error("--jsonl reads questions from stdin; give no question argument")
            for line in sys.stdin:
                q, history = _jsonl_request(line.rstrip("\r\n"))
                if q.strip():
                    print(json.dumps(eng.answer(q, history).to_dict(), ensure_ascii=False),
                          flush=True)
            return 0
        question = " ".join(args.question)
        if not question and not sys.stdin.isatty():
            question = sys.stdin.read().strip()
        a = eng.answer(question)
    except IndexError_ as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(a.to_dict(), ensure_ascii=False, indent=2) if args.json else readable(a))
    return 0


if __name__ == "__main__":
    sys.exit(main())
