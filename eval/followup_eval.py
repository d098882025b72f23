"""Measure follow-up resolution (qa/followup.py) on eval/conversations.jsonl.

For each conversation the final turn is resolved against the earlier turns and the result is
compared with the conversation's ``resolved`` (the standalone question a person wrote), both
analysed by the same analyser the engine uses (qa.question.analyse):

- focus: F1 of the focus lemma sets >= 0.5;
- figure: equal (both empty counts as equal);
- sources: the same set of outlets named (qa.followup.named_sources: the analyser's source
  constraints plus outlet words it misses, such as "Vlast.kz");
- names: F1 of the name-constraint keys >= 0.5, or both without names.

With ``--answers`` (the engine loaded), a why-question's focus also agrees when both name the
same contested figure points of the index (qa.contested.asks): "why do the sources differ on how
many people died?" and "why do the articles give different death tolls?" ask the same thing.

A resolution *matches* when all four hold. Topic switches must also come back unchanged.
Two baselines are measured the same way: the question as asked (no resolution) and the
previous turn concatenated with it (history expansion without term selection).

    python -m eval.followup_eval [--split dev|test|all] [--show] [--answers]

``--answers`` loads the engine and lets the resolver see the previous turn's answer (what the
engine does at run time: "who replaced the governor? → which commission did he head?" needs the
name the answer quoted).
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = ROOT / "eval" / "conversations.jsonl"
KINDS = ("ellipsis", "pronoun", "constraint", "why", "topic_switch", "unanswerable")


def load(split: str = "all", path: Path = CONVERSATIONS) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [r for r in rows if split == "all" or r.get("split") == split]


def _f1(a: set, b: set) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return 2 * inter / (len(a) + len(b))


def point_ids(q, points) -> frozenset[str]:
    """The engine's contested figure points the analysed question names (its figure or focus)."""
    from qa.contested import asks

    words = [w for w in (q.figure, *q.focus) if w]
    return frozenset(p.point for p in points if p.kind == "figure"
                     and any(asks(p, w) for w in words))


def compare(mine, gold, mine_sources: set | None = None, gold_sources: set | None = None,
            points=()) -> dict:
    """How one analysed resolution agrees with the analysed reference."""
    names = lambda q: {c.key for c in q.constraints if c.kind == "name"}  # noqa: E731
    focus = _f1(set(mine.focus), set(gold.focus))
    same_points = False
    if points and gold.answer_type == "cause" and mine.answer_type == "cause":
        pm, pg = point_ids(mine, points), point_ids(gold, points)
        same_points = bool(pg) and pm == pg
    ms = set(mine.sources) if mine_sources is None else mine_sources
    gs = set(gold.sources) if gold_sources is None else gold_sources
    out = {
        "focus_f1": focus,
        "focus": focus >= 0.5 or same_points,
        "figure": mine.figure == gold.figure,
        "sources": ms == gs,
        "names": _f1(names(mine), names(gold)) >= 0.5,
        "answer_type": mine.answer_type == gold.answer_type,
    }
    out["match"] = out["focus"] and out["figure"] and out["sources"] and out["names"]
    return out


def run(rows: list[dict], show: bool = False,
        answers: bool = False) -> dict[str, dict[str, list]]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from index.corpus import load_sources
    from index.nlp import english
    from qa.followup import named_sources, resolve
    from qa.question import analyse, source_aliases

    nlp = english()
    sources = load_sources()
    aliases = source_aliases(sources)
    outlets = {d: s.short for d, s in sources.items() if s.short}
    cache: dict[str, object] = {}

    def an(text: str):
        if text not in cache:
            cache[text] = analyse(text, nlp, aliases=aliases)
        return cache[text]

    answer_of, points, persons = None, (), ()
    if answers:
        import qa

        eng = qa.engine()
        answer_of = lambda text: eng.answer(text).to_dict()  # noqa: E731
        points = eng.catalogue()
        persons = eng.loaded().persons

    def srcs(text: str) -> set[str]:
        return named_sources(text, an, aliases)

    results: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        history, question = r["turns"][:-1], r["turns"][-1]
        res = resolve(question, history, an, aliases=aliases, outlets=outlets, nlp=nlp,
                      answer_of=answer_of, person_names=persons)
        gold = an(r["resolved"])
        variants = {
            "resolved": res.text,
            "as_asked": question,
            "concat": f"{history[-1].rstrip('?')} {question}" if history else question,
        }
        for name, text in variants.items():
            c = compare(an(text), gold, srcs(text), srcs(r["resolved"]), points)
            if r["kind"] == "topic_switch":
                c["match"] = c["match"] and text == question
            results[name][r["kind"]].append(c)
            results[name]["all"].append(c)
        results["kind"][r["kind"]].append(res.kind)
        if show:
            c = compare(an(res.text), gold, srcs(res.text), srcs(r["resolved"]), points)
            mark = "OK " if c["match"] else "-- "
            print(f"{mark}{r['id']} [{r['kind']}→{res.kind}] {question!r}\n"
                  f"      mine: {res.text}\n      gold: {r['resolved']}\n"
                  f"      focus_f1={c['focus_f1']:.2f} figure={c['figure']} "
                  f"sources={c['sources']} names={c['names']}")
    return results


def table(results: dict[str, dict[str, list]], split: str) -> str:
    lines = [f"Follow-up resolution, {split} split: share whose resolution matches `resolved` "
             "(focus F1>=0.5, figure, sources, names)", "",
             "| kind | n | resolved (ours) | as asked | previous+current | answer type agrees |",
             "|---|---|---|---|---|---|"]
    for kind in (*KINDS, "all"):
        rows = results["resolved"].get(kind, [])
        if not rows:
            continue
        share = lambda name: sum(c["match"] for c in results[name][kind]) / len(rows)  # noqa
        at = sum(c["answer_type"] for c in rows) / len(rows)
        lines.append(f"| {kind} | {len(rows)} | {share('resolved'):.2f} | {share('as_asked'):.2f}"
                     f" | {share('concat'):.2f} | {at:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=("dev", "test", "all"))
    ap.add_argument("--show", action="store_true", help="print every resolution")
    ap.add_argument("--answers", action="store_true",
                    help="let the resolver see earlier answers (loads the engine)")
    args = ap.parse_args(argv)
    results = run(load(args.split), show=args.show, answers=args.answers)
    print(table(results, args.split))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
