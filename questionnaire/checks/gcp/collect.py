"""Collectors: the read-only Google REST calls behind the Vertex checks (no judging here).

Each collector is ``fn(client, settings, dep) -> value`` where value is a RawResponse, or a dict of
them keyed by location / model. :data:`COLLECTORS` names them; a check lists the ones it needs and
the runner calls each needed collector once per deployment.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from questionnaire.checks.gcp.judges import audit_state
from questionnaire.findings import RawResponse

AUDIT_SERVICE = "aiplatform.googleapis.com"
MAX_ANCESTORS = 10


def locations(settings: Any, dep: Any) -> list[str]:
    return [loc for loc in settings.allowed_locations(list(dep.regions)) if loc != "global"]


def model_locations(settings: Any, dep: Any) -> list[str]:
    return locations(settings, dep) + (["global"] if settings.global_endpoint_allowed else [])


def split_model(model: str) -> tuple[str, str]:
    publisher, _, name = model.partition("/")
    return publisher, name


def project(client: Any, settings: Any, dep: Any) -> RawResponse:
    """The project (number, parent); read once per client and project."""
    memo = client.memo
    key = ("project", settings.project_id)
    if key not in memo:
        memo[key] = client.get("cloudresourcemanager", "projects.get", f"/v3/projects/{settings.project_id}")
    return memo[key]


def _policy(client: Any, resource: str) -> RawResponse:
    kind = resource.split("/", 1)[0]
    return client.post("cloudresourcemanager", f"{kind}.getIamPolicy", f"/v3/{resource}:getIamPolicy",
                       {"options": {"requestedPolicyVersion": 3}})


def iam_policies(client: Any, settings: Any, dep: Any) -> dict[str, Any]:
    """The project's IAM policy; when it does not turn Data Access logs on, its ancestors' too.

    Audit configs are inherited from folders and the organization, so a project-level policy
    without them proves nothing by itself. Reading ancestors needs org-level permissions.
    """
    out: dict[str, Any] = {"project": _policy(client, f"projects/{settings.project_id}"), "ancestors": [], "walk": []}
    if audit_state([out["project"]])["enabled"]:
        return out
    node = project(client, settings, dep)
    out["walk"].append(node)
    for _ in range(MAX_ANCESTORS):
        parent = (node.response or {}).get("parent") if node.error is None else None
        if not isinstance(parent, str) or not parent.startswith(("folders/", "organizations/")):
            break
        out["ancestors"].append(_policy(client, parent))
        if parent.startswith("organizations/"):
            break
        node = client.get("cloudresourcemanager", "folders.get", f"/v3/{parent}")
        out["walk"].append(node)
    return out


def audit_log(client: Any, settings: Any, dep: Any) -> RawResponse:
    """Data Access log entries of Vertex AI whose resource is in a location the profile does not allow."""
    allowed = locations(settings, dep) + (["global"] if settings.global_endpoint_allowed else [])
    since = (datetime.now(timezone.utc) - timedelta(days=settings.audit_log_window_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    pid = settings.project_id
    parts = [
        f'logName="projects/{pid}/logs/cloudaudit.googleapis.com%2Fdata_access"',
        f'protoPayload.serviceName="{AUDIT_SERVICE}"',
        f'timestamp>="{since}"',
        'protoPayload.resourceName:"/locations/"',
    ]
    if allowed:
        parts.append("NOT (" + " OR ".join(f'protoPayload.resourceName:"/locations/{loc}/"' for loc in allowed) + ")")
    body = {"resourceNames": [f"projects/{pid}"], "filter": " AND ".join(parts), "orderBy": "timestamp desc", "pageSize": 100}
    return client.post("logging", "entries.list", "/v2/entries:list", body, items="entries")


def endpoints(client: Any, settings: Any, dep: Any) -> dict[str, RawResponse]:
    pid = settings.project_id
    return {loc: client.get("aiplatform", "endpoints.list", f"/v1/projects/{pid}/locations/{loc}/endpoints",
                            location=loc, items="endpoints")
            for loc in locations(settings, dep)}


def model_configs(client: Any, settings: Any, dep: Any) -> dict[str, RawResponse]:
    out: dict[str, RawResponse] = {}
    pid = settings.project_id
    for model in settings.models:
        pub, name = split_model(model)
        for loc in model_locations(settings, dep):
            path = f"/v1beta1/projects/{pid}/locations/{loc}/publishers/{pub}/models/{name}:fetchPublisherModelConfig"
            out[f"{model}@{loc}"] = client.get("aiplatform", "publishers.models.fetchPublisherModelConfig", path, location=loc)
    return out


def cache_config(client: Any, settings: Any, dep: Any) -> RawResponse:
    return client.get("aiplatform", "projects.getCacheConfig", f"/v1/projects/{settings.project_id}/cacheConfig")


def org_policy(client: Any, settings: Any, dep: Any) -> RawResponse:
    path = f"/v2/projects/{settings.project_id}/policies/gcp.restrictNonCmekServices:getEffectivePolicy"
    return client.get("orgpolicy", "policies.getEffectivePolicy", path)


def cached_contents(client: Any, settings: Any, dep: Any) -> dict[str, RawResponse]:
    pid = settings.project_id
    return {loc: client.get("aiplatform", "cachedContents.list", f"/v1/projects/{pid}/locations/{loc}/cachedContents",
                            location=loc, items="cachedContents")
            for loc in locations(settings, dep)}


def perimeter(client: Any, settings: Any, dep: Any) -> RawResponse:
    return client.get("accesscontextmanager", "servicePerimeters.get", f"/v1/{settings.vpc_sc_perimeter}")


def floor_setting(client: Any, settings: Any, dep: Any) -> RawResponse:
    return client.get("modelarmor", "floorSetting.get", f"/v1/projects/{settings.project_id}/locations/global/floorSetting")


COLLECTORS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "project": project,
    "iam": iam_policies,
    "audit_log": audit_log,
    "endpoints": endpoints,
    "model_configs": model_configs,
    "cache_config": cache_config,
    "org_policy": org_policy,
    "cached_contents": cached_contents,
    "perimeter": perimeter,
    "floor_setting": floor_setting,
}

# "<api>.<operation>" of every call above -> the IAM permission it needs (tested against `gcp-role`)
OPERATION_PERMISSIONS = {
    "cloudresourcemanager.projects.getIamPolicy": "resourcemanager.projects.getIamPolicy",
    "cloudresourcemanager.folders.getIamPolicy": "resourcemanager.folders.getIamPolicy",
    "cloudresourcemanager.organizations.getIamPolicy": "resourcemanager.organizations.getIamPolicy",
    "cloudresourcemanager.projects.get": "resourcemanager.projects.get",
    "cloudresourcemanager.folders.get": "resourcemanager.folders.get",
    "logging.entries.list": "logging.privateLogEntries.list",  # the Data Access log is a private log
    "aiplatform.endpoints.list": "aiplatform.endpoints.list",
    "aiplatform.publishers.models.fetchPublisherModelConfig": "aiplatform.publisherModelConfigs.get",
    "aiplatform.projects.getCacheConfig": "aiplatform.cacheConfigs.get",
    "aiplatform.cachedContents.list": "aiplatform.cachedContents.list",
    "orgpolicy.policies.getEffectivePolicy": "orgpolicy.policy.get",
    "accesscontextmanager.servicePerimeters.get": "accesscontextmanager.servicePerimeters.get",
    "modelarmor.floorSetting.get": "modelarmor.floorSettings.get",
}
