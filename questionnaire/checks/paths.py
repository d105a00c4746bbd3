"""Deterministic bundle paths of raw responses (shared by the AWS runner and the other providers)."""

from __future__ import annotations

import json
from typing import Callable

from questionnaire.findings import RawResponse


def number_paths(raws: list[RawResponse], base_of: Callable[[RawResponse], str]) -> None:
    """``path = <base>.json``, then ``<base>-2.json``, ... in the order given."""
    seen: dict[str, int] = {}
    for r in raws:
        base = base_of(r)
        n = seen.get(base, 0) + 1
        seen[base] = n
        r.path = f"{base}.json" if n == 1 else f"{base}-{n}.json"


def assign_paths(raws: list[RawResponse], base_of: Callable[[RawResponse], str] | None = None) -> None:
    """Deterministic bundle paths: raw/<region|global>/<service>/<operation>[-n].json (or ``base_of(r)`` + [-n].json)."""
    base_of = base_of or (lambda r: f"raw/{r.region or 'global'}/{r.service}/{r.operation}")
    order = sorted(raws, key=lambda r: (base_of(r), json.dumps(r.params, sort_keys=True, default=str)))
    number_paths(order, base_of)
