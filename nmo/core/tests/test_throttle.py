"""The throttle's counters on the caches it runs on: local memory (tests, one process)
and Redis (production, REDIS_URL). The Redis case is skipped when no Redis answers at
THROTTLE_TEST_REDIS_URL (default redis://127.0.0.1:6379/15)."""

import os
import time
import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings

from nmo.core.throttle import (
    Counter,
    read_standing,
    register_failure,
    remember,
    reserve,
    reset_throttle,
)

REDIS_URL = os.environ.get("THROTTLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # any failure means: no Redis here
        return False


def _redis_cache() -> dict[str, dict[str, object]]:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }


def exercise() -> None:
    scope = "test"
    own = Counter("user:1", limit=3, window=60)
    address = Counter("ip:10.0.0.1", limit=5, window=3600)
    fresh = read_standing(scope=scope, counters=[own, address], known="1@10.0.0.1")
    assert fresh.count(own) == 0
    assert fresh.retry_after(own) is None
    assert not fresh.known
    for _ in range(3):
        register_failure(scope=scope, counters=[own, address])
    standing = read_standing(scope=scope, counters=[own, address], known="1@10.0.0.1")
    assert standing.count(own) == 3
    assert standing.count(address) == 3
    assert 55 <= (standing.retry_after(own) or 0) <= 60  # the window began at the first failure
    assert standing.retry_after(address) is None
    reset_throttle(scope=scope, idents=[own.ident])
    remember(scope=scope, ident="1@10.0.0.1", ttl=60)
    after = read_standing(scope=scope, counters=[own, address], known="1@10.0.0.1")
    assert after.count(own) == 0
    assert after.count(address) == 3
    assert after.known
    assert after.known_since is not None
    assert after.known_since <= time.time()
    # A reservation counts the attempt before the check; a refund gives it back.
    guess = Counter("user:2", limit=2, window=60)
    first = reserve(scope=scope, counters=[guess])
    second = reserve(scope=scope, counters=[guess])
    third = reserve(scope=scope, counters=[guess])
    assert [r.reached(guess) for r in (first, second, third)] == [False, False, True]
    assert 55 <= (third.retry_after(guess) or 0) <= 60
    third.refund()
    first.refund()  # a success: its count given back, the other one stays a failure
    assert read_standing(scope=scope, counters=[guess]).count(guess) == 1


def test_counters_in_local_memory():
    cache.clear()
    exercise()


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at THROTTLE_TEST_REDIS_URL")
def test_counters_in_redis():
    with override_settings(CACHES=_redis_cache()):
        from django.core.cache import caches

        assert type(caches["default"]).__name__ == "RedisCache"
        try:
            exercise()
        finally:
            caches["default"].delete_pattern("*")  # this test's own prefix only
