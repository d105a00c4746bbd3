"""Which accounts a run covers: an organization's (``organizations:ListAccounts``), an ``--accounts`` file,
and the deterministic ``--shard I/N`` slice of them.

Shards are round-robin over the sorted account ids: shard ``I`` of ``N`` takes every ``N``-th account
starting at the ``I``-th, so N machines split an organization evenly with no coordinator, and
``bundle merge`` can check that the shards saw the same list.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from questionnaire.errors import InputFileError, UserInputError
from questionnaire.findings import RawResponse

ACCOUNT_RE = re.compile(r"^\d{12}$")
MAX_SHARDS = 10_000
MAX_ACCOUNTS_FILE_BYTES = 2 * 1024 * 1024


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``"2/4"`` -> (2, 4); None stays None; anything else is one clear line."""
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m:
        raise UserInputError(f"--shard {text!r}: expected I/N, e.g. 1/4 (shard I of N, counting from 1)")
    i, n = int(m.group(1)), int(m.group(2))
    if not 1 <= n <= MAX_SHARDS or not 1 <= i <= n:
        raise UserInputError(f"--shard {text!r}: I must be between 1 and N, and N between 1 and {MAX_SHARDS:,}")
    return i, n


def shard_accounts(accounts: list[str], shard: tuple[int, int] | None) -> list[str]:
    """The accounts of shard ``(i, n)``: sorted ids, every n-th from the i-th (all of them without a shard)."""
    ordered = sorted(set(accounts))
    if shard is None:
        return ordered
    i, n = shard
    return ordered[i - 1::n]


def read_accounts_file(path: Path) -> list[str]:
    """One account id per line (``#`` comments, blank lines; text after the id, e.g. ``,name``, is ignored)."""
    try:
        if path.is_dir():
            raise InputFileError(f"{path}: is a directory, expected a file of account ids")
        if path.stat().st_size > MAX_ACCOUNTS_FILE_BYTES:
            raise InputFileError(f"{path}: larger than 2 MB; expected one account id per line")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text; expected one account id per line") from None
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror}") from None
    seen: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        token = re.split(r"[\s,;]", line.split("#", 1)[0].strip(), maxsplit=1)[0].strip("\"'")
        if not token:
            continue
        if not ACCOUNT_RE.match(token):
            raise InputFileError(f"{path}:{n}: {token[:40]!r} is not a 12-digit AWS account id")
        if token in seen:
            raise InputFileError(f"{path}:{n}: account {token} is listed twice (first at line {seen[token]})")
        seen[token] = n
    if not seen:
        raise InputFileError(f"{path}: no account ids (one 12-digit id per line)")
    return list(seen)


def list_organization(call: Callable[..., RawResponse], max_pages: int = 1000) -> tuple[list[dict[str, Any]], list[RawResponse]]:
    """Every account of the organization (``call(**params) -> RawResponse`` of organizations:ListAccounts).

    Returns (accounts ``{"Id", "Name", "State"}``, the recorded pages). A failed page is an error: a partial
    list would silently leave accounts unchecked."""
    from questionnaire.errors import AwsError

    accounts: list[dict[str, Any]] = []
    raws: list[RawResponse] = []
    params: dict[str, Any] = {}
    for _ in range(max_pages):
        raw = call(**params)
        raws.append(raw)
        if raw.error is not None:
            code, msg = raw.error.get("code"), " ".join(str(raw.error.get("message", "")).split())[:160]
            hint = (" (call it from the management account or a delegated administrator, with organizations:ListAccounts)"
                    if code in ("AccessDenied", "AccessDeniedException", "AWSOrganizationsNotInUseException") else "")
            raise AwsError(f"organizations:ListAccounts failed ({code}: {msg}){hint}; use --accounts FILE instead")
        resp = raw.response or {}
        for a in resp.get("Accounts") or []:
            accounts.append({"Id": a.get("Id"), "Name": a.get("Name"), "State": a.get("State") or a.get("Status")})
        token = resp.get("NextToken")
        if not token:
            return accounts, raws
        params = {"NextToken": token}
    raise AwsError(f"organizations:ListAccounts returned more than {max_pages} pages; use --accounts FILE")


def active_ids(accounts: list[dict[str, Any]]) -> tuple[list[str], dict[str, str]]:
    """(ids of ACTIVE accounts, {id: state} of the others, which cannot be read: suspended, closing)."""
    active = [a["Id"] for a in accounts if str(a.get("State") or "ACTIVE").upper() == "ACTIVE" and a.get("Id")]
    other = {a["Id"]: str(a.get("State")) for a in accounts if a.get("Id") and a["Id"] not in active}
    return sorted(active), other
