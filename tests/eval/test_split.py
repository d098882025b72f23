"""eval.split.sample: a fixed stratified sample (what the quality floor answers)."""

from __future__ import annotations

from collections import Counter

from eval.split import sample


def _items() -> list[dict]:
    out = [{"id": f"s{i}", "type": "single", "lang": "en"} for i in range(60)]
    out += [{"id": f"u{i}", "type": "unanswerable_on_topic", "lang": "ru"} for i in range(30)]
    out += [{"id": f"d{i}", "type": "disagreement", "lang": "en"} for i in range(3)]
    return out


def test_sample_keeps_each_stratum_share_and_every_stratum():
    got = sample(_items(), 31)
    by = Counter((i["type"], i["lang"]) for i in got)
    assert by[("single", "en")] == 20 and by[("unanswerable_on_topic", "ru")] == 10
    assert by[("disagreement", "en")] == 1  # a small stratum is never left out


def test_sample_is_deterministic_and_stable_when_an_item_is_added():
    items = _items()
    first = {i["id"] for i in sample(items, 31)}
    assert first == {i["id"] for i in sample(list(reversed(items)), 31)}
    grown = {i["id"] for i in sample([*items, {"id": "s-new", "type": "single",
                                                 "lang": "en"}], 31)}
    assert len(first ^ grown) <= 2


def test_sample_of_more_than_there_are_is_everything():
    items = _items()
    assert sample(items, 500) == items
