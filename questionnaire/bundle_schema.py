"""Shape checks for what a bundle's JSON members must hold, so that a hostile or broken bundle is
reported as invalid (``verify`` exit 1) instead of crashing a reader later.

Pure functions: each returns a list of one-line problems (empty = fine).
"""

from __future__ import annotations

import json
from typing import Any

STATUSES = ("PASS", "FAIL", "UNKNOWN")
MAX_JSON_DEPTH = 64


def _depth_ok(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    stack = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if d > limit:
            return False
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return True


def load_json(data: bytes, name: str) -> tuple[Any, list[str]]:
    """Parse a member; deep nesting, bad UTF-8 or bad JSON are problems, never exceptions."""
    try:
        value = json.loads(data)
    except RecursionError:
        return None, [f"{name}: JSON nested too deeply"]
    except (ValueError, UnicodeDecodeError):
        return None, [f"{name}: not valid JSON"]
    if not _depth_ok(value):
        return None, [f"{name}: JSON nested more than {MAX_JSON_DEPTH} levels"]
    return value, []


def _str_or_none(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def finding_problems(i: int, d: Any) -> list[str]:
    where = f"findings.json: finding #{i + 1}"
    if not isinstance(d, dict):
        return [f"{where}: not an object"]
    p = []
    if not isinstance(d.get("check_id"), str) or not d.get("check_id"):
        p.append(f"{where}: check_id must be a non-empty string")
    if d.get("status") not in STATUSES:
        p.append(f"{where}: status must be one of {', '.join(STATUSES)}")
    for k in ("deployment", "region", "subject", "account"):
        if not _str_or_none(d.get(k)):
            p.append(f"{where}: {k} must be a string or null")
    if not isinstance(d.get("message", ""), str):
        p.append(f"{where}: message must be a string")
    if not _str_list(d.get("evidence", [])):
        p.append(f"{where}: evidence must be a list of bundle paths")
    controls = d.get("controls", {})
    if not isinstance(controls, dict) or not all(isinstance(k, str) and _str_list(v) for k, v in controls.items()):
        p.append(f"{where}: controls must map framework names to lists of control ids")
    return p


def findings_doc_problems(doc: Any) -> list[str]:
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        return ["findings.json: not a valid findings document (no findings list)"]
    out: list[str] = []
    for i, d in enumerate(doc["findings"]):
        out += finding_problems(i, d)
    return out


_PREDICATE_LISTS = ("check_ids", "regions", "errors", "emulated")


def predicate_problems(pred: dict[str, Any]) -> list[str]:
    """The predicate fields readers use (verify's summary, answers' metadata) have the right types."""
    p = []
    for k in _PREDICATE_LISTS:
        if k in pred and not _str_list(pred[k]):
            p.append(f"manifest.json: predicate.{k} must be a list of strings")
    for k in ("started", "ended"):
        if not _str_or_none(pred.get(k)):
            p.append(f"manifest.json: predicate.{k} must be a string")
    summary = pred.get("findings_summary", {})
    if not isinstance(summary, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in summary.values()):
        p.append("manifest.json: predicate.findings_summary must map statuses to counts")
    total = pred.get("redactions_total", 0)
    if not isinstance(total, int) or isinstance(total, bool):
        p.append("manifest.json: predicate.redactions_total must be a number")
    collector = pred.get("collector", {})
    if not isinstance(collector, dict) or not all(_str_or_none(v) for v in collector.values()):
        p.append("manifest.json: predicate.collector must hold strings")
    return p + org_problems(pred)


def org_problems(pred: dict[str, Any]) -> list[str]:
    """A run over several accounts: ``accounts`` maps ids to how they were reached; ``org`` lists the accounts
    of the organization and those covered. Unsharded (or merged), it must cover every account listed."""
    p = []
    accounts = pred.get("accounts", {})
    if not isinstance(accounts, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in accounts.items()):
        p.append("manifest.json: predicate.accounts must map account ids to objects")
    org = pred.get("org")
    if org is None:
        return p
    if not isinstance(org, dict) or not _str_list(org.get("accounts")) or not _str_list(org.get("covered")):
        return p + ["manifest.json: predicate.org must list accounts and covered (lists of account ids)"]
    shard = org.get("shard")
    listed, covered = set(org["accounts"]), set(org["covered"])
    if shard is not None and not (isinstance(shard, list) and len(shard) == 2 and all(isinstance(x, int) for x in shard)
                                  and 1 <= shard[0] <= shard[1]):
        p.append("manifest.json: predicate.org.shard must be [I, N] or null")
    if not covered <= listed:
        p.append(f"manifest.json: predicate.org covers {len(covered - listed)} account(s) it does not list")
    elif shard is None and covered != listed:
        p.append(f"manifest.json: predicate.org covers {len(covered)} of the {len(listed)} accounts it lists "
                 "(an unsharded or merged bundle covers every account)")
    return p
