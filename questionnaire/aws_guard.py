"""The read-only guard: an ALLOW-LIST of botocore operations, enforced on every boto3 client.

Exactly the botocore operations behind the IAM actions the registered checks declare (the check
registry calls :func:`allow_declared_actions` once; read at every call, so a new check needs no other
step), plus ``sts.GetCallerIdentity``. Everything else is refused before any request is built.
:data:`NEVER_ALLOWED` operations are refused even when a check declares them: they return secret
material, customer data or credentials.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Iterable

from questionnaire.errors import ReadOnlyViolation

ALWAYS_ALLOWED = frozenset({"sts.GetCallerIdentity"})
# The account-access session only (never a check's session): assume the read-only role in each account a
# multi-account run reads, and list the organization's accounts (``check --org``). AssumeRole changes nothing
# in the account it opens; it is allowed deliberately, on that session alone, and stays in NEVER_ALLOWED below.
ACCESS_OPERATIONS = frozenset({"sts.AssumeRole", "sts.GetCallerIdentity", "organizations.ListAccounts"})
NEVER_ALLOWED = frozenset(
    {
        "secretsmanager.GetSecretValue",
        "secretsmanager.BatchGetSecretValue",
        "secretsmanager.GetRandomPassword",
        "ssm.GetParameter",
        "ssm.GetParameters",
        "ssm.GetParametersByPath",
        "ssm.GetParameterHistory",
        "s3.GetObject",
        "s3.GetObjectTorrent",
        "s3.SelectObjectContent",
        "logs.GetLogEvents",
        "logs.FilterLogEvents",
        "logs.GetQueryResults",
        "logs.StartLiveTail",
        "logs.GetLogRecord",
        "lambda.GetFunction",
        "lambda.GetFunctionConfiguration",
        "ecr.GetAuthorizationToken",
        "ec2.GetPasswordData",
        "kms.GetParametersForImport",
        "kms.Decrypt",
        "sts.GetSessionToken",
        "sts.GetFederationToken",
        "sts.GetWebIdentityToken",
        "sts.AssumeRole",
        "bedrock-runtime.InvokeModel",
    }
)
DENIED_OPERATIONS = NEVER_ALLOWED  # older name

# IAM action prefix -> botocore service name, where they differ
SERVICE_FOR_IAM_PREFIX: dict[str, str] = {}

# boto3 operation -> IAM action, where they differ (default: "<service>:<Operation>").
IAM_ACTION_OVERRIDES = {
    "s3.GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3.GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3.GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3.GetBucketVersioning": "s3:GetBucketVersioning",
    "s3.GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3control.GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
}

# boto3 service name -> IAM prefix, where they differ
IAM_PREFIXES = {"bedrock-agent": "bedrock", "bedrock-runtime": "bedrock", "bedrock-agent-runtime": "bedrock", "s3control": "s3"}
_OPERATION_FOR_ACTION = {action: op for op, action in IAM_ACTION_OVERRIDES.items()}

_ACTION_SOURCES: list[Callable[[], Iterable[str]]] = []


def allow_declared_actions(source: Callable[[], Iterable[str]]) -> None:
    """Register where the declared IAM actions come from (the check registry calls this once).

    Read at every guarded call, so checks registered later are covered without another step.
    """
    if source not in _ACTION_SOURCES:
        _ACTION_SOURCES.append(source)


def iam_action(service: str, operation: str) -> str:
    """The IAM action a boto3 operation needs."""
    return IAM_ACTION_OVERRIDES.get(f"{service}.{operation}", f"{IAM_PREFIXES.get(service, service)}:{operation}")


def _declared_actions() -> frozenset[str]:
    """The exact IAM actions the registered checks declare (wildcards allow nothing)."""
    actions: set[str] = set()
    for source in _ACTION_SOURCES:
        actions.update(a for a in source() if ":" in a and "*" not in a and "?" not in a)
    return frozenset(actions)


@functools.lru_cache(maxsize=None)
def _operation_names(service: str) -> frozenset[str]:
    import botocore.session

    try:
        return frozenset(botocore.session.get_session().get_service_model(service).operation_names)
    except Exception:  # noqa: BLE001 - not a botocore service name
        return frozenset()


def operation_for_action(action: str) -> str | None:
    """``"s3:GetEncryptionConfiguration"`` -> ``"s3.GetBucketEncryption"``; ``"bedrock:GetAgent"`` ->
    ``"bedrock-agent.GetAgent"`` (the boto3 service that has it); None for wildcards/malformed."""
    if action in _OPERATION_FOR_ACTION:
        return _OPERATION_FOR_ACTION[action]
    prefix, sep, name = action.partition(":")
    if not sep or not name or "*" in action or "?" in action:
        return None  # the allow-list holds exact operations only
    services = [SERVICE_FOR_IAM_PREFIX.get(prefix, prefix)] + [s for s, p in IAM_PREFIXES.items() if p == prefix]
    found = [s for s in services if name in _operation_names(s)]
    return f"{(found or services)[0]}.{name}"


def allowed_operations() -> frozenset[str]:
    """Every botocore operation the guard lets through right now."""
    ops = set(ALWAYS_ALLOWED) | {op for a in _declared_actions() if (op := operation_for_action(a))}
    return frozenset(ops - NEVER_ALLOWED)


def is_read_only(service: str, operation: str) -> bool:
    """True only for an operation whose IAM action a registered check declares (never a sensitive read)."""
    op = f"{service}.{operation}"
    if op in NEVER_ALLOWED:
        return False
    return op in ALWAYS_ALLOWED or iam_action(service, operation) in _declared_actions()


def guard(model: Any = None, **_: Any) -> None:
    """botocore ``before-parameter-build`` hook: refuse anything that is not a read."""
    service = model.service_model.service_name
    if not is_read_only(service, model.name):
        raise ReadOnlyViolation(
            f"refused AWS call {service}:{model.name}: the tool is read-only "
            "(only the operations its registered checks declare are allowed; see `questionnaire iam-policy`)"
        )


def _events(session: Any) -> Any:
    """The event emitter of a boto3 session (``events``) or of a botocore session (its component)."""
    return session.events if hasattr(session, "events") else session.get_component("event_emitter")


def install_guard(session: Any) -> Any:
    """Put the guard on a boto3 or botocore session: every client AND every ``session.resource(...)`` made from it
    (or from a boto3 session over it)."""
    _events(session).register_first("before-parameter-build.*.*", guard)
    return session


def access_guard(model: Any = None, **_: Any) -> None:
    """The account-access session's hook: exactly :data:`ACCESS_OPERATIONS`, nothing else."""
    op = f"{model.service_model.service_name}.{model.name}"
    if op not in ACCESS_OPERATIONS:
        raise ReadOnlyViolation(f"refused AWS call {op.replace('.', ':')}: the account-access session may only call "
                                f"{', '.join(sorted(ACCESS_OPERATIONS))}")


def install_access_guard(session: Any) -> Any:
    """The guard of the session that opens the others (sts:AssumeRole) and lists the organization."""
    _events(session).register_first("before-parameter-build.*.*", access_guard)
    return session
