"""The deployment profile: model (pydantic v2), YAML loading with line numbers, validation.

The pydantic model is the single source of truth for structure and for the
JSON Schema (`questionnaire schema`). Cross-field rules (categories, tiers,
regions, ARNs, documents) live in :func:`semantic_problems` and run on the raw
YAML data, so that *all* problems are reported at once, even when the structure
has errors too.

Decision (documented in the README): ``training_on_customer_data: true`` on a
deployment that handles a category requiring commercial or infrastructure
terms is an **error**, because such categories may only go to deployments that
do not train on inputs.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from questionnaire.errors import InputFileError, ProfileInvalid
from questionnaire.profile_gcp import GcpSettings, gcp_problems
from questionnaire.profile_commercial import AnthropicSettings, ManagedSettings, OpenAISettings, commercial_problems
from questionnaire.profile_azure import AzureSettings, azure_problems

SCHEMA_VERSION = 1
MAX_PROFILE_BYTES = 1024 * 1024
MAX_YAML_NODES = 100_000

INFRASTRUCTURE_PLATFORMS = frozenset({"aws_bedrock", "azure_ai_foundry", "google_vertex"})
AWS_PLATFORMS = frozenset({"aws_bedrock"})


# --------------------------------------------------------------------------- model


class Tier(str, Enum):
    consumer = "consumer"
    commercial_api = "commercial_api"
    infrastructure = "infrastructure"


class Platform(str, Enum):
    aws_bedrock = "aws_bedrock"
    azure_ai_foundry = "azure_ai_foundry"
    google_vertex = "google_vertex"
    openai_api = "openai_api"
    anthropic_api = "anthropic_api"
    other = "other"


class AiUse(str, Enum):
    allowed = "allowed"
    commercial_or_infrastructure_only = "commercial_or_infrastructure_only"
    infrastructure_only = "infrastructure_only"
    prohibited = "prohibited"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, use_enum_values=False)


class Organization(_Strict):
    name: str = Field(min_length=1)
    product: str | None = None
    security_contact: str | None = None
    email_domains: list[str] = Field(default_factory=list, description="Company e-mail domains (commercial API members)")


class DataCategory(_Strict):
    category: int = Field(ge=1, description="Category number (1 unrestricted ... 3 restricted)")
    name: str
    description: str | None = None
    ai_use: AiUse


class Agreements(_Strict):
    dpa: str | None = Field(None, description="Name of the data processing agreement, or null if none")
    separate_model_vendor_agreement: bool = False


class LogDestination(_Strict):
    s3_bucket: str | None = None
    cloudwatch_log_group: str | None = None


class InvocationLogging(_Strict):
    enabled: bool
    s3_bucket: str | None = None
    cloudwatch_log_group: str | None = None
    retention_days: int | None = Field(None, ge=1)
    kms_encrypted: bool = False
    data_types: list[Literal["text", "image", "embedding", "video", "audio"]] | None = Field(
        None, description="Data types whose delivery must be on (default: all of them)"
    )
    destinations: dict[str, LogDestination] = Field(
        default_factory=dict,
        description="Per-region destinations (AWS requires the bucket/log group in the logging config's own region); "
        "regions not listed use s3_bucket / cloudwatch_log_group",
    )


class CloudTrail(_Strict):
    trail: str
    log_file_validation: bool = False


class Guardrail(_Strict):
    id: str
    version: str | None = Field(None, description="Guardrail version; default DRAFT/latest")
    prompt_attack_filter: bool = False
    pii_filter: bool = False


class AwsSettings(_Strict):
    account_id: str = Field(description="12-digit AWS account id (quote it in YAML)")
    models: list[str] = Field(default_factory=list)
    invocation_logging: InvocationLogging | None = None
    cloudtrail: CloudTrail | None = None
    guardrail: Guardrail | None = None
    private_endpoint: bool = False
    agent_role: str | None = Field(None, description="ARN of the IAM role the AI agent runs as")
    secrets: list[str] = Field(default_factory=list)
    vpc_ids: list[str] = Field(default_factory=list, description="VPCs the workload runs in (the endpoints must be there)")
    private_endpoint_services: list[Literal["bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime"]] = Field(
        default_factory=list,
        description="Bedrock endpoints reached privately (default: bedrock-runtime, plus bedrock-agent-runtime with agent_ids)",
    )
    agent_ids: list[str] = Field(default_factory=list, description="Bedrock Agents ids of this deployment")
    inference_data_zones: list[str] = Field(
        default_factory=list,
        description="With cross_region_inference: the system-defined profile prefixes allowed (e.g. eu, us, apac, global); "
        "default: the data zones of the declared regions (global only when listed)",
    )


class Deployment(_Strict):
    id: str = Field(min_length=1)
    description: str | None = None
    tier: Tier
    platform: Platform
    processor: str
    model_developers: list[str] = Field(default_factory=list)
    data_categories: list[int] = Field(default_factory=list)
    training_on_customer_data: bool
    provider_retention_days: int | None = Field(None, ge=0)
    regions: list[str] = Field(min_length=1)
    cross_region_inference: bool = False
    agreements: Agreements = Field(default_factory=Agreements)
    aws: AwsSettings | None = None
    gcp: GcpSettings | None = None
    openai: OpenAISettings | None = None
    anthropic: AnthropicSettings | None = None
    azure: AzureSettings | None = None


class CodingAgents(_Strict):
    tools: list[str] = Field(default_factory=list)
    accounts: Literal["company", "personal_allowed"] = "company"
    secrets_excluded_from_context: bool = False
    no_secrets_in_readable_files: bool = False
    repository_access: Literal["task_scoped", "organisation_wide"] = "task_scoped"
    repositories: list[str] = Field(
        default_factory=list, description="Local checkouts that `check` scans (relative to the profile)"
    )
    managed_settings: ManagedSettings | None = None


class Secrets(_Strict):
    manager: str
    rotation_days: int = Field(ge=1)


class Agents(_Strict):
    least_privilege: bool = False
    human_approval_required_for: list[str] = Field(default_factory=list)
    untrusted_input_handling: bool = False
    output_validation: bool = False


class Logging(_Strict):
    audit_log_retention_days: int = Field(ge=1)


class Controls(_Strict):
    consumer_accounts: Literal["prohibited", "allowed_for_category_1"] = "prohibited"
    coding_agents: CodingAgents | None = None
    secrets: Secrets | None = None
    agents: Agents | None = None
    logging: Logging | None = None


class Document(_Strict):
    path: str = Field(description="Path to the document, relative to the profile file")
    title: str
    sha256: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$")


class Profile(_Strict):
    version: Literal[1]
    organization: Organization
    data_classification: list[DataCategory] = Field(min_length=1)
    deployments: list[Deployment] = Field(min_length=1)
    controls: Controls = Field(default_factory=Controls)
    documents: list[Document] = Field(default_factory=list)

    # -- convenience (read-only views) --
    def deployment(self, deployment_id: str) -> Deployment:
        for d in self.deployments:
            if d.id == deployment_id:
                return d
        raise KeyError(deployment_id)

    def category(self, number: int) -> DataCategory | None:
        for c in self.data_classification:
            if c.category == number:
                return c
        return None

    def aws_deployments(self) -> list[Deployment]:
        return [d for d in self.deployments if d.platform in (Platform.aws_bedrock,) and d.aws is not None]

    def normalised(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class LoadedProfile:
    """A validated profile with where it came from."""

    profile: Profile
    path: Path
    raw_bytes: bytes
    warnings: tuple["Problem", ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw_bytes).hexdigest()

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def json_schema() -> dict[str, Any]:
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "questionnaire deployment profile (version 1)"
    return schema


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        loc = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {loc}{prefix}{self.message}"


Loc = tuple[Any, ...]


def _fmt_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# --------------------------------------------------------------------------- YAML


class _Yaml:
    """YAML → plain data plus a map from path to line number (1-based)."""

    def __init__(self, text: str, filename: str) -> None:
        import yaml

        self.filename = filename
        self.lines: dict[Loc, int] = {}
        self.problems: list[tuple[int, Loc, str]] = []  # duplicate keys, control characters
        self._count = 0
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except RecursionError:
            raise _FileProblem(1, f"YAML is nested too deeply; a profile nests at most {MAX_YAML_DEPTH} levels") from None
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark else 1
            what = e.problem or e.context or "syntax error"
            raise _FileProblem(line, f"not valid YAML: {what}") from None
        except yaml.YAMLError as e:
            raise _FileProblem(1, f"not valid YAML: {e}") from None
        self.root = node
        try:
            self.data = None if node is None else self._convert(node, ())
        except RecursionError:
            raise _FileProblem(1, f"YAML is nested too deeply; a profile nests at most {MAX_YAML_DEPTH} levels") from None

    def _convert(self, node: Any, loc: Loc) -> Any:
        import yaml

        self._count += 1
        if self._count > MAX_YAML_NODES:
            raise _FileProblem(
                node.start_mark.line + 1,
                f"YAML expands to more than {MAX_YAML_NODES} nodes (alias bomb?); refusing to load",
            )
        if len(loc) > MAX_YAML_DEPTH:
            raise _FileProblem(node.start_mark.line + 1, f"nested more than {MAX_YAML_DEPTH} levels deep; refusing to load")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            first: dict[Any, int] = {}
            for k_node, v_node in node.value:
                key = self._scalar(k_node) if isinstance(k_node, yaml.ScalarNode) else str(k_node.value)
                if key != "<<" and isinstance(key, (str, int, float, bool)) and key in first:
                    self.problems.append((k_node.start_mark.line + 1, loc + (key,),
                                          f"duplicate key '{key}' (first at line {first[key]}); each key may appear once"))
                elif key != "<<" and isinstance(key, (str, int, float, bool)):
                    first[key] = k_node.start_mark.line + 1
                if key == "<<":  # merge keys: flatten
                    merged = self._convert(v_node, loc)
                    if isinstance(merged, dict):
                        for mk, mv in merged.items():
                            out.setdefault(mk, mv)
                    continue
                self.lines[loc + (key,)] = k_node.start_mark.line + 1
                out[key] = self._convert(v_node, loc + (key,))
                self.lines[loc + (key,)] = k_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._convert(v, loc + (i,)) for i, v in enumerate(node.value)]
        value = self._scalar(node)
        if isinstance(value, str) and _CONTROL_CHARS.search(value):
            self.problems.append((node.start_mark.line + 1, loc, "contains a control character (NUL, ESC, ...); remove it"))
        return value

    @staticmethod
    def _scalar(node: Any) -> Any:
        import yaml

        loader = yaml.SafeLoader("")
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            return node.value
        finally:
            loader.dispose()

    def line(self, loc: Loc) -> int:
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


MAX_YAML_DEPTH = 32
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class _FileProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


def _read_text(path: Path) -> tuple[bytes, str]:
    """Read a profile file, refusing what is not a small UTF-8 text file."""
    if not path.exists():
        raise InputFileError(f"{path}: file not found")
    if path.is_dir():
        raise InputFileError(f"{path}: is a directory, expected a profile.yaml file")
    size = path.stat().st_size
    if size > MAX_PROFILE_BYTES:
        raise _FileProblem(1, f"file is {size:,} bytes; a profile may be at most 1 MB")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror}") from None
    if not raw.strip():
        raise _FileProblem(1, "file is empty; expected a YAML profile starting with `version: 1`")
    if b"\x00" in raw[:8192]:
        raise _FileProblem(1, "binary file, not a YAML profile")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _FileProblem(line, "not UTF-8 text (binary file?); save the profile as UTF-8") from None
    return raw, text


# --------------------------------------------------------------------------- validation


def _model_for(loc: Loc) -> type[BaseModel] | None:
    """The pydantic model whose fields live at ``loc`` (for did-you-mean)."""
    model: Any = Profile
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model is not None else None
        if field is None:
            return None
        model = inner_model(field.annotation)
    return model


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[Deployment] | None``."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        m = inner_model(arg)
        if m is not None:
            return m
    return None


def _structural_problems(data: dict[str, Any], doc: _Yaml) -> list[Problem]:
    try:
        Profile.model_validate(data)
        return []
    except ValidationError as e:
        errors = e.errors(include_url=False)
    problems: list[Problem] = []
    for err in errors:
        loc = tuple(err["loc"])
        etype = err["type"]
        # pydantic adds union/literal tags to loc in some cases; keep data keys only
        loc = tuple(p for p in loc if isinstance(p, int) or not str(p).startswith(("function-", "literal[")))
        path = _fmt_path(loc)
        if etype == "extra_forbidden":
            parent = loc[:-1]
            model = _model_for(parent)
            key = str(loc[-1])
            msg = "unknown key"
            if model is not None:
                close = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
                if close:
                    msg += f"; did you mean '{close[0]}'?"
                else:
                    msg += f"; allowed keys: {', '.join(model.model_fields)}"
            problems.append(Problem(doc.filename, doc.line(loc), path, msg))
        elif etype == "missing":
            problems.append(Problem(doc.filename, doc.line(loc[:-1]), path, "required key is missing"))
        elif loc == ("version",):
            continue  # reported by the version rule
        else:
            msg = err["msg"]
            given = err.get("input")
            if etype in ("enum", "literal_error") and given is not None:
                msg = f"{given!r} is not allowed; {msg[0].lower()}{msg[1:]}"
            problems.append(Problem(doc.filename, doc.line(loc), path, msg))
    return problems


@lru_cache(maxsize=1)
def aws_regions() -> frozenset[str]:
    """Every region code in botocore's bundled endpoint data (no import of botocore)."""
    import importlib.util

    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    data_file = Path(list(spec.submodule_search_locations)[0]) / "data" / "endpoints.json"
    try:
        data = json.loads(data_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    regions: set[str] = set()
    for partition in data.get("partitions", []):
        regions.update(partition.get("regions", {}).keys())
    return frozenset(regions)


ARN_RE = re.compile(r"^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$")
ROLE_ARN_RE = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")


def semantic_problems(data: dict[str, Any], doc: _Yaml, base_dir: Path) -> list[Problem]:
    """Cross-field rules, run defensively on the raw data."""
    P: list[Problem] = []
    f = doc.filename

    def add(loc: Loc, msg: str, severity: str = "error") -> None:
        P.append(Problem(f, doc.line(loc), _fmt_path(loc), msg, severity))

    categories: dict[int, str] = {}
    dc = data.get("data_classification")
    if isinstance(dc, list):
        seen_cat: set[int] = set()
        for i, c in enumerate(dc):
            if isinstance(c, dict) and isinstance(c.get("category"), int):
                n = c["category"]
                if n in seen_cat:
                    add(("data_classification", i, "category"), f"category {n} is defined twice")
                seen_cat.add(n)
                if isinstance(c.get("ai_use"), str):
                    categories[n] = c["ai_use"]

    deployments = data.get("deployments")
    seen_ids: dict[str, int] = {}
    if isinstance(deployments, list):
        regions = aws_regions()
        for i, d in enumerate(deployments):
            if not isinstance(d, dict):
                continue
            base: Loc = ("deployments", i)
            did = d.get("id")
            if isinstance(did, str):
                if did in seen_ids:
                    add(base + ("id",), f"duplicate deployment id '{did}' (first used by deployments[{seen_ids[did]}])")
                else:
                    seen_ids[did] = i
            tier, platform = d.get("tier"), d.get("platform")
            if tier == "infrastructure" and isinstance(platform, str) and platform not in INFRASTRUCTURE_PLATFORMS:
                add(
                    base + ("platform",),
                    f"tier 'infrastructure' needs a cloud infrastructure platform "
                    f"({', '.join(sorted(INFRASTRUCTURE_PLATFORMS))}), not '{platform}'",
                )
            cats = d.get("data_categories")
            if isinstance(cats, list):
                for j, n in enumerate(cats):
                    loc = base + ("data_categories", j)
                    if not isinstance(n, int) or isinstance(n, bool):
                        continue
                    use = categories.get(n)
                    if n not in categories:
                        if categories or isinstance(dc, list):
                            add(loc, f"category {n} is not defined in data_classification")
                        continue
                    if use == "prohibited":
                        add(loc, f"category {n} has ai_use 'prohibited' and may not be used with any deployment")
                    elif use == "commercial_or_infrastructure_only" and tier == "consumer":
                        add(loc, f"category {n} requires a commercial or infrastructure tier; this deployment is 'consumer'")
                    elif use == "infrastructure_only" and tier in ("consumer", "commercial_api"):
                        add(loc, f"category {n} requires the infrastructure tier; this deployment is '{tier}'")
                    if d.get("training_on_customer_data") is True and use in (
                        "commercial_or_infrastructure_only",
                        "infrastructure_only",
                    ):
                        add(
                            base + ("training_on_customer_data",),
                            f"true, but category {n} may only go to deployments that do not train on inputs",
                        )
            _duplicate_regions(d.get("regions"), base, add)
            aws = d.get("aws")
            if platform in AWS_PLATFORMS:
                reg = d.get("regions")
                if isinstance(reg, list) and regions:
                    for j, r in enumerate(reg):
                        if isinstance(r, str) and r not in regions:
                            close = difflib.get_close_matches(r, sorted(regions), n=1, cutoff=0.7)
                            hint = f"; did you mean '{close[0]}'?" if close else ""
                            add(base + ("regions", j), f"'{r}' is not an AWS region code{hint}")
                if aws is None:
                    add(base, "platform aws_bedrock without an 'aws:' block: nothing can be verified", "warning")
            elif isinstance(aws, dict):
                add(base + ("aws",), f"'aws' settings on platform '{platform}' are ignored", "warning")
            gcp_problems(d, base, add)
            azure_problems(d, base, add)
            if isinstance(aws, dict):
                acct = aws.get("account_id")
                if acct is not None and not (isinstance(acct, str) and re.fullmatch(r"\d{12}", acct)):
                    hint = " (quote it in YAML: account_id: \"012345678901\")" if isinstance(acct, int) else ""
                    add(base + ("aws", "account_id"), f"{acct!r} is not a 12-digit AWS account id{hint}")
                role = aws.get("agent_role")
                if isinstance(role, str):
                    m = ROLE_ARN_RE.match(role)
                    if not ARN_RE.match(role):
                        add(base + ("aws", "agent_role"), f"'{role}' is not a valid ARN (arn:aws:iam::<account>:role/<name>)")
                    elif not m:
                        add(base + ("aws", "agent_role"), f"'{role}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
                    elif isinstance(acct, str) and m.group(2) != acct:
                        add(
                            base + ("aws", "agent_role"),
                            f"role is in account {m.group(2)}, but aws.account_id is {acct}",
                        )
                il = aws.get("invocation_logging")
                if isinstance(il, dict) and il.get("enabled") is True:
                    if not il.get("s3_bucket") and not il.get("cloudwatch_log_group"):
                        add(base + ("aws", "invocation_logging"), "enabled, but neither s3_bucket nor cloudwatch_log_group is set")

    docs = data.get("documents")
    if isinstance(docs, list):
        for i, item in enumerate(docs):
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                continue
            from questionnaire.profile_documents import document_refusal, read_document

            p, why = document_refusal(base_dir, item["path"])
            if p is None:
                add(("documents", i, "path"), why or "refused")
                continue
            want = item.get("sha256")
            if isinstance(want, str) and re.fullmatch(r"[0-9a-fA-F]{64}", want):
                try:
                    got = hashlib.sha256(read_document(base_dir, item["path"])).hexdigest()
                except InputFileError as e:
                    add(("documents", i, "path"), str(e))
                    continue
                if got != want.lower():
                    add(("documents", i, "sha256"), f"does not match the file (file has {got})")

    commercial_problems(data, add)
    controls = data.get("controls")
    if isinstance(controls, dict):
        ca = controls.get("coding_agents")
        if isinstance(ca, dict) and isinstance(ca.get("repositories"), list):
            for i, r in enumerate(ca["repositories"]):
                if isinstance(r, str) and not (base_dir / r).is_dir():
                    add(("controls", "coding_agents", "repositories", i), f"directory not found: {r}", "warning")
    return P


def _duplicate_regions(reg: Any, base: Loc, add: Any) -> None:
    """A region listed twice is an error (it would duplicate every regional finding)."""
    if not isinstance(reg, list):
        return
    seen: set[str] = set()
    for j, r in enumerate(reg):
        if isinstance(r, str):
            if r in seen:
                add(base + ("regions", j), f"region '{r}' is listed twice")
            seen.add(r)


def _version_problems(data: dict[str, Any], doc: _Yaml) -> list[Problem]:
    if "version" not in data:
        return [Problem(doc.filename, 1, "version", f"missing; add `version: {SCHEMA_VERSION}` at the top")]
    v = data["version"]
    if v != SCHEMA_VERSION or isinstance(v, bool):
        return [
            Problem(
                doc.filename,
                doc.line(("version",)),
                "version",
                f"unsupported version {v!r}; this tool reads profile version {SCHEMA_VERSION}",
            )
        ]
    return []


def check_profile(path: str | Path) -> tuple[Profile | None, list[Problem], bytes]:
    """Validate a profile file. Returns (profile or None, problems, raw bytes).

    Never raises for content problems; raises InputFileError only when the file
    cannot be opened at all.
    """
    path = Path(path)
    name = str(path)
    try:
        raw, text = _read_text(path)
        doc = _Yaml(text, name)
    except _FileProblem as fp:
        return None, [Problem(name, fp.line, "", fp.message)], b""
    data = doc.data
    if not isinstance(data, dict):
        kind = {list: "a list", type(None): "empty"}.get(type(data), f"a single value ({type(data).__name__})")
        return None, [Problem(name, 1, "", f"expected a mapping of keys at the top level, but the YAML is {kind}")], raw
    problems = _version_problems(data, doc)
    problems += [Problem(name, line, _fmt_path(loc), msg) for line, loc, msg in doc.problems]
    problems += _structural_problems(data, doc)
    problems += semantic_problems(data, doc, path.resolve().parent)
    # one line per (line, path, message)
    seen: set[tuple[int, str, str]] = set()
    unique: list[Problem] = []
    for p in sorted(problems, key=lambda p: (p.line, p.path)):
        key = (p.line, p.path, p.message)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    profile = None
    if not any(p.severity == "error" for p in unique):
        profile = Profile.model_validate(data)
    return profile, unique, raw


def load_profile(path: str | Path) -> LoadedProfile:
    """Load and validate; raise ProfileInvalid with every problem when invalid."""
    profile, problems, raw = check_profile(path)
    if profile is None:
        raise ProfileInvalid(problems)
    return LoadedProfile(
        profile=profile,
        path=Path(path).resolve(),
        raw_bytes=raw,
        warnings=tuple(p for p in problems if p.severity == "warning"),
    )


def profile_from_bytes(raw: bytes, name: str = "profile.yaml") -> Profile:
    """Parse a profile already validated once (e.g. from a verified bundle)."""
    doc = _Yaml(raw.decode("utf-8-sig"), name)
    return Profile.model_validate(doc.data)
