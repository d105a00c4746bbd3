"""Findings for the example profile (compliant and drifted), built by hand from the stable check ids."""

from __future__ import annotations

from pathlib import Path

from questionnaire.catalog import known_check_ids
from questionnaire.findings import Finding, Status
from questionnaire.profile import load_profile

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "evidence" / "examples" / "acme" / "profile.yaml"
CONTRACT = ROOT.parent / "shared" / "contract" / "profile.yaml"

GLOBAL_CHECKS = {"identity.account_matches", "repo.secrets.not_in_files", "repo.secrets.excluded_from_agent_context"}


def example_profile():
    return load_profile(EXAMPLE).profile


def compliant_findings() -> list[Finding]:
    out = []
    for cid in sorted(known_check_ids()):
        if cid == "declared.not_verifiable":
            out.append(Finding(cid, "marketing-drafts", None, Status.UNKNOWN, 30, None,
                               "provider retention of the OpenAI API cannot be read from AWS"))
            continue
        if cid == "bedrock.provider_retention.declared_only":  # no AWS API can tell: always UNKNOWN
            out.append(Finding(cid, "insights-assistant", None, Status.UNKNOWN, 0, None, "declared only: no AWS API shows it"))
            continue
        region = None if cid in GLOBAL_CHECKS or cid.startswith(("commercial.", "azure.", "vertex.")) else "eu-west-1"
        dep = (None if cid.startswith("repo.") else "marketing-drafts" if cid.startswith("commercial.")
               else "support-copilot" if cid.startswith("azure.") else "ticket-summaries" if cid.startswith("vertex.")
               else "insights-assistant")
        subject = "acme/insights/db-credentials" if cid == "secretsmanager.secret.rotation" else None
        out.append(Finding(cid, dep, region, Status.PASS, True, True, "as declared", subject=subject))
    return out


DRIFT = {
    "bedrock.invocation_logging.enabled": "model invocation logging is disabled",
    "iam.agent_role.least_privilege": "role insights-assistant has bedrock:* and iam:PassRole on *",
}


def drifted_findings(drift: dict[str, str] = DRIFT) -> list[Finding]:
    out = []
    for f in compliant_findings():
        if f.check_id in drift:
            f = Finding(f.check_id, f.deployment, f.region, Status.FAIL, True, False, drift[f.check_id],
                        evidence=("raw/eu-west-1/bedrock/GetModelInvocationLoggingConfiguration.json",))
        out.append(f)
    return out
