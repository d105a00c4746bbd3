"""A token bucket per (account, region, service): the checks' request rate stays under AWS's throttling.

Rates come from ``templates/aws_rate_limits.yaml`` (with the page that documents each). Waiting happens
outside the lock, so a thread waiting for one bucket never holds up another account or service.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    stamp: float


@lru_cache(maxsize=1)
def default_rates() -> dict[str, tuple[float, float]]:
    """service -> (requests per second, burst); ``"*"`` is the default."""
    from questionnaire.knowledge_cache import yaml_file
    from questionnaire.resources import templates_dir

    data = yaml_file(templates_dir() / "aws_rate_limits.yaml")
    out = {"*": (float(data["default"]["rate"]), float(data["default"]["burst"]))}
    for name, v in (data.get("services") or {}).items():
        out[name] = (float(v["rate"]), float(v.get("burst", v["rate"])))
    return out


class RateLimiter:
    """``acquire(account, region, service)`` blocks until a request may go; returns the seconds waited."""

    def __init__(self, rates: dict[str, tuple[float, float]] | None = None, *, scale: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], Any] = time.sleep) -> None:
        self.rates = dict(rates if rates is not None else default_rates())
        self.scale = scale  # benchmarks: emulators answer faster than AWS, so the measured bound can be shown
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self.waited = 0.0
        self.requests = 0

    def _bucket(self, key: tuple[str, str, str], now: float) -> _Bucket:
        b = self._buckets.get(key)
        if b is None:
            rate, burst = self.rates.get(key[2]) or self.rates["*"]
            burst = max(1.0, burst * self.scale)
            b = self._buckets[key] = _Bucket(rate * self.scale, burst, burst, now)
        return b

    def acquire(self, account: str | None, region: str | None, service: str) -> float:
        key = (account or "-", region or "global", service)
        with self._lock:
            now = self._clock()
            b = self._bucket(key, now)
            b.tokens = min(b.burst, b.tokens + (now - b.stamp) * b.rate)
            b.stamp = now
            b.tokens -= 1.0  # reserve (may go negative: the wait below pays it back)
            wait = 0.0 if b.tokens >= 0 else -b.tokens / b.rate
            self.requests += 1
            self.waited += wait
        if wait > 0:
            self._sleep(wait)
        return wait
