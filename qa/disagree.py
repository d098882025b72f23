"""Find where sources give different values for the same point. Pure functions."""

from __future__ import annotations

from collections import defaultdict

from qa.points import Figure, Point, load_points, vague
from qa.types import Citation, Claim, Disagreement


def _join_refs(ns: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(n) for n in ns) + "]"


def contested(values: set[str]) -> bool:
    """Two or more different values, at least two of them actual numbers or dates."""
    return len({v for v in values if not vague(v)}) >= 2


def figure_disagreements(
    citations: list[Citation], figs: dict[int, tuple[Figure, ...]], only: set[str] | None = None
) -> list[Disagreement]:
    """Per figure point, the values each cited source states, when the sources differ.

    ``figs`` maps citation number -> figures in that quote; ``only`` limits the points.
    """
    labels = {p.id: p.label for p in load_points()}
    by_point: dict[str, dict[tuple[str, str], list[tuple[Citation, Figure]]]] = defaultdict(
        lambda: defaultdict(list))
    for c in citations:
        for f in figs.get(c.n, ()):
            if only is None or f.point in only:
                by_point[f.point][(c.doc_id, f.normal)].append((c, f))
    out = []
    for point, groups in by_point.items():
        docs = {doc for doc, _ in groups}
        if len(docs) < 2 or not contested({normal for _, normal in groups}):
            continue
        claims = []
        for (doc, _normal), items in sorted(groups.items(), key=lambda kv: kv[1][0][0].n):
            c0, f0 = items[0]
            ns = tuple(sorted({c.n for c, _ in items}))
            claims.append(Claim(doc, c0.outlet, f0.text, ns, c0.quote, c0.start, c0.end))
        parts = [f"{cl.outlet}: {cl.value} {_join_refs(cl.citations)}" for cl in claims]
        label = labels.get(point, point)
        out.append(Disagreement(point, label, tuple(claims), f"{label}: " + "; ".join(parts) + "."))
    return out


def account_disagreement(point: Point, citations: list[Citation],
                         mentioning: set[int]) -> Disagreement | None:
    """The sources' different accounts of a point (trigger, ethnic or not), when 2+ give one."""
    per_doc: dict[str, list[Citation]] = defaultdict(list)
    for c in citations:
        if c.n in mentioning:
            per_doc[c.doc_id].append(c)
    if len(per_doc) < 2:
        return None
    claims = tuple(
        Claim(doc, cs[0].outlet, cs[0].quote, tuple(c.n for c in cs), cs[0].quote, cs[0].start,
              cs[0].end)
        for doc, cs in per_doc.items()
    )
    refs = "; ".join(f"{cl.outlet} {_join_refs(cl.citations)}" for cl in claims)
    return Disagreement(point.id, point.label, claims,
                        f"{point.label.rstrip('?')}: each source gives its own account "
                        f"({refs}); compare the quotes.")
