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
from typing import Any

KIND = "profile"


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
        return KnownProfile(Path(path), raw, value["json"])
    except (KeyError, TypeError, OSError):
        return None


class KnownProfile:
    """A profile remembered as valid: its redacted JSON at once, the validated Profile when first needed.

    Attribute access other than ``model_dump_json``/``sha256`` validates the file for real (the same
    ``load_profile`` + ``redact_profile`` as an unremembered run) and answers from that Profile."""

    def __init__(self, path: Path, raw: bytes, dump_json: str):
        self._path, self._raw, self._json = path, raw, dump_json
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
            from questionnaire.profile import load_profile
            from questionnaire.redaction import redact_profile

            self._profile = redact_profile(load_profile(self._path).profile)
        return self._profile

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.value, name)


def unwrap(profile: Any) -> Any:
    """The Profile itself, whether given as a Profile or as a KnownProfile."""
    return profile.value if isinstance(profile, KnownProfile) else profile

