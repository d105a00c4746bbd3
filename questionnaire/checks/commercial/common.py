"""Shared pieces of the commercial-API judges: findings, reasons for UNKNOWN, domains, geographies."""

from __future__ import annotations

import re
from typing import Any, Iterable

from questionnaire.checks.registry import Verdict
from questionnaire.findings import Finding, RawResponse, Status


def finding(check_id: str, dep: Any, status: Status, declared: Any, observed: Any, message: str,
            raws: Iterable[Any] = (), subject: str | None = None) -> Finding:
    return Verdict(check_id, getattr(dep, "id", dep), None, declared, subject).finding(status, observed, message, raws)


def reason(raw: RawResponse) -> str:
    """Why a call gives no answer, in words (the key never appears: the client scrubbed it)."""
    code = (raw.error or {}).get("code") or "?"
    where = f"{raw.service} GET {raw.params.get('path', raw.operation)}"
    key_env = "OPENAI_ADMIN_KEY" if raw.service == "openai" else "ANTHROPIC_ADMIN_KEY"
    text = {
        "HTTP401": f"{where}: the admin key was rejected (401); set {key_env} to an Admin API key",
        "HTTP403": f"{where}: the admin key may not read this (403)",
        "HTTP404": f"{where}: not found (404); the endpoint or object does not exist for this organization",
        "HTTP429": f"{where}: rate-limited (429) after retries",
        "Timeout": f"{where}: timed out",
        "EndpointUnreachable": f"{where}: endpoint unreachable",
        "BadPagination": f"{where}: the list's pagination is inconsistent",
        "TooManyPages": f"{where}: too many pages; not all items were read",
        "BadResponse": f"{where}: the response is not a JSON object",
    }.get(code)
    if text is None and code.startswith("HTTP5"):
        text = f"{where}: provider error ({code[4:]}) after retries"
    return text or f"{where} failed: {code}"


def unknown(check_id: str, dep: Any, declared: Any, raw: RawResponse, subject: str | None = None) -> Finding:
    return finding(check_id, dep, Status.UNKNOWN, declared, None, f"not verified: {reason(raw)}", [raw], subject)


def company_domains(profile: Any) -> tuple[list[str], str]:
    """The company's e-mail domains and where they come from (declared, or the security contact's)."""
    org = profile.organization
    declared = [d.lower().lstrip("@") for d in (getattr(org, "email_domains", None) or [])]
    if declared:
        return declared, "organization.email_domains"
    contact = org.security_contact or ""
    if "@" in contact:
        return [contact.rsplit("@", 1)[1].lower()], "the domain of organization.security_contact (declare organization.email_domains)"
    return [], "none declared"


def on_domains(email: str | None, domains: list[str]) -> bool:
    if not email or "@" not in email:
        return False
    host = email.rsplit("@", 1)[1].lower()
    return any(host == d or host.endswith("." + d) for d in domains)


_EU = {"eu", "europe", "eea", "european union", "germany", "ireland", "france", "netherlands", "sweden", "italy",
       "spain", "belgium", "austria", "finland", "denmark", "poland"}
_NAMES = {"us": "us", "usa": "us", "united states": "us", "united states of america": "us", "global": "global",
          "worldwide": "global", "any": "global", "japan": "jp", "korea": "kr", "south korea": "kr", "canada": "ca",
          "singapore": "sg", "india": "in", "australia": "au", "united kingdom": "gb", "uk": "gb", "gb": "gb",
          "uae": "ae", "united arab emirates": "ae"}
_AWS_PREFIX = {"us": "us", "eu": "eu", "ca": "ca", "ap-northeast-1": "jp", "ap-northeast-3": "jp", "ap-northeast-2": "kr",
               "ap-southeast-1": "sg", "ap-southeast-2": "au", "ap-south": "in", "me-central-1": "ae"}


def geo(region: str) -> str | None:
    """A declared region as a geography code (us, eu, jp, ..., global), or None when unknown."""
    r = region.strip().lower()
    if r in _NAMES:
        return _NAMES[r]
    if r in _EU:
        return "eu"
    for prefix, g in sorted(_AWS_PREFIX.items(), key=lambda kv: -len(kv[0])):
        if re.match(rf"^{re.escape(prefix)}(-|$)", r):
            return g
    return None


def declared_geos(regions: Iterable[str]) -> set[str | None]:
    return {geo(r) for r in regions}
