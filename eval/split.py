"""Fix the dev/test split in the question files: ``python -m eval.split [FILE ...]``.

Items that already carry a ``split`` keep it (the split is fixed in the file). The others are
assigned within each (type, language) stratum: ordered by a hash of their id (twins by the
smaller id of the pair, so a question and its translation land together), the first 60 % of
every stratum go to dev, the rest to test. Deterministic; run it after adding items.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

from eval.check_bank import BANK_DIR, CONVERSATIONS

DEV_SHARE = 0.6


def _key(item: dict) -> str:
    anchor = min(item["id"], item.get("twin") or item["id"])
    return hashlib.sha256(anchor.encode()).hexdigest()


def _stratum(item: dict) -> tuple[str, str]:
    return (item.get("kind") or item["type"], item["lang"])


def assign(items: list[dict]) -> list[dict]:
    """The items with a split each (existing splits kept; twins share one)."""
    by_id = {i["id"]: i for i in items}
    strata: dict[tuple, list[dict]] = defaultdict(list)
    for item in items:
        if "split" not in item:
            strata[_stratum(item)].append(item)
    for group in strata.values():
        group.sort(key=_key)
        n_dev = round(len(group) * DEV_SHARE)
        for rank, item in enumerate(group):
            twin = by_id.get(item.get("twin", ""))
            if twin is not None and "split" in twin:
                item["split"] = twin["split"]
            else:
                item["split"] = "dev" if rank < n_dev else "test"
    return items


def sample(items: list[dict], n: int) -> list[dict]:
    """A fixed stratified sample of about ``n`` items: every (type or kind, language) stratum
    keeps its share, its items taken in the order of :func:`_key`, so the sample is the same
    on every machine and an added item moves it by about one item. All items when ``n`` is
    not smaller than their number."""
    if n >= len(items):
        return list(items)
    strata: dict[tuple, list[dict]] = defaultdict(list)
    for item in items:
        strata[_stratum(item)].append(item)
    chosen = {id(i) for group in strata.values()
              for i in sorted(group, key=_key)[:max(1, round(n * len(group) / len(items)))]}
    return [i for i in items if id(i) in chosen]


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or [
        *sorted(BANK_DIR.glob("*.jsonl")), CONVERSATIONS]
    per_file = {p: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()
                    if x.strip()] for p in paths if p.exists()}
    assign([i for items in per_file.values() for i in items])
    for p, items in per_file.items():
        p.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items),
                     encoding="utf-8")
        n_dev = sum(i["split"] == "dev" for i in items)
        print(f"{p.name}: {len(items)} items, {n_dev} dev, {len(items) - n_dev} test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
