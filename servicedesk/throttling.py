"""Counting attempts in fixed time windows, in the shared cache.

One counter per (scope, who, window): `cache.add` starts it at zero and `cache.incr`
counts, both atomic on Redis, so every web process sees the same count. The window's
number is part of the key, so a backend whose `incr` resets the expiry (the database and
file caches) still starts a new count when the window ends.

A rate reads "count/period" with the period in s, min, h or d and an optional multiple:
"5/15min" allows five attempts in each quarter of an hour.
"""

import hashlib
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        match = _RATE.match(text.lower())
        if not match or match.group(3) not in _UNITS or int(match.group(1)) < 1:
            raise ImproperlyConfigured(f"Not a rate (e.g. 5/15min): {text!r}")
        multiple = int(match.group(2) or 1)
        return cls(limit=int(match.group(1)), period=multiple * _UNITS[match.group(3)])

    @classmethod
    def from_setting(cls, name: str) -> "Rate":
        return cls.parse(getattr(settings, name))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends


def _key(scope: str, who: str, window: int) -> str:
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}:{window}"


def _window(rate: Rate, now: float) -> tuple[int, int]:
    window = int(now // rate.period)
    retry_after = max(1, math.ceil((window + 1) * rate.period - now))
    return window, retry_after


def hit(scope: str, who: str, rate: Rate) -> Verdict:
    """Count one attempt; allowed while the count stays within the rate's limit."""
    window, retry_after = _window(rate, time.time())
    key = _key(scope, who, window)
    cache.add(key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rate.period + 1)
        count = 1
    return Verdict(allowed=count <= rate.limit, count=count, retry_after=retry_after)


def peek(scope: str, who: str, rate: Rate) -> Verdict:
    """The current window's count, without counting; not allowed once the limit is reached."""
    window, retry_after = _window(rate, time.time())
    count = cache.get(_key(scope, who, window), 0)
    return Verdict(allowed=count < rate.limit, count=count, retry_after=retry_after)


def reset(scope: str, who: str, rate: Rate) -> None:
    window, _ = _window(rate, time.time())
    cache.delete(_key(scope, who, window))


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind NUM_PROXIES proxies the address the
    outermost trusted proxy put in X-Forwarded-For (what a client writes there itself is
    further left and ignored)."""
    proxies = settings.NUM_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    return addresses[-min(proxies, len(addresses))] if addresses else remote


class SettingRateThrottle(BaseThrottle):
    """A django-ninja throttle on these counters: `ident(request)` names who is counted
    (None: not counted), the rate is read from a setting on each request (so it can be
    changed without a restart of the tests). ninja answers 429 with Retry-After."""

    def __init__(self, scope: str, setting: str, ident: Callable[[HttpRequest], str | None]):
        self.scope = scope
        self.setting = setting
        self.ident = ident
        self._last = threading.local()  # wait() belongs to this thread's last request

    def allow_request(self, request: HttpRequest) -> bool:
        who = self.ident(request)
        if who is None:
            self._last.retry_after = None
            return True
        verdict = hit(self.scope, who, Rate.from_setting(self.setting))
        self._last.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self._last, "retry_after", None)
