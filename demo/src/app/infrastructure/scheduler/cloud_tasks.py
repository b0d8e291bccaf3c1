"""Deferred work, in the shape of a Google Cloud Tasks queue.

Production pushes tasks to Cloud Tasks, which calls back into the app when they are due.
This in-memory queue keeps the same contract (named task, JSON payload, schedule time) so
the services can enqueue work the same way everywhere; `run_due` plays the callback.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

TaskHandler = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Task:
    task_id: str
    name: str
    queue: str
    eta: float
    payload: dict[str, Any] = field(default_factory=dict)


class CloudTasksQueue:
    def __init__(self, queue: str = "default", clock: Callable[[], float] = time.time) -> None:
        self.queue = queue
        self._clock = clock
        self._tasks: list[Task] = []
        self._ids = itertools.count(1)
        self.failed: list[tuple[Task, str]] = []

    def enqueue(self, name: str, payload: dict[str, Any] | None = None, delay: float = 0.0) -> Task:
        task = Task(
            task_id=f"{self.queue}-{next(self._ids)}",
            name=name,
            queue=self.queue,
            eta=self._clock() + delay,
            payload=dict(payload or {}),
        )
        self._tasks.append(task)
        return task

    def pending(self) -> list[Task]:
        return sorted(self._tasks, key=lambda t: (t.eta, t.task_id))

    def due(self, now: float | None = None) -> list[Task]:
        now = self._clock() if now is None else now
        return [t for t in self.pending() if t.eta <= now]

    def run_due(
        self, handlers: Mapping[str, TaskHandler], now: float | None = None
    ) -> list[tuple[Task, Any]]:
        """Run every due task once; tasks without a handler, or whose handler raises, fail."""
        results = []
        for task in self.due(now):
            self._tasks.remove(task)
            handler = handlers.get(task.name)
            if handler is None:
                self.failed.append((task, f"no handler for {task.name!r}"))
                continue
            try:
                results.append((task, handler(task.payload)))
            except Exception as exc:  # a failed task must not stop the others
                self.failed.append((task, f"{type(exc).__name__}: {exc}"))
        return results
