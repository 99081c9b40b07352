"""With Redis down the cache misses instead of failing the page; with Redis up it is a normal cache."""

import os
import uuid

import pytest

from nexus_portal.cache import ResilientRedisCache


def cache_at(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})


def test_with_redis_down_reads_miss_and_writes_are_dropped():
    cache = cache_at("redis://127.0.0.1:1/0")
    assert cache.get("key", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    assert cache.add("submission:1", 1) is True  # the once-only guard lets the form through
    cache.set("key", 1)
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("key") is False
    cache.delete_many(["a"])
    assert cache.get_or_set("key", 5) == 5


@pytest.mark.redis
def test_with_redis_up_it_is_an_ordinary_cache():
    cache = cache_at(os.environ["REDIS_URL"])
    key = f"test-resilient-{uuid.uuid4().hex}"
    try:
        assert cache.add(key, "first", 30) is True
        assert cache.add(key, "second", 30) is False
        assert cache.get(key) == "first"
    finally:
        cache.delete(key)
