"""Work spread over processes, results in input order, memory bounded, no item lost.

:func:`ordered` runs ``work(chunk)`` for chunks of a stream's items in a process pool and yields
each item's results in the order the items came, a chunk at a time: at most a few chunks per
process are in flight, so a stream of any length takes the memory of a window, never of the
stream. Items already done (``Ready``) pass through in their place.

A process that dies (a crash in a reader's C code, the out-of-memory killer) takes its pool
down with every chunk in flight. Those chunks are run again, each item alone in a pool of its
own: the item that kills its process again comes back as ``died(item)`` (its own error), and the
others with their results; the stream goes on in a fresh pool."""

from __future__ import annotations

import copyreg
import importlib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Generic, Optional, TypeVar, Union

__all__ = ["Ready", "ordered"]

Item = TypeVar("Item")
Result = TypeVar("Result")

CHUNK = 16
"""Items per task: fewer round trips between processes (4 cost the pool 16% more processor time
than one process, 16 cost 6–12%); what a crash re-runs item by item."""
WINDOW = 4
"""Tasks in flight per process: enough to keep each busy, few enough to bound memory."""


class Ready(Generic[Result]):
    """Results that need no work, yielded in their place in the stream."""

    __slots__ = ("results",)

    def __init__(self, results: list[Result]) -> None:
        self.results = results


_Slot = Union["_Task[Item, Result]", "Ready[Result]"]


class _Task(Generic[Item, Result]):
    __slots__ = ("future", "items")

    def __init__(self, items: list[Item], future: Optional[Future[list[list[Result]]]]) -> None:
        self.items = items
        self.future = future


def ordered(
    stream: Iterable[Union[Item, Ready[Result]]],
    work: Callable[[list[Item]], list[list[Result]]],
    died: Callable[[Item], Result],
    jobs: int,
    setup: Callable[..., None],
    setup_args: tuple[object, ...],
) -> Iterator[Result]:
    """The results of ``work`` for every item of ``stream`` (``work`` gets a chunk of items and
    returns each item's list of results), in the stream's order, computed by ``jobs``
    processes each set up by ``setup(*setup_args)``. ``work`` and ``setup`` must be functions of a
    module (they are pickled by name where processes are spawned)."""
    pool = _Pool(jobs, setup, setup_args, work)
    slots: deque[_Slot[Item, Result]] = deque()
    chunk: list[Item] = []
    in_flight = 0
    try:
        for entry in stream:
            if not isinstance(entry, Ready):
                chunk.append(entry)
                if len(chunk) < CHUNK:
                    continue
            if chunk:
                slots.append(pool.submit(chunk))
                in_flight, chunk = in_flight + 1, []
            if isinstance(entry, Ready):
                slots.append(entry)
            while slots and (isinstance(slots[0], Ready) or in_flight >= WINDOW * jobs):
                in_flight -= not isinstance(slots[0], Ready)
                yield from pool.results(slots.popleft(), died)
        if chunk:
            slots.append(pool.submit(chunk))
        while slots:
            yield from pool.results(slots.popleft(), died)
    finally:
        pool.close()


class _Pool(Generic[Item, Result]):
    """A process pool that is replaced when a process dies."""

    def __init__(
        self,
        jobs: int,
        setup: Callable[..., None],
        setup_args: tuple[object, ...],
        work: Callable[[list[Item]], list[list[Result]]],
    ) -> None:
        self.jobs, self.setup, self.setup_args, self.work = jobs, setup, setup_args, work
        self.executor: Optional[ProcessPoolExecutor] = None

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is None:
            self.executor = self._new(self.jobs)
        return self.executor

    def _new(self, jobs: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            jobs, initializer=_start, initargs=(_reducers(), self.setup, self.setup_args)
        )

    def submit(self, items: list[Item]) -> _Task[Item, Result]:
        try:
            return _Task(items, self._executor().submit(self.work, items))
        except BrokenProcessPool:  # it broke since the last task: that one will say which item
            self.close()
            return _Task(items, self._executor().submit(self.work, items))

    def results(self, slot: _Slot[Item, Result], died: Callable[[Item], Result]) -> Iterator[Result]:
        if isinstance(slot, Ready):
            yield from slot.results
            return
        assert slot.future is not None
        try:
            done = slot.future.result()
        except BrokenProcessPool:
            self.close(wait=False)
            for item in slot.items:
                yield from self._alone(item, died)
            return
        for results in done:
            yield from results

    def _alone(self, item: Item, died: Callable[[Item], Result]) -> list[Result]:
        """``item`` in a pool of its own, so that a process that dies names its item."""
        with self._new(1) as alone:
            try:
                (results,) = alone.submit(self.work, [item]).result()
            except BrokenProcessPool:
                return [died(item)]
        return results

    def close(self, wait: bool = True) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=wait, cancel_futures=True)
            self.executor = None


def _reducers() -> tuple[str, ...]:
    """The modules that registered this process's pickle reducers (``copyreg``): a worker that
    does not start as a copy of this process imports them, so that what pickles here pickles
    there (perfscore's rulesets and reports register theirs where they are defined)."""
    found = {getattr(reducer, "__module__", None) for reducer in copyreg.dispatch_table.values()}
    return tuple(sorted(m for m in found if isinstance(m, str) and m != "copyreg"))


def _start(modules: tuple[str, ...], setup: Callable[..., None], args: tuple[object, ...]) -> None:
    for module in modules:
        importlib.import_module(module)
    setup(*args)
