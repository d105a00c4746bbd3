"""Reading an evidence bundle: every check runs before anything is returned, nothing is extracted.

Hostile zips are rejected from the central directory before any member is read; then every file is
checked against ``SHA256SUMS`` and the manifest, the predicate and findings against their shapes, and
the signature when a key is given. :func:`verify` returns the problems, :func:`load_bundle` the content.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from questionnaire import TOOL_NAME
from questionnaire.bundle_format import (
    MANIFEST,
    MAX_ENTRIES,
    MAX_RATIO,
    MAX_TOTAL_UNCOMPRESSED,
    PREDICATE_TYPE,
    SIGNATURE,
    STATEMENT_TYPE,
    SUMS,
    _load_public_key,
    sha256_hex,
)
from questionnaire.bundle_schema import findings_doc_problems, load_json, predicate_problems
from questionnaire.errors import BundleError, InputFileError
from questionnaire.findings import Finding


@dataclass
class Bundle:
    """A verified bundle, held in memory."""

    path: Path
    profile: Any
    profile_bytes: bytes
    findings: list[Finding]
    manifest: dict[str, Any]
    digest: str  # sha256 of manifest.json
    files: dict[str, bytes] = field(repr=False, default_factory=dict)
    signed: bool = False
    signature_checked: bool = False

    @property
    def predicate(self) -> dict[str, Any]:
        return self.manifest.get("predicate", {})

    @property
    def identity(self) -> dict[str, Any]:
        return dict(self.predicate.get("collector") or {})

    @property
    def started(self) -> str | None:
        return self.predicate.get("started")

    @property
    def ended(self) -> str | None:
        return self.predicate.get("ended")

    @property
    def regions(self) -> list[str]:
        return list(self.predicate.get("regions") or [])

    def raw(self, path: str) -> Any:
        """A raw response of the bundle (parsed JSON)."""
        return json.loads(self.files[path])


def _hostile_entry_problems(infos: list[zipfile.ZipInfo]) -> list[str]:
    """Central-directory checks, before any member is read."""
    problems: list[str] = []
    if len(infos) > MAX_ENTRIES:
        return [f"zip has {len(infos):,} entries; at most {MAX_ENTRIES:,} are allowed"]
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        shown = name.encode("unicode_escape").decode("ascii")[:200]
        parts = name.replace("\\", "/").split("/")
        if not name:
            problems.append("entry with an empty name")
        elif name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            problems.append(f"entry '{shown}': absolute path")
        elif ".." in parts:
            problems.append(f"entry '{shown}': path escapes the bundle ('..')")
        elif "\\" in name or any(ord(c) < 32 for c in name):
            problems.append(f"entry '{shown}': invalid characters in the name")
        key = name.lower()
        if key in seen:
            problems.append(f"entry '{shown}': duplicate name")
        seen.add(key)
        mode = (info.external_attr >> 16) & 0o170000
        if info.create_system == 3 and mode == 0o120000:
            problems.append(f"entry '{shown}': symbolic link")
        elif info.create_system == 3 and mode not in (0, 0o100000, 0o040000):
            problems.append(f"entry '{shown}': not a regular file")
        if info.flag_bits & 0x1:
            problems.append(f"entry '{shown}': encrypted")
        if info.file_size > 0 and (info.compress_size == 0 or info.file_size / info.compress_size > MAX_RATIO):
            problems.append(f"entry '{shown}': compression ratio over {MAX_RATIO} (zip bomb?)")
        total += info.file_size
    if total > MAX_TOTAL_UNCOMPRESSED:
        problems.append(f"zip expands to {total:,} bytes; at most {MAX_TOTAL_UNCOMPRESSED:,} are allowed")
    return problems


def _read_members(path: Path) -> tuple[dict[str, bytes], list[str]]:
    """Open the zip, vet the central directory, then read every member into memory."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror}") from None
    if path.is_dir():
        raise InputFileError(f"{path}: is a directory, expected a bundle .zip")
    if size == 0:
        return {}, [f"{path}: empty file, not a zip"]
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror}") from None
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        if head.startswith(b"PK"):
            return {}, [f"{path}: truncated or corrupt zip ({e})"]
        return {}, [f"{path}: not a zip file"]
    except (OSError, EOFError, ValueError, NotImplementedError) as e:
        return {}, [f"{path}: truncated or corrupt zip ({e})"]
    with zf:
        infos = zf.infolist()
        problems = _hostile_entry_problems(infos)
        if problems:
            return {}, problems
        members: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                problems.append(f"entry '{info.filename}': unexpected directory entry")
                continue
            try:
                with zf.open(info) as fh:
                    data = fh.read(info.file_size + 1)
            except zipfile.BadZipFile as e:
                problems.append(f"entry '{info.filename}': corrupt ({e})")
                continue
            except (OSError, EOFError, ValueError, NotImplementedError, zlib.error) as e:
                problems.append(f"entry '{info.filename}': cannot be read ({type(e).__name__}: {e})")
                continue
            if len(data) != info.file_size:
                problems.append(f"entry '{info.filename}': size differs from the zip directory")
                continue
            members[info.filename] = data
    return members, problems


def _parse_sums(data: bytes) -> tuple[dict[str, str], list[str]]:
    sums: dict[str, str] = {}
    problems: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {}, [f"{SUMS}: not UTF-8 text"]
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line)
        if not m:
            problems.append(f"{SUMS} line {i}: not '<sha256>  <file>'")
            continue
        name = m.group(2)
        if name in sums:
            problems.append(f"{SUMS} line {i}: {name} listed twice")
        sums[name] = m.group(1).lower()
    return sums, problems


def _inspect(path: str | Path, key: Any = None, recall: bool = False) -> tuple[list[str], Bundle | None]:
    path = Path(path)
    pub = _load_public_key(key) if key is not None else None
    members, problems = _read_members(path)
    if problems:
        return problems, None
    if MANIFEST not in members and SUMS not in members:
        return [f"{path}: not an evidence bundle ({MANIFEST} and {SUMS} are missing)"], None
    actual = {n: sha256_hex(d) for n, d in members.items()}

    sums: dict[str, str] = {}
    if SUMS in members:
        sums, p = _parse_sums(members[SUMS])
        problems += p
    else:
        problems.append(f"removed: {SUMS} (the checksum list is missing)")

    manifest, subject = _manifest_part(members, sums, actual, problems)
    problems += _file_problems(members, actual, sums, subject, manifest)
    pred = manifest.get("predicate") if isinstance(manifest.get("predicate"), dict) else {}
    _predicate_part(manifest, pred, members, actual, subject, problems)
    signed, checked = _signature_part(pred, members, pub, problems)
    profile, findings = _content_part(members, problems, recall)
    if problems:
        return problems, None
    return [], Bundle(
        path=path,
        profile=profile,
        profile_bytes=members["profile.yaml"],
        findings=findings,
        manifest=manifest,
        digest=actual[MANIFEST],
        files=members,
        signed=signed,
        signature_checked=checked,
    )




def _manifest_part(members: dict[str, bytes], sums: dict[str, str], actual: dict[str, str],
                   problems: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The manifest as an object and its subject (name -> sha256); problems appended."""
    manifest: dict[str, Any] = {}
    subject: dict[str, str] = {}
    if MANIFEST in members:
        manifest, bad = load_json(members[MANIFEST], MANIFEST)
        if not bad and not isinstance(manifest, dict):
            bad = [f"{MANIFEST}: not a JSON object"]
        problems += bad
        manifest = manifest if isinstance(manifest, dict) and not bad else {}
        if manifest:
            if manifest.get("_type") != STATEMENT_TYPE or manifest.get("predicateType") != PREDICATE_TYPE:
                problems.append(f"{MANIFEST}: not a {TOOL_NAME} evidence statement (_type/predicateType)")
            subjects = manifest.get("subject")
            if not isinstance(subjects, list):
                problems.append(f"{MANIFEST}: subject must be a list")
                subjects = []
            for s in subjects:
                try:
                    name, digest = s["name"], s["digest"]["sha256"]
                    if not isinstance(name, str) or not isinstance(digest, str):
                        raise TypeError
                    subject[name] = digest.lower()
                except (KeyError, TypeError):
                    problems.append(f"{MANIFEST}: malformed subject entry")
        if MANIFEST in sums and sums[MANIFEST] != actual[MANIFEST]:
            problems.append(f"{MANIFEST}: its sha256 does not match {SUMS} (manifest modified)")
        elif SUMS in members and MANIFEST not in sums:
            problems.append(f"{MANIFEST}: not listed in {SUMS}")
    else:
        problems.append(f"removed: {MANIFEST} (the manifest is missing)")

    return manifest, subject


def _file_problems(members: dict[str, bytes], actual: dict[str, str], sums: dict[str, str],
                   subject: dict[str, str], manifest: dict[str, Any]) -> list[str]:
    """Every file against SHA256SUMS and the manifest subject: added, removed, renamed, modified."""
    problems: list[str] = []
    meta = {SUMS, MANIFEST, SIGNATURE}
    names = (set(actual) | set(sums) | set(subject)) - {SUMS, MANIFEST}
    added: dict[str, str] = {}
    removed: dict[str, str] = {}
    modified: list[str] = []
    for n in sorted(names):
        a = actual.get(n)
        want_sums = sums.get(n)
        want_subject = subject.get(n)
        in_subject_scope = n not in meta
        if a is None:
            removed[n] = want_subject or want_sums or ""
            continue
        if want_sums is None and (want_subject is None or not in_subject_scope):
            added[n] = a
            continue
        bad = []
        if want_sums is None:
            if SUMS in members:
                bad.append(f"not listed in {SUMS}")
        elif want_sums != a:
            bad.append(SUMS)
        if in_subject_scope and manifest:
            if want_subject is None:
                bad.append(f"not listed in {MANIFEST}")
            elif want_subject != a:
                bad.append(MANIFEST)
        if bad:
            listed = [b for b in bad if not b.startswith("not listed")]
            other = [b for b in bad if b.startswith("not listed")]
            text = []
            if listed:
                text.append("sha256 does not match " + " and ".join(listed))
            text += other
            modified.append(f"modified: {n} ({'; '.join(text)})")
    for new, digest in sorted(added.items()):
        old = next((o for o, d in sorted(removed.items()) if d == digest), None)
        if old is not None:
            problems.append(f"renamed: {old} -> {new}")
            del removed[old]
        else:
            problems.append(f"added: {new} (not listed in {SUMS} or {MANIFEST})")
    problems += [f"removed: {n}" for n in sorted(removed)]
    problems += modified

    return problems


def _predicate_part(manifest: dict[str, Any], pred: dict[str, Any], members: dict[str, bytes],
                    actual: dict[str, str], subject: dict[str, str], problems: list[str]) -> None:
    """Predicate consistency: shapes, sizes, the profile digest, required files."""
    if manifest and not pred:
        problems.append(f"{MANIFEST}: predicate is missing")
    problems += predicate_problems(pred)
    files_meta = pred.get("files") if isinstance(pred.get("files"), dict) else {}
    for n, m in sorted(files_meta.items()):
        if n in members and isinstance(m, dict):
            if m.get("size") != len(members[n]) and not any(p.startswith(f"modified: {n} ") for p in problems):
                problems.append(f"modified: {n} (size differs from {MANIFEST})")
            if m.get("sha256") != subject.get(n):
                problems.append(f"{MANIFEST}: files and subject disagree on {n}")
    if manifest and set(files_meta) != set(subject):
        problems.append(f"{MANIFEST}: files and subject list different files")
    prof = pred.get("profile") if isinstance(pred.get("profile"), dict) else {}
    if "profile.yaml" in members and prof.get("sha256") != actual["profile.yaml"]:
        if not any(p.startswith("modified: profile.yaml") for p in problems):
            problems.append(f"profile.yaml: sha256 does not match the profile digest in {MANIFEST}")
    for required in ("profile.yaml", "findings.json"):
        if required not in members and not any(p.startswith(("removed: " + required, "renamed: " + required)) for p in problems):
            problems.append(f"removed: {required}")



def _signature_part(pred: dict[str, Any], members: dict[str, bytes], pub: Any, problems: list[str]) -> tuple[bool, bool]:
    """(signed, signature checked); problems appended."""
    declared_signed = isinstance(pred.get("signature"), dict)
    signed = SIGNATURE in members
    checked = False
    if declared_signed and not signed:
        problems.append(f"signature: the manifest says the bundle is signed, but {SIGNATURE} is missing")
    if pub is not None:
        if not signed:
            problems.append(f"signature: the bundle is not signed ({SIGNATURE} is missing)")
        elif MANIFEST in members:
            from cryptography.exceptions import InvalidSignature

            try:
                pub.verify(members[SIGNATURE], members[MANIFEST])
                checked = True
            except InvalidSignature:
                problems.append(f"signature: {SIGNATURE} does not verify with the given public key")

    return signed, checked


def _content_part(members: dict[str, bytes], problems: list[str], recall: bool = False) -> tuple[Any, list[Finding]]:
    """The profile and findings, parsed only when their shapes are right. ``recall``: a profile.yaml whose
    bytes an earlier run parsed is a ``profile_memo.KnownProfile`` (redacted), parsed when first needed."""
    profile = None
    if recall and "profile.yaml" in members:
        from questionnaire.profile_memo import recall_bytes

        profile = recall_bytes(members["profile.yaml"])
    if profile is None and "profile.yaml" in members:
        from questionnaire.profile import profile_from_bytes

        try:
            profile = profile_from_bytes(members["profile.yaml"])
        except Exception as e:  # noqa: BLE001 - any parse/validation error is a bundle problem
            problems.append(f"profile.yaml: not a valid profile ({type(e).__name__})")
    findings: list[Finding] = []
    if "findings.json" in members:
        doc, bad = load_json(members["findings.json"], "findings.json")
        bad = bad or findings_doc_problems(doc)
        problems += bad
        if not bad:
            findings = [Finding.from_dict(d) for d in doc["findings"]]
        for f in findings:
            for ev in f.evidence:
                if ev not in members and not any(p.startswith(("removed: ", "renamed: ")) and ev in p for p in problems):
                    problems.append(f"findings.json: finding {f.id} cites {ev}, which is not in the bundle")

    return profile, findings


def verify(path: str | Path, key: Any = None) -> list[str]:
    """Every problem of the bundle (empty list = intact). Raises only for unusable arguments."""
    problems, _ = _inspect(path, key)
    return problems


def load_bundle(path: str | Path, key: Any = None, *, recall: bool = False) -> Bundle:
    """Verify the bundle and return its content; raise BundleError listing every problem.

    ``recall`` (fill): the bundle is verified all the same, but a profile.yaml parsed by an earlier run
    is given as a redacted ``profile_memo.KnownProfile`` (see ``_content_part``)."""
    problems, bundle = _inspect(path, key, recall)
    if problems or bundle is None:
        first = problems[0] if problems else "invalid bundle"
        msg = first if len(problems) == 1 else f"{path}: {len(problems)} problems, the bundle is not intact"
        raise BundleError(msg, problems)
    return bundle
