"""THE emulated AWS account for the example profile (evidence/examples/acme/profile.yaml).

Used by tests, the benchmark and the offline demo. ``seed_account`` creates the resources
with ordinary boto3 calls, so it works inside ``moto.mock_aws()`` and against a
``ThreadedMotoServer`` (set ``AWS_ENDPOINT_URL`` first). moto 5.x does not emulate Bedrock
guardrails, foundation-model listing or inference profiles; :class:`BedrockExtras` serves
those operations with responses shaped like the real API (botocore's service model), via
:func:`questionnaire.aws.emulators`. Runs that use them record the operations as emulated.

Variants: ``compliant`` and drifted ones, each flipping specific findings (see VARIANTS).
"""

from __future__ import annotations

from questionnaire.testing.env import patched_environ  # noqa: F401  (re-exported)

import copy
import datetime as _dt
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from questionnaire.testing.aws_extras import ACCOUNT_ID, BedrockExtras, invocation_event  # noqa: F401  (re-exported)

MODEL_ID = "anthropic.claude-3-5-sonnet-20240620-v1:0"
LOG_BUCKET = "acme-bedrock-invocation-logs"
TRAIL_BUCKET = "acme-cloudtrail-logs"
LOG_GROUP = "/aws/bedrock/invocations"
TRAIL = "acme-org-trail"
ROLE = "insights-assistant"
SECRET = "acme/insights/db-credentials"
GUARDRAIL_NAME = "insights-guardrail"

# variant -> what it changes (the finding that must flip)
VARIANTS: dict[str, str] = {
    "compliant": "everything as the example profile declares",
    "logging_off": "no Bedrock model invocation logging (bedrock.invocation_logging.enabled FAIL)",
    "validation_off": "CloudTrail log file validation off (cloudtrail.trail.log_file_validation FAIL)",
    "trail_stopped": "CloudTrail logging stopped (cloudtrail.trail.logging FAIL)",
    "admin_policy": "AdministratorAccess attached to the agent role (iam.agent_role.least_privilege FAIL)",
    "rotation_off": "secret rotation and KMS key rotation off (secretsmanager.secret.rotation, kms.key_rotation.enabled FAIL)",
    "undeclared_region_logging": "invocation logging also configured in an undeclared region (bedrock.invocation_logging.only_declared_regions FAIL)",
    "no_guardrail_filters": "guardrail without PROMPT_ATTACK and PII filters (bedrock.guardrail.* FAIL)",
    "no_endpoint": "no bedrock-runtime VPC endpoint (ec2.vpc_endpoint.bedrock_runtime FAIL)",
    "bucket_drift": "log bucket with AES256 only, no versioning, no public access block (s3.log_bucket.* FAIL)",
    "short_retention": "log group retention 30 days (cloudwatch.log_group.retention FAIL)",
}
# combined variants (not in VARIANTS, which lists single drifts) -> the single variants they apply;
# "drifted" is the offline demo's --drift
COMBINED: dict[str, frozenset[str]] = {
    "drifted": frozenset({"logging_off", "admin_policy", "no_guardrail_filters", "validation_off"}),
}


def undeclared_region(regions: list[str] | tuple[str, ...]) -> str:
    for r in ("us-east-1", "ap-southeast-2", "us-west-2"):
        if r not in regions:
            return r
    raise ValueError("no spare region")


def fake_credentials_env() -> dict[str, str]:
    return {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}




def unreachable(*regions: str, fallback: Any = None) -> Any:
    """An emulator that fails like a network timeout in ``regions`` and passes every other call to
    ``fallback`` (an emulator) or through to moto."""

    def fn(params: dict[str, Any], region: str) -> Any:
        from botocore.exceptions import ConnectTimeoutError

        if region in regions:
            raise ConnectTimeoutError(endpoint_url=f"https://emulated.{region}.amazonaws.com")
        return fallback(params, region) if fallback is not None else None

    return fn


def action_group(group_id: str, functions: list[tuple[str, str, bool]], *, return_control: bool = False) -> dict[str, Any]:
    """An action group (GetAgentActionGroup's agentActionGroup) with (name, description, requireConfirmation) functions."""
    when = _dt.datetime(2025, 1, 15, 9, 0, tzinfo=_dt.timezone.utc)
    executor = {"customControl": "RETURN_CONTROL"} if return_control else {
        "lambda": f"arn:aws:lambda:eu-west-1:{ACCOUNT_ID}:function:{group_id}"}
    return {"actionGroupId": group_id.upper()[:10], "actionGroupName": group_id, "actionGroupState": "ENABLED",
            "createdAt": when, "updatedAt": when, "actionGroupExecutor": executor,
            "functionSchema": {"functions": [{"name": n, "description": d, "requireConfirmation": "ENABLED" if c else "DISABLED"}
                                             for n, d, c in functions]}}


def guardrail(region: str, *, filters: bool = True) -> dict[str, Any]:
    when = _dt.datetime(2025, 1, 15, 9, 0, tzinfo=_dt.timezone.utc)
    gid = "a1b2c3d4e5f6"
    policies: dict[str, Any] = {}
    if filters:
        policies = {
            "contentPolicy": {"filters": [
                {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE", "inputAction": "BLOCK", "inputEnabled": True},
                {"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"},
            ]},
            "sensitiveInformationPolicy": {
                "piiEntities": [
                    {"type": "EMAIL", "action": "ANONYMIZE", "inputAction": "ANONYMIZE", "outputAction": "ANONYMIZE",
                     "inputEnabled": True, "outputEnabled": True},
                    {"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK", "inputAction": "BLOCK", "outputAction": "BLOCK",
                     "inputEnabled": True, "outputEnabled": True}],
                "regexes": [],
            },
        }
    else:
        policies = {"contentPolicy": {"filters": [{"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"}]}}
    return {
        "id": gid, "arn": f"arn:aws:bedrock:{region}:{ACCOUNT_ID}:guardrail/{gid}", "status": "READY",
        "name": GUARDRAIL_NAME, "version": "DRAFT", "createdAt": when, "updatedAt": when, "policies": policies,
        # the published version production calls use, and the working draft (same policies here)
        "versions": {"DRAFT": policies, "1": copy.deepcopy(policies)},
    }


AGENT_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
         "Resource": f"arn:aws:bedrock:*::foundation-model/{MODEL_ID}"},
        {"Effect": "Allow", "Action": ["bedrock:ApplyGuardrail"], "Resource": f"arn:aws:bedrock:*:{ACCOUNT_ID}:guardrail/*"},
    ],
}
READ_DATA_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::acme-insights-data/*"}],
}


def _seed_iam(iam: Any, flags: frozenset[str]) -> None:
    """The agent role: a narrow inline policy, a customer managed read policy (AdministratorAccess when drifted)."""
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=ROLE, PolicyName="invoke-declared-models", PolicyDocument=json.dumps(AGENT_POLICY))
    pol = iam.create_policy(PolicyName="insights-read-data", PolicyDocument=json.dumps(READ_DATA_POLICY))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=pol)
    if "admin_policy" in flags:
        try:
            iam.attach_role_policy(RoleName=ROLE, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        except iam.exceptions.NoSuchEntityException:  # moto loads AWS managed policies only on request
            admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            arn = iam.create_policy(PolicyName="AdministratorAccess", PolicyDocument=json.dumps(admin))["Policy"]["Arn"]
            iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)


def _seed_region(boto3: Any, r: str, flags: frozenset[str], key: str, extras: BedrockExtras) -> None:
    """Per region: log group, VPC endpoint, Bedrock models/guardrail/profiles, invocation metrics."""
    logs = boto3.client("logs", region_name=r)
    logs.create_log_group(logGroupName=LOG_GROUP, kmsKeyId=key)
    logs.put_retention_policy(logGroupName=LOG_GROUP, retentionInDays=30 if "short_retention" in flags else 400)
    if "no_endpoint" not in flags:
        ec2 = boto3.client("ec2", region_name=r)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{r}.bedrock-runtime", VpcEndpointType="Interface",
                                PrivateDnsEnabled=True)
    extras.models[r] = [MODEL_ID, "anthropic.claude-3-haiku-20240307-v1:0", "amazon.titan-embed-text-v2:0"]
    extras.guardrails[r] = [guardrail(r, filters="no_guardrail_filters" not in flags)]
    extras.inference_profiles[r] = []
    # evidence of use: the CloudTrail event of a call and the AWS/Bedrock Invocations metric of the declared model
    extras.events[r] = [invocation_event(r, MODEL_ID)]
    cw = boto3.client("cloudwatch", region_name=r)
    cw.put_metric_data(Namespace="AWS/Bedrock", MetricData=[
        {"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": MODEL_ID}], "Value": 1.0, "Unit": "Count"}])
    # the published guardrail version applied to those calls (Bedrock publishes AWS/Bedrock/Guardrails per evaluation)
    cw.put_metric_data(Namespace="AWS/Bedrock/Guardrails", MetricData=[{"MetricName": "Invocations", "Value": 1.0, "Dimensions": [
        {"Name": "GuardrailArn", "Value": extras.guardrails[r][0]["arn"]}, {"Name": "GuardrailVersion", "Value": "1"}]}])


def seed_account(variant: str = "compliant", regions: list[str] | tuple[str, ...] = ("eu-west-1",)) -> BedrockExtras:
    """Create the example account's resources in ``regions`` (first = home). Returns the Bedrock extras."""
    from questionnaire.aws import new_session

    if variant not in VARIANTS and variant not in COMBINED:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join([*VARIANTS, *COMBINED])}")
    flags = COMBINED.get(variant, frozenset({variant}))  # the single drifts this variant applies
    regions = list(regions)
    home = regions[0]
    extras = BedrockExtras()
    session = new_session()  # shares parsed service models with the checks' sessions
    clients: dict[tuple[str, str], Any] = {}

    class boto3:  # noqa: N801 - local stand-in: cached clients of one session
        @staticmethod
        def client(service: str, region_name: str) -> Any:
            key = (service, region_name)
            if key not in clients:
                clients[key] = session.client(service, region_name=region_name)
            return clients[key]

    _seed_iam(boto3.client("iam", region_name="us-east-1"), flags)

    # KMS keys per region, log bucket in the home region
    keys: dict[str, str] = {}
    for r in regions:
        kms = boto3.client("kms", region_name=r)
        keys[r] = kms.create_key(Description=f"bedrock invocation logs {r}")["KeyMetadata"]["Arn"]
        if "rotation_off" not in flags:
            kms.enable_key_rotation(KeyId=keys[r])
    s3 = boto3.client("s3", region_name=home)
    loc = {} if home == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": home}}
    for b in (LOG_BUCKET, TRAIL_BUCKET):
        s3.create_bucket(Bucket=b, **loc)
        if "bucket_drift" in flags and b == LOG_BUCKET:
            continue
        s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    sse = {"SSEAlgorithm": "AES256"} if "bucket_drift" in flags else {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keys[home]}
    s3.put_bucket_encryption(Bucket=LOG_BUCKET, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": sse, "BucketKeyEnabled": True}]})
    if "bucket_drift" not in flags:
        s3.put_bucket_versioning(Bucket=LOG_BUCKET, VersioningConfiguration={"Status": "Enabled"})

    # CloudTrail: one multi-region trail in the home region
    ct = boto3.client("cloudtrail", region_name=home)
    ct.create_trail(Name=TRAIL, S3BucketName=TRAIL_BUCKET, IsMultiRegionTrail=True,
                    EnableLogFileValidation="validation_off" not in flags)
    if "trail_stopped" not in flags:
        ct.start_logging(Name=TRAIL)

    # Secrets Manager (home region); DescribeSecret only ever reads metadata
    sm = boto3.client("secretsmanager", region_name=home)
    sm.create_secret(Name=SECRET, SecretString="not-a-real-secret")  # placeholder value for the emulator only
    if "rotation_off" not in flags:
        sm.rotate_secret(SecretId=SECRET, RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)

    logging_regions = [] if "logging_off" in flags else list(regions)
    if "undeclared_region_logging" in flags:
        logging_regions.append(undeclared_region(regions))
    for r in regions:
        _seed_region(boto3, r, flags, keys[r], extras)
    for r in logging_regions:
        boto3.client("bedrock", region_name=r).put_model_invocation_logging_configuration(loggingConfig={
            "s3Config": {"bucketName": LOG_BUCKET, "keyPrefix": f"bedrock/{r}/"},
            "cloudWatchConfig": {"logGroupName": LOG_GROUP, "roleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/bedrock-logging"},
            "textDataDeliveryEnabled": True, "imageDataDeliveryEnabled": True, "embeddingDataDeliveryEnabled": True,
            "videoDataDeliveryEnabled": True, "audioDataDeliveryEnabled": True,
        })
    return extras


def moto_enabled_regions() -> list[str]:
    """The regions the emulator treats as enabled (ec2:DescribeRegions without the not-opted-in ones): what the
    emulated account:ListRegions answers in the demo and the benchmarks, so the region list is the emulator's own."""
    from questionnaire.aws import new_session

    regions = new_session().client("ec2", region_name="us-east-1").describe_regions()["Regions"]
    return sorted(r["RegionName"] for r in regions if r.get("OptInStatus") != "not-opted-in")


def profile_for_regions(regions: list[str] | tuple[str, ...] | None = None):
    """The example profile as a LoadedProfile, with the Bedrock deployment's regions replaced."""
    from questionnaire.profile import LoadedProfile, load_profile, profile_from_bytes
    from questionnaire.resources import example_profile

    loaded = aws_part(load_profile(example_profile()))
    if not regions or list(regions) == ["eu-west-1"]:
        return loaded
    text = loaded.raw_bytes.decode("utf-8")
    new = text.replace("regions: [eu-west-1]", f"regions: [{', '.join(regions)}]", 1)
    if new == text:
        raise ValueError("example profile layout changed: cannot set regions")
    raw = new.encode("utf-8")
    return LoadedProfile(profile=profile_from_bytes(raw), path=loaded.path, raw_bytes=raw)


MOTO_INTERCEPTED_PROVIDERS = ("gcp",)


def aws_part(loaded: Any, aws_only: bool = False) -> Any:
    """The profile without the deployments of providers whose HTTP client moto's in-process mock
    intercepts (Vertex goes through ``requests``): their own tests run them against their own emulators.
    Providers on httpx (OpenAI, Anthropic) stay: their emulators answer them next to moto. ``aws_only``:
    without any other provider's deployment (``emulated_account(aws_only=True)`` serves no other provider)."""
    import yaml

    from questionnaire.checks.providers import discover
    from questionnaire.profile import LoadedProfile, profile_from_bytes

    intercepted = [p for p in discover() if aws_only or p.name in MOTO_INTERCEPTED_PROVIDERS]
    keep = [i for i, d in enumerate(loaded.profile.deployments) if not any(p.handles(d) for p in intercepted)]
    if len(keep) == len(loaded.profile.deployments):
        return loaded
    # cut the dropped deployments' lines out of the text, so the rest keeps its layout (tests edit it as text)
    text = loaded.raw_bytes.decode("utf-8")
    root = yaml.compose(text)
    items = next(v.value for k, v in root.value if k.value == "deployments")
    lines = text.splitlines(keepends=True)
    cut: set[int] = set()
    for i, node in enumerate(items):
        if i not in keep:
            end = items[i + 1].start_mark.line if i + 1 < len(items) else node.end_mark.line
            cut.update(range(node.start_mark.line, end))
    raw = "".join(line for n, line in enumerate(lines) if n not in cut).encode("utf-8")
    return LoadedProfile(profile=profile_from_bytes(raw), path=loaded.path, raw_bytes=raw)


@contextmanager
def emulated_account(variant: str = "compliant", regions: list[str] | tuple[str, ...] = ("eu-west-1",),
                     aws_only: bool = False) -> Iterator[BedrockExtras]:
    """In-process: moto's mock_aws + the seeded account + Bedrock extras. Use ``seed_account`` for a server.
    The Azure and OpenAI emulators of the example profile's other deployments are served in threads, unless
    ``aws_only`` (for a profile of ``aws_part(..., aws_only=True)``; no thread is started then)."""
    from contextlib import nullcontext

    from moto import mock_aws

    from questionnaire.aws import emulators
    from questionnaire.testing.azure_emulator import emulated_azure  # the example profile's Azure deployment
    from questionnaire.testing.commercial_emulator import emulated_commercial  # its OpenAI deployment (stays compliant)

    azure = nullcontext() if aws_only else emulated_azure(profile_for_regions().profile, variant)
    with patched_environ(fake_credentials_env()), mock_aws(), azure, nullcontext() if aws_only else emulated_commercial("compliant"):
        extras = seed_account(variant, regions)
        with emulators(extras.table()):
            yield extras


def example_profile_path() -> Path:
    from questionnaire.resources import example_profile

    return example_profile()
