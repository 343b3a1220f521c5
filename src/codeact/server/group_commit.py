"""Group commit: the writes of many threads in one SQLite transaction.

SQLite takes one writer at a time, so under load the server's turns queue for the write lock,
and what they wait for is mostly the commit, not their statements. Each writer puts its work in
a shared queue and then takes the lock; whoever holds it runs every queued work in one
transaction and commits once, and the writers whose work it took find it done when their turn
comes. Alone, a writer commits its own work, as before. A batch that fails is rolled back and
its works are retried one transaction each, so one bad write (a conversation deleted meanwhile)
fails only its own writer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

T = TypeVar("T")
Work = Callable[[sa.Connection], Any]


class _Job(Generic[T]):
    def __init__(self, work: Callable[[sa.Connection], T]) -> None:
        self.work = work
        self.done = False
        self.result: T | None = None
        self.error: BaseException | None = None

    def finish(self, result: T | None = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.done = result, error, True

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]  # set by finish() with the work's value


class GroupCommit:
    def __init__(self, engine: sa.Engine, lock: threading.Lock) -> None:
        self.engine, self.lock = engine, lock
        self._queued: list[_Job[Any]] = []
        self._queue_lock = threading.Lock()

    def run(self, work: Callable[[sa.Connection], T]) -> T:
        """Run `work` on a connection inside a committed transaction, and return its value."""
        job: _Job[T] = _Job(work)
        with self._queue_lock:
            self._queued.append(job)
        with self.lock:
            if not job.done:  # no earlier holder of the lock took it: commit what is queued
                with self._queue_lock:
                    batch, self._queued = self._queued, []
                self._commit_all(batch)
        return job.outcome()

    def _commit_all(self, batch: list[_Job[Any]]) -> None:
        try:
            if not self._commit(batch) and len(batch) > 1:
                for job in batch:
                    self._commit([job])
        finally:  # an interrupt in the middle still wakes every writer of the batch
            for job in batch:
                if not job.done:
                    job.finish(error=RuntimeError("the write was interrupted"))

    def _commit(self, batch: list[_Job[Any]]) -> bool:
        """One transaction for `batch`; False (nothing written) when it failed."""
        try:
            with self.engine.begin() as connection:
                results = [job.work(connection) for job in batch]
        except Exception as exc:
            if len(batch) == 1:
                batch[0].finish(error=exc)
            return False
        for job, result in zip(batch, results, strict=True):
            job.finish(result)
        return True
