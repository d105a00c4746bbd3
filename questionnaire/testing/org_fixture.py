"""An emulated AWS organization laid out the way enterprises do it, for tests and the org benchmark.

moto serves every account: credentials from ``sts:AssumeRole`` into ``arn:aws:iam::<id>:role/...`` act in
that account. The caller is moto's default account, the organization's management account; it holds the
organization trail (``IsOrganizationTrail``). A log-archive account holds the invocation-log bucket, a
security account its KMS key, a network account the Bedrock VPC endpoints; workload accounts run Bedrock
(declared in the profile, one deployment each); the other members do not use Bedrock. Options add an
account that uses Bedrock without being declared, and one whose read-only role cannot be assumed (its
AssumeRole is answered AccessDenied, as AWS does for a missing role).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from questionnaire.testing.aws_fixture import BedrockExtras, MODEL_ID

MANAGEMENT = "123456789012"  # moto's default account: the caller
ROLE_NAME = "QuestionnaireReadOnly"
TRAIL = "org-trail"
LOG_BUCKET = "org-bedrock-invocation-logs"


@dataclass
class OrgLayout:
    regions: list[str]
    management: str = MANAGEMENT
    log_archive: str = ""
    security: str = ""
    network: str = ""
    workloads: list[str] = field(default_factory=list)  # declared in the profile
    members: list[str] = field(default_factory=list)  # no Bedrock
    undeclared: str | None = None  # uses Bedrock, not in the profile
    no_role: str | None = None  # the read-only role cannot be assumed

    @property
    def accounts(self) -> list[str]:
        extra = [a for a in (self.undeclared, self.no_role) if a]
        return sorted({self.management, self.log_archive, self.security, self.network, *self.workloads, *self.members, *extra})


def _session_in(account: str) -> Any:
    import boto3

    c = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="seed")["Credentials"]
    return boto3.session.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                                 aws_session_token=c["SessionToken"])


def _create_accounts(n: int) -> list[str]:
    import boto3

    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    return [org.create_account(AccountName=f"member-{i:04d}", Email=f"aws+{i:04d}@org.example")["CreateAccountStatus"]["AccountId"]
            for i in range(n)]


def _seed_management(regions: list[str]) -> None:
    import boto3

    home = regions[0]
    s3 = boto3.client("s3", region_name=home)
    loc = {} if home == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": home}}
    s3.create_bucket(Bucket="org-cloudtrail-logs", **loc)
    ct = boto3.client("cloudtrail", region_name=home)
    ct.create_trail(Name=TRAIL, S3BucketName="org-cloudtrail-logs", IsMultiRegionTrail=True, IsOrganizationTrail=True,
                    EnableLogFileValidation=True)
    ct.start_logging(Name=TRAIL)


def _seed_security(account: str, regions: list[str]) -> str:
    kms = _session_in(account).client("kms", region_name=regions[0])
    key = kms.create_key(Description="organization log key")["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key)
    return key


def _seed_log_archive(account: str, regions: list[str], key: str) -> None:
    s = _session_in(account)
    home = regions[0]
    s3 = s.client("s3", region_name=home)
    loc = {} if home == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": home}}
    s3.create_bucket(Bucket=LOG_BUCKET, **loc)
    s3.put_public_access_block(Bucket=LOG_BUCKET, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=LOG_BUCKET, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}, "BucketKeyEnabled": True}]})
    s3.put_bucket_versioning(Bucket=LOG_BUCKET, VersioningConfiguration={"Status": "Enabled"})


def _seed_network(account: str, regions: list[str]) -> None:
    s = _session_in(account)
    for r in regions:
        ec2 = s.client("ec2", region_name=r)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{r}.bedrock-runtime", VpcEndpointType="Interface",
                                PrivateDnsEnabled=True)


def _seed_workload(account: str, regions: list[str]) -> None:
    s = _session_in(account)
    for r in regions:
        s.client("bedrock", region_name=r).put_model_invocation_logging_configuration(loggingConfig={
            "s3Config": {"bucketName": LOG_BUCKET, "keyPrefix": f"{account}/{r}/"},
            "textDataDeliveryEnabled": True, "imageDataDeliveryEnabled": True, "embeddingDataDeliveryEnabled": True,
            "videoDataDeliveryEnabled": True, "audioDataDeliveryEnabled": True})
        s.client("cloudwatch", region_name=r).put_metric_data(Namespace="AWS/Bedrock", MetricData=[
            {"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": MODEL_ID}], "Value": 1.0, "Unit": "Count"}])


def seed_org(n_accounts: int, regions: list[str] | tuple[str, ...] = ("eu-west-1", "eu-central-1"), *, workloads: int = 2,
             undeclared: bool = True, missing_role: bool = True) -> tuple[OrgLayout, BedrockExtras]:
    """Create the organization (inside ``moto.mock_aws()`` or against a moto server): ``n_accounts`` members plus
    the management account. Returns the layout and the Bedrock extras to serve with ``questionnaire.aws.emulators``."""
    need = 3 + workloads + int(undeclared) + int(missing_role)
    if n_accounts < need:
        raise ValueError(f"an organization with {workloads} workload account(s) needs at least {need} member accounts")
    regions = list(regions)
    ids = _create_accounts(n_accounts)
    lay = OrgLayout(regions, log_archive=ids[0], security=ids[1], network=ids[2], workloads=ids[3:3 + workloads])
    rest = ids[3 + workloads:]
    if undeclared:
        lay.undeclared, rest = rest[0], rest[1:]
    if missing_role:
        lay.no_role, rest = rest[0], rest[1:]
    lay.members = rest
    _seed_management(regions)
    key = _seed_security(lay.security, regions)
    _seed_log_archive(lay.log_archive, regions, key)
    _seed_network(lay.network, regions)
    for acct in lay.workloads + ([lay.undeclared] if lay.undeclared else []):
        _seed_workload(acct, regions)
    extras = BedrockExtras(enabled_regions=list(regions))
    for r in regions:
        extras.models[r] = [MODEL_ID, "amazon.titan-embed-text-v2:0"]
        extras.guardrails[r] = []
        extras.inference_profiles[r] = []
    if lay.no_role:
        extras.overrides[("sts", "AssumeRole")] = missing_role_emulator(lay.no_role)
    return lay, extras


def missing_role_emulator(account: str) -> Any:
    """sts:AssumeRole into ``account`` is denied (the role does not exist there); every other call goes to moto."""

    def fn(params: dict[str, Any], region: str) -> Any:
        from questionnaire.aws import EmulatedError

        arn = str(params.get("RoleArn", ""))
        if arn.startswith(f"arn:aws:iam::{account}:"):
            raise EmulatedError("AccessDenied", f"User: arn:aws:sts::{MANAGEMENT}:assumed-role/auditor/ci is not authorized "
                                                f"to perform: sts:AssumeRole on resource: {arn}", 403)
        return None

    return fn


def emulator_table(extras: BedrockExtras) -> dict[tuple[str, str], Any]:
    return {**extras.table(), **extras.overrides}


_DEPLOYMENT = """\
  - id: {id}
    description: Bedrock workload in account {account}
    tier: infrastructure
    platform: aws_bedrock
    processor: Amazon Web Services
    model_developers: [Anthropic]
    data_categories: [1]
    training_on_customer_data: false
    provider_retention_days: 0
    regions: [{regions}]
    aws:
      account_id: "{account}"
      role_name: {role}
      accounts: {{trail: "{trail}", log_bucket: "{log}", kms_key: "{kms}", network: "{net}"}}
      models: [{model}]
      invocation_logging: {{enabled: true, s3_bucket: {bucket}, kms_encrypted: true}}
      cloudtrail: {{trail: {trail_name}, log_file_validation: true}}
      private_endpoint: true
"""


def org_profile_text(lay: OrgLayout) -> str:
    deps = "".join(_DEPLOYMENT.format(id=f"workload-{i + 1:02d}", account=a, regions=", ".join(lay.regions), role=ROLE_NAME,
                                      trail=lay.management, log=lay.log_archive, kms=lay.security, net=lay.network,
                                      model=MODEL_ID, bucket=LOG_BUCKET, trail_name=TRAIL)
                   for i, a in enumerate(lay.workloads))
    return ("version: 1\norganization:\n  name: Emulated Organization\n  security_contact: security@org.example\n"
            "data_classification:\n  - {category: 1, name: Internal, ai_use: allowed}\n"
            f"deployments:\n{deps}aws_organization:\n  role_name: {ROLE_NAME}\n")


def write_org_profile(lay: OrgLayout, folder: Path) -> Path:
    p = Path(folder) / "profile.yaml"
    p.write_text(org_profile_text(lay), encoding="utf-8")
    return p
