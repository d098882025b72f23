"""The evaluation set is well-formed and every expected citation is verbatim in its seed."""

from __future__ import annotations

from collections import Counter

import pytest

from eval.scorer import load_items, load_seeds, normalise

TYPES = {
    "single",
    "multi",
    "disagreement",
    "unanswerable_on_topic",
    "unanswerable_off_topic",
    "false_premise",
    "injection",
}
POINTS = {
    "deaths",
    "injured",
    "detained",
    "damage",
    "refugees",
    "distance",
    "participants",
    "trigger",
    "ethnic",
    "start_date",
}
REQUIRED = {"id", "question", "type", "lang", "answerable", "reference", "must_include", "evidence"}
#: Page furniture that must never be quoted as evidence.
FURNITURE = (
    "Follow us on",
    "Advertisement",
    "Click here to subscribe",
    "Newsletter",
    "Photo:",
    "Still image from",
    "spelling error",
    "To contact the WSWS",
    "produced under IWPR",
)

ITEMS = load_items()
SEEDS = load_seeds()


def test_size_and_unique_ids() -> None:
    assert len(ITEMS) >= 80
    ids = [item["id"] for item in ITEMS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["id"])
def test_item_fields(item: dict) -> None:
    assert set(item) >= REQUIRED
    assert item["type"] in TYPES
    assert item["lang"] in {"en", "ru"}
    assert isinstance(item["answerable"], bool)
    assert item["question"].strip() and item["reference"].strip()
    assert item.get("point", "deaths") in POINTS
    if item["answerable"]:
        assert item["evidence"] and item["must_include"]
    else:
        assert item["evidence"] == [] and item["must_include"] == []


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["id"])
def test_evidence_is_verbatim_and_not_furniture(item: dict) -> None:
    for ev in item["evidence"]:
        assert ev["doc"] in SEEDS, ev["doc"]
        assert ev["quote"] in SEEDS[ev["doc"]], ev["quote"]
        assert ev["quote"] == ev["quote"].strip() and 10 <= len(ev["quote"]) <= 400
        assert not any(f.casefold() in ev["quote"].casefold() for f in FURNITURE), ev["quote"]


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["id"])
def test_must_include_is_in_some_evidence_quote(item: dict) -> None:
    quotes = [normalise(ev["quote"]) for ev in item["evidence"]]
    for must in item["must_include"]:
        assert any(normalise(must) in q for q in quotes), must


def test_disagreements_cite_several_sources() -> None:
    for item in ITEMS:
        if item["type"] == "disagreement":
            assert len({ev["doc"] for ev in item["evidence"]}) >= 2, item["id"]


def test_coverage_of_types_and_languages() -> None:
    types = Counter(item["type"] for item in ITEMS)
    assert set(types) == TYPES
    ru = [item for item in ITEMS if item["lang"] == "ru"]
    assert len(ru) >= 6
    assert {"single", "disagreement", "unanswerable_on_topic"} <= {item["type"] for item in ru}
