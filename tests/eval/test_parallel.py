"""Training's shares: split and merged back in the first order, whatever the share count."""

import pytest

from eval import parallel


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_merge_undoes_split(n):
    items = list(range(10))
    shares = parallel.split(items, n)
    assert len(shares) == n
    assert sorted(x for s in shares for x in s) == items
    assert parallel.merge(shares) == items


def test_each_share_holds_a_like_mix():
    shares = parallel.split(list(range(9)), 2)
    assert shares == [[0, 2, 4, 6, 8], [1, 3, 5, 7]]


def test_results_one_per_item_merge_in_the_items_order():
    shares = parallel.split(["a", "b", "c", "d", "e"], 2)
    results = [[x.upper() for x in s] for s in shares]
    assert parallel.merge(results) == ["A", "B", "C", "D", "E"]


def test_one_process_runs_every_share_here_with_this_engine():
    seen = []

    def fn(engine, share, extra):
        seen.append(engine)
        return [f"{x}{extra}" for x in share]

    engine = object()
    with parallel.Shared(engine, 1) as pool:
        assert pool.run(fn, [(["a", "b"], "!"), (["c"], "?")]) == [["a!", "b!"], ["c?"]]
    assert seen == [engine, engine]
