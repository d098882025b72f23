"""Check verified-question files (seeds/bank/*.jsonl, eval/conversations.jsonl): fields, verbatim
evidence that is not page furniture, unique ids. Usage: ``python -m eval.check_bank [FILE ...]``.

Prints one line per problem and a summary; exits 1 when there is any problem.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from index.furniture import furniture_spans

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
BANK_DIR = SEEDS / "bank"
CONVERSATIONS = ROOT / "eval" / "conversations.jsonl"

TYPES = {"single", "multi", "disagreement", "unanswerable_on_topic", "unanswerable_off_topic",
         "false_premise", "injection"}
KINDS = {"ellipsis", "pronoun", "constraint", "topic_switch", "unanswerable", "why"}
REQUIRED = {"id", "question", "type", "lang", "answerable", "reference", "must_include",
            "evidence"}


def _seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def check_item(item: dict, texts: dict[str, str], furniture: dict[str, list]) -> list[str]:
    """Problems with one question item (empty when it is well-formed)."""
    out = []
    missing = REQUIRED - set(item)
    if missing:
        return [f"missing fields {sorted(missing)}"]
    if item["type"] not in TYPES:
        out.append(f"unknown type {item['type']!r}")
    if item["lang"] not in {"en", "ru", "kk"}:
        out.append(f"unknown lang {item['lang']!r}")
    if item.get("split") not in {None, "dev", "test"}:
        out.append(f"split must be dev or test, not {item.get('split')!r}")
    if item["answerable"]:
        if not item["evidence"]:
            out.append("answerable but no evidence")
        if not item["must_include"]:
            out.append("answerable but no must_include")
    else:
        if item["evidence"] or item["must_include"]:
            out.append("unanswerable items carry no evidence and no must_include")
        if not str(item.get("reason", "")).strip():
            out.append("unanswerable but no reason")
    quotes = []
    for ev in item["evidence"]:
        text = texts.get(ev.get("doc", ""))
        if text is None:
            out.append(f"unknown doc {ev.get('doc')!r}")
            continue
        q = ev.get("quote", "")
        start = text.find(q) if q.strip() else -1
        if start < 0:
            out.append(f"quote not verbatim in {ev['doc']}: {q[:60]!r}")
            continue
        if len(q) > 450:
            out.append(f"quote longer than a sentence ({len(q)} chars): {q[:60]!r}")
        end = start + len(q)
        if any(s < end and start < e for s, e in furniture[ev["doc"]]):
            out.append(f"quote is page furniture (caption, ad, box): {q[:60]!r}")
        quotes.append(_norm(q))
    joined = " \n ".join(quotes)
    for m in item["must_include"]:
        if _norm(m) not in joined:
            out.append(f"must_include {m!r} is in none of the evidence quotes")
    return out


def check_file(path: Path, texts: dict[str, str], furniture: dict[str, list]) -> list[str]:
    problems = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{path.name}:{n}: not JSON ({e})")
            continue
        if "turns" in item:  # a conversation: the final turn is the item
            if not (2 <= len(item["turns"]) <= 4) or item["turns"][-1] != item["question"]:
                problems.append(f"{path.name}:{n}: turns must be 2-4, the last == question")
            if item.get("kind") not in KINDS:
                problems.append(f"{path.name}:{n}: kind must be one of {sorted(KINDS)}")
            if not str(item.get("resolved", "")).strip():
                problems.append(f"{path.name}:{n}: no resolved (standalone) question")
        problems += [f"{path.name}:{n} {item.get('id')}: {p}"
                     for p in check_item(item, texts, furniture)]
    return problems


def main(argv: list[str] | None = None) -> int:
    args = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    paths = args or [*sorted(BANK_DIR.glob("*.jsonl")), CONVERSATIONS]
    texts = _seed_texts()
    furniture = {d: furniture_spans(t) for d, t in texts.items()}
    problems, ids, count = [], Counter(), Counter()
    for p in paths:
        if not p.exists():
            continue
        problems += check_file(p, texts, furniture)
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:
                    continue
                ids[item.get("id")] += 1
                count[(item.get("type"), item.get("lang"))] += 1
    problems += [f"duplicate id {i!r} ({n} times)" for i, n in ids.items() if n > 1]
    for p in problems:
        print(p)
    print(f"{sum(count.values())} items, {len(problems)} problems; by (type, lang): "
          + ", ".join(f"{t}/{lang}={n}" for (t, lang), n in sorted(count.items(), key=str)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
