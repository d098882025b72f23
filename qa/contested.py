"""Contested points discovered from the claims extracted at index time. Pure functions.

Figures: claims are grouped by what they count (average-link clustering over an embedding of
the counted phrase, with hard constraints: same unit, same endpoints for distances, a person
count never joins a count of things, two different figures of one sentence never join).
A point is **contested** only when two sources give incompatible values for the same thing at
the same scope: each claim is an interval (``FigureClaim.low .. high``); intervals that do not
overlap disagree. So "at least 10" and "11" agree, "more than 170" and "178" agree, "47" and
"more than 47" disagree, 8 / 10 / 11 disagree. Round figures and "about" allow 10 %.
Vague figures ("thousands"), counts limited to a part of the event ("via the X post": a lower
bound of the whole), other events ("in 2006") and captions or headlines never make a point
contested across sources; captions and headlines that contradict their own article's body are
flagged as in-article inconsistencies. Figures that count a related but different thing
("sought medical help" next to "injured") are shown apart, explained.

Accounts (what set it off, was it ethnic, who attacked whom, police conduct): each source's
best body sentence for a generic question, labelled with its attribution ("how each source
frames it"); a disagreement only when two sources, in their own voice, take opposite sides.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.claims import TIME_EXPR, time_refs
from index.text import terms
from index.types import FigureClaim, Sentence, Source
from qa.settings import Settings
from qa.types import Claim, ContestedPoint, Disagreement

Encode = Callable[[list[str]], np.ndarray]

# The similarity thresholds are ``Settings`` fields (``predicate_sim``, ``cluster_sim``,
# ``thing_noun_sim``, ``thing_predicate_sim``, ``person_sim``, ``related_sim``,
# ``framing_min_sim``, ``opposed_min_sim``); the public functions take ``settings``.
#: A counted noun this similar (``person_sim``) to one of these anchors (or a group's name)
#: counts persons.
PERSON_ANCHORS = ("people", "workers", "citizens")
GENERIC = {"", "people", "person", "persons", "individual", "individuals"}
NEGATION = re.compile(r"\b(?:not|no|deny|denies|denied|never|rather than|neither|nor)\b",
                      re.IGNORECASE)
#: Generic questions about any violent event, asked of every source (labels may be overridden).
FRAMING_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("trigger", "What set it off", "what triggered the clashes: the incident that started it"),
    ("ethnic", "Was it an ethnic conflict?",
     "the conflict was ethnic, interethnic, or a domestic conflict"),
    ("who_attacked", "Who attacked whom", "which group attacked the other group"),
    ("police", "How the police acted",
     "what the police did during the violence: stood by, stopped it, brought it under control"),
)


@dataclass(frozen=True)
class _Item:
    """A claim with its sentence and embedding channels (internal)."""

    claim: FigureClaim
    quote: str
    start: int
    end: int
    what: str  #: counts without a generic noun ("killed", "private houses damaged")
    noun: str
    pred: str


def _what(c: FigureClaim) -> tuple[str, str, str]:
    words = c.counts.split()
    if words and words[0] in GENERIC:
        words = words[1:]
    what = " ".join(words)
    noun = "" if c.noun in GENERIC else c.noun
    pred = c.predicate or (what if not noun else "")
    return what, noun, pred


def _items(sentences: Sequence[Sentence], claims: Sequence[Sequence[FigureClaim]],
           texts: Mapping[str, str]) -> list[_Item]:
    out = []
    for row in claims:
        for c in row:
            if not c.counts:
                continue
            text = texts.get(c.doc_id) or ""
            quote = text[c.context_start:c.context_end] if text else sentences[c.sentence_id].text
            what, noun, pred = _what(c)
            out.append(_Item(c, quote, c.context_start, c.context_end, what, noun, pred))
    return out


def _cos(vecs: dict[str, np.ndarray], a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return 1.0 if a == b else float(vecs[a] @ vecs[b])


def _norm_place(p: str) -> str:
    return re.sub(r"^(the)\s+|\s+(village|settlement|town|city)$", "", p.lower()).strip()


def _personish(it: _Item, vecs: dict[str, np.ndarray], settings: Settings | None) -> bool:
    if not it.noun or it.claim.persons:
        return True
    person_sim = Settings.value(settings, "person_sim")
    return max(_cos(vecs, it.noun, a) for a in PERSON_ANCHORS) >= person_sim or \
        it.noun.split()[-1] in GENERIC


def _key(it: _Item) -> str:
    """The phrase compared for a person count: what it counts, or its predicate."""
    return it.what if (not it.noun or it.claim.frame) else it.pred


HARD = -1.0  #: similarity of two claims that cannot count the same thing


def same_thing(a: _Item, b: _Item, vecs: dict[str, np.ndarray],
               settings: Settings | None = None) -> float:
    """Similarity of what two claims count; ``HARD`` when they cannot be the same thing
    (``settings``: ``person_sim``, ``thing_noun_sim``, ``thing_predicate_sim``)."""
    ca, cb = a.claim, b.claim
    if ca.unit != cb.unit:
        return HARD
    if ca.doc_id == cb.doc_id and ca.context_start == cb.context_start and ca.start != cb.start \
            and ca.counts != cb.counts:
        return HARD  # "25 houses, 31 outlets and 41 vehicles": one sentence, different things
    if ca.unit in ("km", "mile", "m"):
        pa = {_norm_place(p) for p in ca.places}
        pb = {_norm_place(p) for p in cb.places}
        return 1.0 if len(pa) == 2 and pa == pb else HARD
    if ca.unit:
        return HARD  # other measures (years, %, money) are not compared across sources
    pa, pb = _personish(a, vecs, settings), _personish(b, vecs, settings)
    if pa != pb:  # "10 fatalities" (a noun) next to "8 killed" (people)
        thing = a if not pa else b
        if thing.pred:
            return HARD
        return _cos(vecs, a.what, b.what)
    if pa:
        if bool(a.pred) != bool(b.pred):  # "deaths" vs "killed": a frame noun vs a verb
            return _cos(vecs, a.what, b.what) if (a.claim.frame or b.claim.frame) else HARD
        if a.pred:
            return _cos(vecs, _key(a), _key(b))
        return _cos(vecs, a.what, b.what)
    if _cos(vecs, a.noun, b.noun) < Settings.value(settings, "thing_noun_sim"):
        return HARD
    if a.pred and b.pred and _cos(vecs, a.pred, b.pred) < Settings.value(
            settings, "thing_predicate_sim"):
        return HARD
    return _cos(vecs, a.what, b.what)


def _cluster(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-link agglomerative clustering; a ``HARD`` pair forbids a merge."""
    clusters = [[i] for i in range(len(sim))]
    while True:
        best, pair = threshold, None
        for x in range(len(clusters)):
            for y in range(x + 1, len(clusters)):
                block = sim[np.ix_(clusters[x], clusters[y])]
                if (block <= HARD).any():
                    continue
                m = float(block.mean())
                if m >= best:
                    best, pair = m, (x, y)
        if pair is None:
            return clusters
        x, y = pair
        clusters[x] = clusters[x] + clusters[y]
        del clusters[y]


def _comparable(c: FigureClaim) -> bool:
    return not (c.vague or c.in_furniture or c.headline or c.scope != "event")


def _overlap(a: FigureClaim, b: FigureClaim) -> bool:
    lo_a, lo_b = a.low, b.low
    hi_a = a.high if a.scope == "event" else float("inf")
    hi_b = b.high if b.scope == "event" else float("inf")
    return lo_a <= hi_b and lo_b <= hi_a


def _date_key(source: Source | None, c: FigureClaim) -> str:
    if c.as_of_date and len(c.as_of_date) == 10:
        return c.as_of_date
    if source is None:
        return "9999"
    if source.date:
        return source.date
    refs = time_refs(source.date_note)
    return refs[0][3] if refs and refs[0][3] else "9999"


def when_label(source: Source | None) -> str:
    """A short date for a source: its date, else the time phrase of its date note."""
    if source is None:
        return ""
    if source.date:
        return source.date
    m = TIME_EXPR.search(source.date_note)
    return m.group(0).strip() if m else source.date_note


def _section(c: FigureClaim) -> str:
    if c.in_furniture:
        return "photo caption"
    if c.headline:
        return "headline"
    if c.scope == "other_event" or c.scope == "part":
        return c.scope_note
    if c.vague:
        return "no exact figure"
    return ""


def _to_claim(it: _Item, sources: Mapping[str, Source]) -> Claim:
    c = it.claim
    src = sources.get(c.doc_id)
    return Claim(
        doc_id=c.doc_id, outlet=src.name if src else c.doc_id, value=c.text, citations=(),
        quote=it.quote, start=it.start, end=it.end, qualifier=c.qualifier,
        attribution=c.attribution, as_of=c.as_of or when_label(src), counts=c.counts,
        note=_section(c), sentence_id=c.sentence_id,
    )


def _label(items: Sequence[_Item], labels: Mapping[str, Sequence[str]]) -> str:
    words = {w for it in items for w in terms(it.claim.counts)}
    for label, cues in labels.items():
        if any(t in words for cue in cues for t in terms(cue)):
            return label
    c = items[0].claim
    if c.unit:
        return f"Distance {'–'.join(sorted(c.places))} ({c.unit})"
    common = Counter(it.claim.counts for it in items if _comparable(it.claim)) or Counter(
        it.claim.counts for it in items)
    text = common.most_common(1)[0][0]
    return text[:1].upper() + text[1:]


def _slug(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "point"
    out, k = base, 2
    while out in taken:
        out, k = f"{base}_{k}", k + 1
    taken.add(out)
    return out


def _inconsistencies(items: Sequence[_Item], sources: Mapping[str, Source]) -> list[str]:
    """A caption or headline whose figure its own article's body contradicts."""
    notes = []
    for it in items:
        c = it.claim
        if not (c.in_furniture or c.headline) or c.vague:
            continue
        body = [o.claim for o in items if o.claim.doc_id == c.doc_id and _comparable(o.claim)]
        if body and not any(_overlap(c, b) for b in body):
            name = sources[c.doc_id].name if c.doc_id in sources else c.doc_id
            where = "photo caption" if c.in_furniture else "headline"
            notes.append(f"In-article inconsistency: {name}'s {where} says {c.text}, its body "
                         f"says {', '.join(sorted({b.text for b in body}))}.")
    return notes


def _status(items: Sequence[_Item]) -> tuple[str, list[str]]:
    comp = [it.claim for it in items if _comparable(it.claim)]
    docs = {c.doc_id for c in comp}
    for a in comp:
        for b in comp:
            if a.doc_id < b.doc_id and not _overlap(a, b):
                return "contested", []
    all_docs = {it.claim.doc_id for it in items}
    values = {it.claim.text for it in items}
    if len(all_docs) >= 2 and len(values) >= 2:
        reasons = sorted({_section(it.claim) for it in items if _section(it.claim)})
        return ("explained" if reasons or len(docs) < len(all_docs) else "agreed"), reasons
    return "agreed", []


def figure_points(sentences: Sequence[Sentence], claims: Sequence[Sequence[FigureClaim]],
                  sources: Mapping[str, Source], encode: Encode,
                  texts: Mapping[str, str] | None = None,
                  labels: Mapping[str, Sequence[str]] | None = None, *,
                  settings: Settings | None = None) -> list[ContestedPoint]:
    """Every figure point stated by two or more sources, contested or not (``settings``: the
    similarity thresholds; defaults without)."""
    items = [it for it in _items(sentences, claims, texts or {}) if it.claim.scope
             != "other_event"]
    others = [it for it in _items(sentences, claims, texts or {})
              if it.claim.scope == "other_event"]
    if not items:
        return []
    phrases = sorted({p for it in items + others for p in (it.what, it.noun, it.pred) if p}
                     | set(PERSON_ANCHORS))
    vecs = dict(zip(phrases, encode(phrases), strict=True))
    n = len(items)
    sim = np.zeros((n, n))
    for x in range(n):
        for y in range(x + 1, n):
            sim[x, y] = sim[y, x] = same_thing(items[x], items[y], vecs, settings)
    np.fill_diagonal(sim, 1.0)
    points, taken = [], set()
    clusters = _cluster(sim, Settings.value(settings, "cluster_sim"))
    pooled = {id(items[i]) for cl in clusters if len({items[k].claim.doc_id for k in cl}) > 1
              for i in cl}
    for cl in clusters:
        members = [items[i] for i in cl]
        if len({it.claim.doc_id for it in members}) < 2:
            continue
        status, reasons = _status(members)
        notes = list(reasons) + _inconsistencies(members, sources)
        members.sort(key=lambda it: (_date_key(sources.get(it.claim.doc_id), it.claim),
                                     it.claim.doc_id, it.claim.start))
        docs = {it.claim.doc_id for it in members}
        related = _related(items, members, docs, vecs, others, pooled, settings)
        label = _label(members, labels or {})
        points.append(ContestedPoint(
            point=_slug(label, taken), label=label, kind="figure",
            claims=tuple(_to_claim(it, sources) for it in members),
            contested=status == "contested", status=status, notes=tuple(notes),
            explained=tuple(_to_claim(it, sources) for it in related),
            counts=tuple(sorted({it.claim.counts for it in members})),
        ))
    points.sort(key=lambda p: (not p.contested, p.status != "explained", p.label))
    return points


def _related(items: Sequence[_Item], members, docs, vecs, others, pooled: set[int],
             settings: Settings | None) -> list[_Item]:
    """Figures that count a related but different thing, or another event, shown apart."""
    predicate_sim = Settings.value(settings, "predicate_sim")
    related_sim = Settings.value(settings, "related_sim")
    out = []
    for it in list(items) + list(others):
        if it in members or it.claim.in_furniture or it.claim.headline:
            continue
        if it.claim.unit or it.claim.vague or it.claim.quoted \
                or not _personish(it, vecs, settings) \
                or not it.pred:
            continue
        if it.claim.scope != "other_event" and id(it) in pooled:
            continue  # it belongs to another point
        best = max((_cos(vecs, _key(it), _key(m)) for m in members
                    if not m.claim.unit and m.pred and _personish(m, vecs, settings)),
                   default=0.0)
        other_event = it.claim.scope == "other_event"
        if best >= (predicate_sim if other_event else related_sim) and (
                other_event or it.claim.doc_id not in docs):
            out.append(it)
    return out


def _own_voice(text: str) -> bool:
    return not re.search(r"[“”\"«»]|\baccording to\b|\b(?:said|says|told|claimed|insisted)\b",
                         text, re.IGNORECASE)


def account_points(sentences: Sequence[Sentence], claims: Sequence[Sequence[FigureClaim]],
                   sources: Mapping[str, Source], encode: Encode,
                   sentence_vectors: np.ndarray | None = None,
                   headings: set[int] | None = None,
                   labels: Mapping[str, Sequence[str]] | None = None, *,
                   settings: Settings | None = None) -> list[ContestedPoint]:
    """How each source frames generic questions; contested only for opposite own-voice sides
    (``settings``: ``framing_min_sim``, ``opposed_min_sim``; defaults without)."""
    framing_min_sim = Settings.value(settings, "framing_min_sim")
    opposed_min_sim = Settings.value(settings, "opposed_min_sim")
    usable = [s for s in sentences if s.id not in (headings or set())
              and s.text.rstrip("*_ ").endswith(tuple(".!?”\"»)"))]
    if not usable:
        return []
    vecs = sentence_vectors[[s.id for s in usable]] if sentence_vectors is not None else encode(
        [s.text for s in usable])
    qv = encode([q for _, _, q in FRAMING_QUESTIONS])
    out = []
    for (pid, label, _), q in zip(FRAMING_QUESTIONS, qv, strict=True):
        scores = vecs @ q
        best: dict[str, tuple[float, Sentence]] = {}
        for s, sc in zip(usable, scores, strict=True):
            if sc >= framing_min_sim and (s.doc_id not in best or sc > best[s.doc_id][0]):
                best[s.doc_id] = (float(sc), s)
        if len(best) < 2:
            continue
        picked = sorted(best.items(), key=lambda kv: _date_key(sources.get(kv[0]), _NO_CLAIM))
        cl = tuple(Claim(doc, sources[doc].name if doc in sources else doc, s.text, (), s.text,
                         s.start, s.end, attribution="" if _own_voice(s.text) else "reported",
                         as_of=when_label(sources.get(doc)), note=f"similarity {sc:.2f}",
                         sentence_id=s.id) for doc, (sc, s) in picked)
        strong = [(doc, s) for doc, (sc, s) in picked if sc >= opposed_min_sim
                  and _own_voice(s.text)]
        sides = {bool(NEGATION.search(s.text)) for _, s in strong}
        contested = len(strong) >= 2 and len(sides) == 2
        out.append(ContestedPoint(pid, label, "account", cl, contested,
                                  status="contested" if contested else "framing",
                                  notes=("How each source frames it; compare the quotes.",)))
    return out


_NO_CLAIM = FigureClaim("", 0, 0, 1, "x", 1.0, 1.0, 1.0, "exact", context_end=1)


def discover_points(sentences: Sequence[Sentence], claims: Sequence[Sequence[FigureClaim]],
                    sources: Mapping[str, Source], encode: Encode, *,
                    texts: Mapping[str, str] | None = None,
                    sentence_vectors: np.ndarray | None = None,
                    labels: Mapping[str, Sequence[str]] | None = None,
                    accounts: bool = True,
                    settings: Settings | None = None) -> list[ContestedPoint]:
    """The catalogue: figure points (contested first) and account framings.

    ``sentences`` / ``claims`` are row-aligned (claims.jsonl); ``sources`` maps doc_id to its
    metadata; ``encode`` maps texts to unit vectors. ``texts`` (doc_id -> article text) lets
    caption claims quote their caption line; ``labels`` are optional editor labels
    (:func:`load_labels`); ``settings`` the similarity thresholds (``Settings`` defaults
    without).
    """
    heads = {c.sentence_id for row in claims for c in row if c.headline}
    pts = figure_points(sentences, claims, sources, encode, texts, labels, settings=settings)
    if accounts:
        pts += account_points(sentences, claims, sources, encode, sentence_vectors, heads,
                              labels, settings=settings)
    return pts


def load_labels(path: Path) -> dict[str, list[str]]:
    """Optional editor labels (``seeds/points.toml``): ``[labels]`` label = [cue words]."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(k): [str(x) for x in v] for k, v in data.get("labels", {}).items()}


def point_sentences(point: ContestedPoint) -> set[int]:
    """Sentence ids that carry the point's body claims (candidates for an answer)."""
    return {c.sentence_id for c in point.claims
            if c.sentence_id >= 0 and c.note != "photo caption"}


def asks(point: ContestedPoint, asked: str) -> bool:
    """True when ``asked`` (a word of the question) names what the point counts."""
    want = set(terms(asked))
    have = {t for c in point.counts for t in terms(c)} | set(terms(point.label))
    return bool(want & have)


def disagreements_for(points: Sequence[ContestedPoint], cited: Mapping[int, int],
                      asked: str | None, include: Sequence[str] = ("contested",)
                      ) -> list[Disagreement]:
    """The points the answer's citations speak to (only the asked one when given).

    ``cited`` maps citation number -> sentence id. A point is returned when cited claims of two
    or more sources are in it and its status is in ``include`` ("contested", "explained",
    "framing"); each claim carries the citation numbers whose sentence states it.
    """
    by_sentence: dict[int, list[int]] = defaultdict(list)
    for n, sid in cited.items():
        by_sentence[sid].append(n)
    out = []
    for p in points:
        if p.status not in include or (asked and p.kind == "figure" and not asks(p, asked)):
            continue
        claims = []
        for c in p.claims:
            ns = tuple(sorted(by_sentence.get(c.sentence_id, ())))
            if ns and c.note != "photo caption":
                claims.append(_with_citations(c, ns))
        if len({c.doc_id for c in claims}) < 2:
            continue
        parts = [f"{c.outlet} ({'; '.join(x for x in (c.as_of, c.attribution) if x)}): "
                 f"{c.value} [{', '.join(map(str, c.citations))}]" for c in claims]
        verb = "Sources disagree on" if p.status == "contested" else "Sources differ on"
        out.append(Disagreement(p.point, p.label, tuple(claims),
                                f"{verb} {p.label}: " + "; ".join(parts) + ".",
                                status=p.status, notes=p.notes))
    return out


def _with_citations(c: Claim, ns: tuple[int, ...]) -> Claim:
    return replace(c, citations=ns)
