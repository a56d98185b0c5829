"""The limits count in the production cache, Redis, so every web process sees one count:
attempts counted by another process add up with this one's (CACHE_URL)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from servicedesk import throttling
from servicedesk.throttling import Rate

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

OTHER_PROCESS = """
import django
django.setup()
from servicedesk import throttling
from servicedesk.throttling import Rate
for _ in range(3):
    throttling.hit("login-account", "l2", Rate.parse("5/15min"))
"""


@pytest.fixture
def redis_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_two_processes_share_one_count(redis_cache):
    rate = Rate.parse("5/15min")
    throttling.hit("login-account", "l2", rate)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": redis_cache,
    }
    subprocess.run([sys.executable, "-c", OTHER_PROCESS], cwd=ROOT, env=env, check=True)
    assert throttling.peek("login-account", "l2", rate).count == 4
    assert throttling.hit("login-account", "l2", rate).allowed  # the 5th
    assert not throttling.hit("login-account", "l2", rate).allowed  # the 6th


def test_a_count_expires_with_its_window(redis_cache):
    rate = Rate.parse("1/2s")
    # Windows are aligned to the clock: start at the beginning of one, so both hits
    # below fall into the same window even on a loaded machine.
    time.sleep(2 - time.time() % 2 + 0.01)
    assert throttling.hit("api-token", "token-1", rate).allowed
    verdict = throttling.hit("api-token", "token-1", rate)
    assert not verdict.allowed
    assert 1 <= verdict.retry_after <= 2
