"""The deployment profile: load and validate a ``profile.yaml`` (the public face of the profile modules).

- ``profile_model``: the pydantic model (single source of truth for structure and the JSON Schema);
  provider blocks in ``profile_aws``, ``profile_azure``, ``profile_gcp``, ``profile_commercial``;
- ``profile_yaml``: reading the file, YAML with line numbers, :class:`Problem` (``FILE:LINE: path: message``);
- ``profile_rules``: structure, version and cross-field rules, all problems reported at once.

The names other modules use are re-exported here (``from questionnaire.profile import Profile, load_profile``).
"""

from __future__ import annotations

from pathlib import Path

from questionnaire.errors import ProfileInvalid
from questionnaire.profile_aws import (  # noqa: F401 - re-exported
    ARN_RE,
    AWS_PLATFORMS,
    ROLE_ARN_RE,
    AwsSettings,
    CloudTrail,
    Guardrail,
    InvocationLogging,
    LogDestination,
    aws_regions,
)
from questionnaire.profile_model import (  # noqa: F401 - re-exported
    INFRASTRUCTURE_PLATFORMS,
    SCHEMA_VERSION,
    Agents,
    Agreements,
    AiUse,
    CodingAgents,
    Controls,
    DataCategory,
    Deployment,
    Document,
    LoadedProfile,
    Logging,
    Organization,
    Platform,
    Profile,
    Secrets,
    Tier,
    json_schema,
)
from questionnaire.profile_rules import inner_model, semantic_problems, structural_problems, version_problems  # noqa: F401
from questionnaire.profile_yaml import (  # noqa: F401 - re-exported
    MAX_PROFILE_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    Loc,
    Problem,
    _FileProblem,
    _fmt_path,
    _read_text,
    _Yaml,
)


def _unique(problems: list[Problem]) -> list[Problem]:
    """Sorted by line and path, one line per (line, path, message)."""
    seen: set[tuple[int, str, str]] = set()
    unique: list[Problem] = []
    for p in sorted(problems, key=lambda p: (p.line, p.path)):
        key = (p.line, p.path, p.message)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


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
    problems = version_problems(data, doc)
    problems += [Problem(name, line, _fmt_path(loc), msg) for line, loc, msg in doc.problems]
    problems += structural_problems(data, doc)
    problems += semantic_problems(data, doc, path.resolve().parent)
    unique = _unique(problems)
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
