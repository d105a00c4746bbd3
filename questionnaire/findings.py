"""Findings (the judged result of a check) and raw responses (what was observed).

Pure data: no boto3 here. Both serialise to plain JSON with stable key order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:  # "PASS", not "Status.PASS"
        return self.value


@dataclass(frozen=True)
class Finding:
    """One check's verdict for one deployment (and region, if regional).

    ``evidence`` lists the bundle paths of the raw responses that support the
    verdict (``raw/<region>/<service>/<operation>[-n].json``).
    ``controls`` maps framework name -> control ids (filled by the mapping).
    """

    check_id: str
    deployment: str | None
    region: str | None
    status: Status
    declared: Any
    observed: Any
    message: str
    evidence: tuple[str, ...] = ()
    subject: str | None = None  # e.g. a secret name when one check yields several findings
    controls: dict[str, list[str]] = field(default_factory=dict)
    account: str | None = None  # the AWS account read, when a run reads several (not part of the id)

    @property
    def id(self) -> str:
        parts = [self.check_id, self.deployment or "-", self.region or "global"]
        if self.subject:
            parts.append(self.subject)
        return ":".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out = {"account": self.account} if self.account else {}
        return out | {
            "id": self.id,
            "check_id": self.check_id,
            "deployment": self.deployment,
            "region": self.region,
            "subject": self.subject,
            "status": self.status.value,
            "declared": self.declared,
            "observed": self.observed,
            "message": self.message,
            "evidence": list(self.evidence),
            "controls": {k: list(v) for k, v in sorted(self.controls.items())},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        return cls(
            check_id=d["check_id"],
            deployment=d.get("deployment"),
            region=d.get("region"),
            status=Status(d["status"]),
            declared=d.get("declared"),
            observed=d.get("observed"),
            message=d.get("message", ""),
            evidence=tuple(d.get("evidence") or ()),
            subject=d.get("subject"),
            controls={k: list(v) for k, v in (d.get("controls") or {}).items()},
            account=d.get("account"),
        )


@dataclass
class RawResponse:
    """One AWS API call as it was made: what was asked, what came back.

    ``path`` is the file name inside the bundle, assigned by the recorder
    (``raw/<region or global>/<service>/<operation>[-n].json``). ``error`` is
    ``{"code": ..., "message": ...}`` when the call failed.
    """

    service: str
    operation: str
    region: str | None
    params: dict[str, Any]
    response: Any
    timestamp: str
    request_id: str | None = None
    error: dict[str, str] | None = None
    path: str = ""
    emulated: bool = False
    account: str | None = None  # the AWS account read, when a run reads several (else not recorded)

    def to_dict(self) -> dict[str, Any]:
        out = {"account": self.account} if self.account else {}
        return out | {
            "service": self.service,
            "operation": self.operation,
            "region": self.region,
            "params": self.params,
            "timestamp": self.timestamp,
            "request_id": self.request_id,
            "error": self.error,
            "emulated": self.emulated,
            "response": self.response,
        }


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for f in findings:
        counts[f.status.value] += 1
    return counts


def findings_document(findings: list[Finding], **extra: Any) -> dict[str, Any]:
    """The `check --json` shape of the contract: {"findings": [...], "summary": {...}}."""
    doc: dict[str, Any] = dict(extra)
    doc["summary"] = summarize(findings)
    doc["findings"] = [f.to_dict() for f in findings]
    return doc
