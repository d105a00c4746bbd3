"""The Bedrock (and other) API state of the emulated account that moto lacks, as emulator handlers.

:meth:`BedrockExtras.table` maps (service, operation) to ``fn(params, region) -> response`` in the
shapes of botocore's service models; the same table serves the in-process emulators
(:func:`questionnaire.aws.emulators`) and the HTTP stand-in (:mod:`questionnaire.testing.bedrock_standin`).
"""

from __future__ import annotations

import datetime as _dt
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

ACCOUNT_ID = "123456789012"  # moto's default account = the example profile's account


@dataclass
class BedrockExtras:
    """Bedrock state moto lacks: models, guardrails, application inference profiles, per region."""

    models: dict[str, list[str]] = field(default_factory=dict)
    guardrails: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    inference_profiles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # account:ListRegions (moto lacks it): the regions enabled for the account; None = not emulated
    enabled_regions: list[str] | None = None
    # GetFoundationModelAvailability: region -> model id -> fields that differ from "access granted"
    access: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    provisioned: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Bedrock Agents action groups (moto has agents but not their action groups): agent id -> groups (GetAgentActionGroup shape)
    action_groups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    imported_models: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ai_opt_out: str | None = "optOut"  # the organisation's AISERVICES_OPT_OUT_POLICY default; None = no policy
    bedrock_api_keys: list[dict[str, Any]] = field(default_factory=list)  # ListServiceSpecificCredentials metadata
    # CloudTrail event history (moto lacks LookupEvents): region -> events (LookupEvents' Events shape), newest first
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # (service, operation) -> fn(params, region): faults and API responses a test adds after seeding
    # (returning None passes the call through to moto); served on top of table() by the drift matrix
    overrides: dict[tuple[str, str], Any] = field(default_factory=dict)

    def table(self) -> dict[tuple[str, str], Any]:
        return {
            ("account", "ListRegions"): self._list_regions,
            ("bedrock", "ListFoundationModels"): self._list_models,
            ("bedrock", "ListGuardrails"): self._list_guardrails,
            ("bedrock", "GetGuardrail"): self._get_guardrail,
            ("bedrock", "ListInferenceProfiles"): self._list_profiles,
            ("bedrock", "GetInferenceProfile"): self._get_profile,
            ("bedrock", "GetFoundationModelAvailability"): self._availability,
            ("bedrock", "GetProvisionedModelThroughput"): self._get_provisioned,
            ("bedrock", "ListImportedModels"): lambda p, r: {"modelSummaries": self.imported_models.get(r, [])},
            ("organizations", "DescribeEffectivePolicy"): self._effective_policy,
            ("iam", "ListServiceSpecificCredentials"): lambda p, r: {"ServiceSpecificCredentials": list(self.bedrock_api_keys),
                                                                      "IsTruncated": False},
            ("cloudtrail", "LookupEvents"): self._lookup_events,
            ("bedrock-agent", "ListAgentActionGroups"): self._list_action_groups,
            ("bedrock-agent", "GetAgentActionGroup"): self._get_action_group,
        }

    def _lookup_events(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        """Filtered by the one lookup attribute and StartTime (a datetime in-process, epoch seconds over HTTP)."""
        attrs = params.get("LookupAttributes") or []
        key, value = (attrs[0].get("AttributeKey"), attrs[0].get("AttributeValue")) if attrs else (None, None)
        start = params.get("StartTime")
        if isinstance(start, (int, float)):
            start = _dt.datetime.fromtimestamp(start, _dt.timezone.utc)
        out = [e for e in self.events.get(region, []) if key is None or e.get(key) == value]
        out = [e for e in out if start is None or e["EventTime"] >= start]
        return {"Events": out[:int(params.get("MaxResults") or 50)]}

    def _list_regions(self, params: dict[str, Any], region: str) -> dict[str, Any] | None:
        if self.enabled_regions is None:
            return None  # pass through (moto: not implemented -> the runner falls back to ec2:DescribeRegions)
        want = set(params.get("RegionOptStatusContains") or ["ENABLED", "ENABLED_BY_DEFAULT"])
        regs = [{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"} for r in sorted(self.enabled_regions)]
        return {"Regions": [r for r in regs if r["RegionOptStatus"] in want]}

    def _list_models(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        return {
            "modelSummaries": [
                {
                    "modelArn": f"arn:aws:bedrock:{region}::foundation-model/{m}",
                    "modelId": m,
                    "modelName": m.split(".", 1)[-1],
                    "providerName": m.split(".", 1)[0].title(),
                    "inputModalities": ["TEXT"],
                    "outputModalities": ["TEXT"],
                    "responseStreamingSupported": True,
                    "customizationsSupported": [],
                    "inferenceTypesSupported": ["ON_DEMAND"],
                    "modelLifecycle": {"status": "ACTIVE"},
                }
                for m in self.models.get(region, [])
            ]
        }

    def _list_guardrails(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        """Without guardrailIdentifier: the DRAFT of every guardrail; with it: every version of that one."""
        ident = params.get("guardrailIdentifier")
        out = []
        for g in self.guardrails.get(region, []):
            summary = {k: g[k] for k in ("id", "arn", "status", "name", "createdAt", "updatedAt")}
            if ident is None:
                out.append({**summary, "version": "DRAFT"})
            elif ident in (g["id"], g["arn"]):
                out += [{**summary, "version": v} for v in (g.get("versions") or {"DRAFT": None})]
        return {"guardrails": out}

    def _get_guardrail(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        from questionnaire.aws import EmulatedError

        ident = params.get("guardrailIdentifier")
        version = params.get("guardrailVersion") or "DRAFT"
        for g in self.guardrails.get(region, []):
            versions = g.get("versions") or {"DRAFT": g.get("policies")}
            if ident in (g["id"], g["arn"]):
                if version not in versions:
                    raise EmulatedError("ResourceNotFoundException", f"Guardrail {ident} version {version} not found", 404)
                out = {
                    "name": g["name"], "guardrailId": g["id"], "guardrailArn": g["arn"], "version": version,
                    "status": g["status"], "createdAt": g["createdAt"], "updatedAt": g["updatedAt"],
                    "blockedInputMessaging": "Sorry, I cannot help with that.",
                    "blockedOutputsMessaging": "Sorry, I cannot help with that.",
                }
                out.update(versions[version] or {})
                return out
        raise EmulatedError("ResourceNotFoundException", f"Guardrail {ident} not found", 404)

    def _availability(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        from questionnaire.aws import EmulatedError

        m = params.get("modelId")
        if m not in self.models.get(region, []):
            raise EmulatedError("ResourceNotFoundException", f"Model {m} not found", 404)
        out = {"modelId": m, "agreementAvailability": {"status": "AVAILABLE"}, "authorizationStatus": "AUTHORIZED",
               "entitlementAvailability": "AVAILABLE", "regionAvailability": "AVAILABLE"}
        out.update(self.access.get(region, {}).get(m, {}))
        return out

    def _get_profile(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        from questionnaire.aws import EmulatedError

        ident = params.get("inferenceProfileIdentifier")
        for p in self.inference_profiles.get(region, []):
            if ident in (p.get("inferenceProfileArn"), p.get("inferenceProfileId")):
                return dict(p)
        raise EmulatedError("ResourceNotFoundException", f"Inference profile {ident} not found", 404)

    def _get_provisioned(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        from questionnaire.aws import EmulatedError

        ident = params.get("provisionedModelId")
        for p in self.provisioned.get(region, []):
            if ident in (p.get("provisionedModelArn"), p.get("provisionedModelName")):
                return dict(p)
        raise EmulatedError("ResourceNotFoundException", f"Provisioned model {ident} not found", 404)

    def _effective_policy(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        from questionnaire.aws import EmulatedError

        if self.ai_opt_out is None:
            raise EmulatedError("EffectivePolicyNotFoundException", "No effective policy of type AISERVICES_OPT_OUT_POLICY", 400)
        content = {"services": {"default": {"opt_out_policy": self.ai_opt_out}}}
        return {"EffectivePolicy": {"PolicyContent": json.dumps(content), "TargetId": ACCOUNT_ID,
                                    "PolicyType": "AISERVICES_OPT_OUT_POLICY",
                                    "LastUpdatedTimestamp": _dt.datetime(2025, 1, 15, tzinfo=_dt.timezone.utc)}}

    def _list_action_groups(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        keys = ("actionGroupId", "actionGroupName", "actionGroupState", "description", "updatedAt")
        return {"actionGroupSummaries": [{k: g[k] for k in keys if k in g} for g in self.action_groups.get(params.get("agentId"), [])]}

    def _get_action_group(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        from questionnaire.aws import EmulatedError

        for g in self.action_groups.get(params.get("agentId"), []):
            if g["actionGroupId"] == params.get("actionGroupId"):
                return {"agentActionGroup": {**g, "agentId": params.get("agentId"), "agentVersion": params.get("agentVersion")}}
        raise EmulatedError("ResourceNotFoundException", "action group not found", 404)

    def _list_profiles(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        want = params.get("typeEquals")
        return {"inferenceProfileSummaries": [p for p in self.inference_profiles.get(region, []) if not want or p["type"] == want]}


def invocation_event(region: str, model_id: str, *, name: str = "InvokeModel", days_ago: float = 1.0) -> dict[str, Any]:
    """A CloudTrail management event of one Bedrock runtime call (LookupEvents' Events shape)."""
    when = (_dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(days=days_ago)).replace(microsecond=0)
    record = {"eventVersion": "1.09", "eventSource": "bedrock.amazonaws.com", "eventName": name, "awsRegion": region,
              "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "requestParameters": {"modelId": model_id},
              "responseElements": None, "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True,
              "recipientAccountId": ACCOUNT_ID, "eventCategory": "Management"}
    return {"EventId": f"emulated-{region}-{name}-{zlib.crc32(f'{model_id}/{days_ago}'.encode()):08x}", "EventName": name, "ReadOnly": "true",
            "EventTime": when, "EventSource": "bedrock.amazonaws.com", "Username": "insights-assistant",
            "Resources": [], "CloudTrailEvent": json.dumps(record)}
