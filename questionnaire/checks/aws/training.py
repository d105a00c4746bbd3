"""Training on customer data: model customization in the account, and the Organizations AI services
opt-out policy.

Bedrock itself never uses prompts to train models; what an account can show is whether the company
fine-tuned, distilled or imported models (``ListModelCustomizationJobs``, ``ListCustomModels``,
``ListImportedModels``; ``GetModelCustomizationJob.trainingDataConfig`` says from which S3 data or
from which invocation logs). Whether that data holds customer data is not visible: UNKNOWN, never PASS.
"""

from __future__ import annotations

import json
from typing import Any

from questionnaire.checks.registry import Verdict, check, err_code, ok

ORDER = 120

CUSTOMIZATION = "bedrock.customization.none_on_customer_data"
OPT_OUT = "organizations.ai_services_opt_out"
MAX_JOBS = 5  # GetModelCustomizationJob for the most recent jobs only (the listing names them all)


def collect_customization(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    out = {"jobs": ctx.pages("bedrock", "list_model_customization_jobs", region, maxResults=100, sortBy="CreationTime", sortOrder="Descending"),
           "custom": ctx.pages("bedrock", "list_custom_models", region, maxResults=100),
           "imported": ctx.pages("bedrock", "list_imported_models", region, maxResults=100), "details": []}
    for j in out["jobs"].items("modelCustomizationJobSummaries")[:MAX_JOBS]:
        out["details"].append(ctx.call("bedrock", "get_model_customization_job", region, jobIdentifier=j["jobArn"]))
    return out


def _sources(details: list[Any]) -> list[str]:
    out = []
    for d in details:
        cfg = (d.response or {}).get("trainingDataConfig") or {} if ok(d) else {}
        if cfg.get("invocationLogsConfig"):
            out.append(f"{(d.response or {}).get('jobName')}: trained on Bedrock invocation logs (prompts and outputs)")
        elif cfg.get("s3Uri"):
            out.append(f"{(d.response or {}).get('jobName')}: trained on {cfg['s3Uri']}")
    return out


@check(id=CUSTOMIZATION,
       title="No model trained on customer data in the account",
       topic="training",
       scope="region",
       profile_field="deployments[].training_on_customer_data",
       iam=["bedrock:ListModelCustomizationJobs", "bedrock:ListCustomModels", "bedrock:ListImportedModels",
            "bedrock:GetModelCustomizationJob"],
       proves="No model customization job, custom model or imported model exists in the region (PASS); a model "
              "distilled from invocation logs contradicts 'no training on customer data' (FAIL).",
       collect=collect_customization,
       applies=lambda d, p: not d.training_on_customer_data)
def judge_customization(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    declared = dep.training_on_customer_data
    v = v.declare(declared)
    raws = [*data["jobs"], *data["custom"], *data["imported"], *data["details"]]
    jobs = [j.get("jobName") for j in data["jobs"].items("modelCustomizationJobSummaries")]
    custom = [m.get("modelName") for m in data["custom"].items("modelSummaries")]
    imported = [m.get("modelName") for m in data["imported"].items("modelSummaries")]
    sources = _sources(data["details"])
    obs = {"customization_jobs": jobs, "custom_models": custom, "imported_models": imported, "training_data": sources}
    from_logs = [s for s in sources if "invocation logs" in s]
    if from_logs and not declared:
        return [v.fail(obs, f"declared no training on customer data, but a model was trained on invocation logs: {from_logs[0]}", raws)]
    for key in ("jobs", "custom", "imported"):
        if not ok(data[key]):
            return [v.unknown(data[key], extra=raws)]
    if jobs or custom or imported:
        what = ", ".join(filter(None, [f"{len(jobs)} customization job(s)" if jobs else "", f"{len(custom)} custom model(s)" if custom else "",
                                       f"{len(imported)} imported model(s)" if imported else ""]))
        return [v.undetermined(obs, f"not verified: the account has {what} in {region}; whether their training data holds customer "
                                    f"data is not visible ({'; '.join(sources[:2]) or 'training data not read'})", raws)]
    return [v.passed(obs, f"no model customization job, custom model or imported model in {region}: no model was trained in "
                          "this account", raws)]


def collect_opt_out(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"policy": ctx.call("organizations", "describe_effective_policy", "us-east-1", record_region=None,
                               PolicyType="AISERVICES_OPT_OUT_POLICY")}


def opt_out_setting(content: dict[str, Any], service: str = "default") -> str | None:
    v = ((content.get("services") or {}).get(service) or {}).get("opt_out_policy")
    return v.get("@@assign") if isinstance(v, dict) else v


@check(id=OPT_OUT,
       title="AI services opt-out policy opts out",
       topic="training",
       scope="global",
       profile_field="deployments[].training_on_customer_data",
       iam=["organizations:DescribeEffectivePolicy"],
       proves="The effective Organizations AISERVICES_OPT_OUT_POLICY opts every AWS AI service out of using content.",
       collect=collect_opt_out,
       applies=lambda d, p: not d.training_on_customer_data)
def judge_opt_out(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["policy"]
    v = v.at(None).declare({"training_on_customer_data": dep.training_on_customer_data})
    if err_code(raw) in ("EffectivePolicyNotFoundException", "AWSOrganizationsNotInUseException"):
        return [v.undetermined(None, "not verified: no AI services opt-out policy applies to the account (AWS AI services other "
                                     "than Bedrock may use content to improve their service; Bedrock does not)", [raw])]
    if not ok(raw):
        return [v.unknown(raw)]
    try:
        content = json.loads(((raw.response or {}).get("EffectivePolicy") or {}).get("PolicyContent") or "{}")
    except ValueError:
        return [v.undetermined(None, "not verified: the effective policy is not JSON", [raw])]
    default, bedrock = opt_out_setting(content), opt_out_setting(content, "bedrock")
    obs = {"default": default, "bedrock": bedrock, "services": sorted((content.get("services") or {}))}
    if "optIn" in (default, bedrock) and not dep.training_on_customer_data:
        return [v.fail(obs, "the AI services opt-out policy opts IN to content use", [raw])]
    if default == "optOut":
        return [v.passed(obs, "the organisation's AI services opt-out policy opts out every AI service", [raw])]
    return [v.undetermined(obs, "not verified: the AI services opt-out policy does not opt out by default", [raw])]
