"""The in-memory redis, the Supabase read-through cache and the task queue."""

from __future__ import annotations

from src.app.infrastructure.scheduler.cloud_tasks import CloudTasksQueue
from src.app.infrastructure.supabase.utils.redis_cache import RedisCache
from src.app.infrastructure.utils.redis_helpers import get_json, remember, set_json
from src.app.infrastructure.utils.redis_helpers_core import InMemoryRedis


def test_redis_keys_expire():
    now = [0.0]
    redis = InMemoryRedis(clock=lambda: now[0])
    set_json(redis, "a", {"x": 1}, ttl=10)
    redis.set("b", "kept")
    assert redis.ttl("a") == 10 and redis.ttl("b") == -1
    now[0] = 10.0
    assert get_json(redis, "a") is None and redis.keys() == ["b"]
    assert remember(redis, "c", None, lambda: [1, 2]) == [1, 2] == get_json(redis, "c")


def test_read_through_cache_counts_hits_and_misses():
    cache = RedisCache(InMemoryRedis(), ttl=60)
    loads = []
    for _ in range(3):
        cache.get_or_load("users", "42", lambda: loads.append(1) or {"id": 42})
    assert (cache.misses, cache.hits, len(loads)) == (1, 2, 1)
    assert cache.invalidate("users", "42") and not cache.invalidate("users", "42")


def test_task_queue_runs_only_due_tasks():
    queue = CloudTasksQueue("q", clock=lambda: 100.0)
    queue.enqueue("echo", {"n": 1})
    queue.enqueue("echo", {"n": 2}, delay=60)
    queue.enqueue("missing")
    results = queue.run_due({"echo": lambda p: p["n"]})
    assert [r for _, r in results] == [1]
    assert [t.payload for t in queue.pending()] == [{"n": 2}]
    assert [t.name for t, _ in queue.failed] == ["missing"]
