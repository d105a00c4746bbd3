"""A profile file validated once, remembered until a byte of it (or of what it depends on) changes.

``fill`` is run again and again on one questionnaire with the same ``--profile``. Validating the
profile (pydantic models, YAML, semantic rules) is most of a warm run's start-up, yet its outcome
is a pure function of: the file's bytes, where it is (documents and repositories are relative to
its folder), the files it points at (``documents:`` and their sha256, ``repositories:``), the
AWS region list (botocore), the shipped data, pydantic and this code. ``remember`` keeps, under a key of all of those, that the
file was valid plus the redacted profile as JSON; ``recall`` gives back a :class:`KnownProfile`
that answers ``model_dump_json()`` (the key of the remembered answers) without validating, and
validates the file for real the first time anything else is asked of it.

Only a valid profile is remembered; an invalid one always takes the full path and its errors.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

KIND = "profile"
BYTES_KIND = "profile-bytes"


def _key(path: Path, raw: bytes) -> str:
    from questionnaire import knowledge_cache as kc

    return kc.key(KIND, str(path), raw, kc.version_file("botocore"), kc.version_file("pydantic"), kc.data_fingerprint())


def _dependencies(base: Path, documents: list[str], repositories: list[str]) -> list:
    """What validation read besides the file: each document's refusal or content hash, each repository's presence."""
    from questionnaire.errors import InputFileError
    from questionnaire.profile_documents import document_refusal, read_document

    deps: list = []
    for rel in documents:
        target, why = document_refusal(base, rel)
        if target is None:
            deps.append(("doc", rel, why or "refused"))
            continue
        try:
            deps.append(("doc", rel, hashlib.sha256(read_document(base, rel)).hexdigest()))
        except InputFileError as e:
            deps.append(("doc", rel, str(e)))
    deps.extend(("dir", rel, (base / rel).is_dir()) for rel in repositories)
    return deps


def remember(loaded: Any, redacted: Any) -> None:
    """Keep that ``loaded`` (a LoadedProfile) is valid, with its redacted profile's JSON."""
    from questionnaire import knowledge_cache as kc

    if kc.cache_dir() is None:
        return
    prof = loaded.profile
    docs = [d.path for d in prof.documents]
    repos = list(prof.controls.coding_agents.repositories) if prof.controls.coding_agents else []
    deps = _dependencies(loaded.base_dir, docs, repos)
    kc.store(KIND, _key(loaded.path, loaded.raw_bytes),
             {"json": redacted.model_dump_json(), "documents": docs, "repositories": repos, "deps": deps})


def recall(path: str | Path) -> KnownProfile | None:
    """The remembered outcome for this file as it is now, or None (never seen, changed, or no cache)."""
    from questionnaire import knowledge_cache as kc

    if kc.cache_dir() is None:
        return None
    try:
        resolved = Path(path).resolve()
        with open(resolved, "rb") as fh:
            raw = fh.read()
    except (OSError, RuntimeError):
        return None  # the full path reports why the file cannot be read
    value = kc.load(KIND, _key(resolved, raw))
    if not isinstance(value, dict):
        return None
    try:
        if _dependencies(resolved.parent, value["documents"], value["repositories"]) != value["deps"]:
            return None
        return KnownProfile(raw, value["json"], lambda: _validated_file(Path(path)))
    except (KeyError, TypeError, OSError):
        return None


def _validated_file(path: Path) -> Any:
    from questionnaire.profile import load_profile
    from questionnaire.redaction import redact_profile

    return redact_profile(load_profile(path).profile)


def _validated_bytes(raw: bytes) -> Any:
    from questionnaire.profile import profile_from_bytes
    from questionnaire.redaction import redact_profile

    return redact_profile(profile_from_bytes(raw))


def _bytes_key(raw: bytes) -> str:
    from questionnaire import knowledge_cache as kc

    return kc.key(BYTES_KIND, raw, kc.version_file("botocore"), kc.version_file("pydantic"), kc.data_fingerprint())


def remember_bytes(raw: bytes, redacted: Any) -> None:
    """Keep that these profile bytes (a verified bundle's profile.yaml) parse into ``redacted`` (its JSON)."""
    from questionnaire import knowledge_cache as kc

    if kc.cache_dir() is not None:
        kc.store(BYTES_KIND, _bytes_key(raw), {"json": redacted.model_dump_json()})


def recall_bytes(raw: bytes) -> KnownProfile | None:
    """The profile these bytes parsed into on an earlier run (a KnownProfile), or None. Only the parse is
    remembered: the bundle that holds the bytes is verified (checksums, manifest, signature) every time."""
    from questionnaire import knowledge_cache as kc

    if kc.cache_dir() is None:
        return None
    value = kc.load(BYTES_KIND, _bytes_key(raw))
    if not isinstance(value, dict) or not isinstance(value.get("json"), str):
        return None
    return KnownProfile(raw, value["json"], lambda: _validated_bytes(raw))


class KnownProfile:
    """A profile remembered as valid: its redacted JSON at once, the validated Profile when first needed.

    Attribute access other than ``model_dump_json``/``sha256`` validates for real (``load``: the same
    ``load_profile`` or ``profile_from_bytes`` + ``redact_profile`` as an unremembered run) and answers
    from that Profile."""

    def __init__(self, raw: bytes, dump_json: str, load: Callable[[], Any]):
        self._raw, self._json, self._load = raw, dump_json, load
        self._profile: Any = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self._raw).hexdigest()

    def model_dump_json(self) -> str:
        return self._json

    @property
    def value(self) -> Any:
        """The validated, redacted Profile (validated on first use)."""
        if self._profile is None:
            self._profile = self._load()
        return self._profile

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.value, name)


def unwrap(profile: Any) -> Any:
    """The Profile itself, whether given as a Profile or as a KnownProfile."""
    return profile.value if isinstance(profile, KnownProfile) else profile

