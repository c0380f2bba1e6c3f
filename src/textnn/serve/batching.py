"""Micro-batching: concurrent requests gathered into one model call.

Requests put their texts on a queue; one worker takes what is waiting, up to `max_batch`
texts, waiting at most `max_wait_ms` for more once the first has come, runs the model once in
a thread (the event loop keeps accepting meanwhile) and hands each request its rows. With
`max_batch` 1 every text is its own call: batching off, for comparison. The queue is bounded
in texts; a request that would overfill it is refused at once (`QueueFull`: the server's 503)
rather than left to wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


class QueueFull(Exception):
    """The queue holds as many texts as it may: try again shortly."""


@dataclass
class _Job:
    texts: list[str]
    future: asyncio.Future
    queued: float = field(default_factory=time.perf_counter)


class MicroBatcher:
    def __init__(
        self,
        run: Callable[[list[str]], np.ndarray],
        max_batch: int,
        max_wait_ms: float,
        max_queue: int,
        on_batch: Callable[[int], None] | None = None,
    ):
        """`run`: texts -> <float32>[n, classes], called from a worker thread, one call at a
        time; `on_batch(size)`: told each call's size (the metrics' histogram)."""
        self.run, self.max_batch, self.max_wait = run, max_batch, max_wait_ms / 1000
        self.max_queue, self.on_batch = max_queue, on_batch
        self.pending: list[_Job] = []
        self.queued_texts = 0
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task | None = None
        self._closing = False

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._worker = asyncio.get_running_loop().create_task(self._work())

    async def submit(self, texts: list[str]) -> np.ndarray:
        """<float32>[len(texts), classes] once the texts' batch has run."""
        if self._closing:
            raise QueueFull("the server is shutting down")
        if self.queued_texts + len(texts) > self.max_queue:
            raise QueueFull(f"{self.queued_texts} texts are queued (at most {self.max_queue})")
        job = _Job(texts, asyncio.get_running_loop().create_future())
        self.pending.append(job)
        self.queued_texts += len(texts)
        self._wake.set()
        return await job.future

    async def close(self) -> None:
        """Refuse new work, finish what is queued, stop the worker."""
        self._closing = True
        if self._worker is not None:
            self._wake.set()
            await self._worker

    async def _work(self) -> None:
        while True:
            if not self.pending:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            # The first job is here: give others up to max_wait to join, unless it is full.
            deadline = self.pending[0].queued + self.max_wait
            while self._waiting_texts() < self.max_batch and not self._closing:
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), left)
                except TimeoutError:
                    break
            jobs = self._take()
            texts = [t for job in jobs for t in job.texts]
            try:
                probs = await asyncio.to_thread(self._call, texts)
            except Exception as err:  # the model failed: each waiting request gets the error
                for job in jobs:
                    if not job.future.done():
                        job.future.set_exception(err)
                continue
            start = 0
            for job in jobs:
                if not job.future.done():  # a client that went away has cancelled its future
                    job.future.set_result(probs[start : start + len(job.texts)])
                start += len(job.texts)

    def _call(self, texts: list[str]) -> np.ndarray:
        if self.max_batch == 1:  # batching off: one text a call
            return np.concatenate([self._one_call(texts[i : i + 1]) for i in range(len(texts))])
        return self._one_call(texts)

    def _one_call(self, texts: list[str]) -> np.ndarray:
        if self.on_batch is not None:
            self.on_batch(len(texts))
        return self.run(texts)

    def _waiting_texts(self) -> int:
        return sum(len(job.texts) for job in self.pending)

    def _take(self) -> list[_Job]:
        """Jobs from the front, whole, up to max_batch texts (a larger request alone)."""
        taken, count = [], 0
        while self.pending and (not taken or count + len(self.pending[0].texts) <= self.max_batch):
            job = self.pending.pop(0)
            taken.append(job)
            count += len(job.texts)
        self.queued_texts -= count
        return taken
