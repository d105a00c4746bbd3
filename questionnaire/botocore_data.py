"""Region data from botocore's bundled ``endpoints.json``, read without importing botocore and parsed once
per botocore release (the result is kept in the user cache, keyed by the file's bytes)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any


def _endpoints_file() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "endpoints.json"


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return {"regions": [], "descriptions": {}}
    regions: set[str] = set()
    descriptions: dict[str, str] = {}
    for partition in data.get("partitions", []):
        for code, meta in (partition.get("regions") or {}).items():
            regions.add(code)
            if isinstance(meta, dict) and meta.get("description"):
                descriptions[code] = meta["description"]
    return {"regions": sorted(regions), "descriptions": descriptions}


@lru_cache(maxsize=1)
def endpoints() -> dict[str, Any]:
    """{"regions": [every region code], "descriptions": {code: "Europe (Ireland)"}}; empty without botocore."""
    from questionnaire import knowledge_cache as kc

    path = _endpoints_file()
    try:
        raw = path.read_bytes() if path is not None else b""
    except OSError:
        raw = b""
    if not raw:
        return {"regions": [], "descriptions": {}}
    return kc.cached("endpoints", kc.key("endpoints", raw), lambda: _parse(raw))


def region_codes() -> frozenset[str]:
    return frozenset(endpoints()["regions"])


def region_descriptions() -> dict[str, str]:
    return endpoints()["descriptions"]
