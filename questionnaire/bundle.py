"""The evidence bundle: one deterministic zip with what was declared and what AWS showed.

Layout (every name sorted, every timestamp fixed, every JSON file with sorted
keys, two-space indent and a trailing newline, so the same inputs give a
byte-identical zip)::

    profile.yaml            the profile exactly as given
    profile.json            the normalised profile
    findings.json           all findings ({"summary", "findings"}), redacted
    raw/<region|global>/<service>/<operation>[-n].json   every API response, redacted
    documents/<name>        documents listed under `documents:` in the profile
    SUMMARY.md, summary.html  one-page human summary
    manifest.json           in-toto Statement: subject = every file above + predicate
    manifest.sig            optional Ed25519 signature of manifest.json (raw 64 bytes)
    SHA256SUMS              sha256 of every entry incl. manifest.json (`sha256sum -c`)

:func:`load_bundle` verifies before it returns anything; :func:`verify` returns
the list of problems. Hostile zips are rejected from the central directory
before any member is read, and nothing is ever extracted to disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from questionnaire import TOOL_NAME, __version__
from questionnaire.errors import (
    BundleError,
    InputFileError,
    OptionalDependencyMissing,
    OutputError,
    UserInputError,
)
from questionnaire.bundle_schema import findings_doc_problems, load_json, predicate_problems
from questionnaire.findings import Finding, findings_document

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://questionnaire.dev/evidence-bundle/v1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SUMS = "SHA256SUMS"

MAX_ENTRIES = 10_000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
_WRITE_RATIO_LIMIT = 50  # entries compressing better than this are stored, so our own bundles never look like bombs
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_RAW_PATH_RE = re.compile(r"^raw/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\.json$")
_SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")


# ----------------------------------------------------------------------------- helpers


def canonical_json(value: Any) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _raw_path(raw: Any, used: set[str]) -> str:
    """The bundle path of a raw response: its own ``.path`` or one made up the documented way."""
    path = _get(raw, "path") or ""
    if path:
        if not _RAW_PATH_RE.match(path) or ".." in path.split("/"):
            raise OutputError(f"raw response path {path!r} is not raw/<region>/<service>/<operation>.json")
        if path in used:
            raise OutputError(f"two raw responses share the bundle path {path}")
        return path
    region = _get(raw, "region") or "global"
    service = _get(raw, "service") or "unknown"
    op = _get(raw, "operation") or "call"
    base = "raw/" + "/".join(_SAFE_NAME_RE.sub("_", str(p)) for p in (region, service, op))
    path, n = base + ".json", 1
    while path in used:
        n += 1
        path = f"{base}-{n}.json"
    return path


def _raw_dict(raw: Any) -> dict[str, Any]:
    if hasattr(raw, "to_dict"):
        return raw.to_dict()
    if isinstance(raw, dict):
        return dict(raw)
    raise OutputError(f"cannot serialise raw response of type {type(raw).__name__}")


def _redacted_json(value: Any) -> tuple[bytes, int]:
    from questionnaire.redaction import redact

    clean, n = redact(value)
    return canonical_json(clean), n


def _load_private_key(sign_key: Any):
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    except ImportError:
        raise OptionalDependencyMissing(
            "signing needs the optional 'cryptography' package: pip install 'questionnaire[sign]'"
        ) from None
    if isinstance(sign_key, Ed25519PrivateKey):
        return sign_key
    data = _key_bytes(sign_key, "signing key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise UserInputError("the signing key is encrypted; use an unencrypted Ed25519 PEM private key") from None
    except (ValueError, Exception) as e:  # noqa: BLE001 - cryptography raises several types
        raise UserInputError(f"cannot read the signing key: not a PEM private key ({type(e).__name__})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserInputError("the signing key is not an Ed25519 key (generate one with: openssl genpkey -algorithm ed25519)")
    return key


def _load_public_key(key: Any):
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    except ImportError:
        raise OptionalDependencyMissing(
            "checking signatures needs the optional 'cryptography' package: pip install 'questionnaire[sign]'"
        ) from None
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, Ed25519PrivateKey):
        return key.public_key()
    data = _key_bytes(key, "public key")
    try:
        pub = serialization.load_pem_public_key(data)
    except Exception as e:  # noqa: BLE001
        raise UserInputError(f"cannot read the public key: not a PEM public key ({type(e).__name__})") from None
    if not isinstance(pub, Ed25519PublicKey):
        raise UserInputError("the public key is not an Ed25519 key")
    return pub


def _key_bytes(key: Any, what: str) -> bytes:
    if isinstance(key, bytes):
        return key
    path = Path(key)
    try:
        if path.stat().st_size > 64 * 1024:
            raise UserInputError(f"{path}: too large for a {what}")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: {what} file not found") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a directory, expected a PEM {what} file") from None
    except OSError as e:
        raise InputFileError(f"{path}: cannot read {what}: {e.strerror}") from None


# ----------------------------------------------------------------------------- writing


def build_files(loaded: Any, run: Any, *, mask_account: bool = False) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every content file of the bundle (not manifest/sums/signature) and the manifest predicate parts."""
    from questionnaire.profile_documents import read_document
    from questionnaire.redaction import redact, redact_lines, redact_profile, redact_profile_text
    from questionnaire.summary import build_summary, render_html, render_markdown

    profile = redact_profile(loaded.profile)  # what the bundle shows of the profile: redacted too
    files: dict[str, bytes] = {}
    redactions: dict[str, int] = {}

    files["profile.yaml"], redactions["profile.yaml"] = redact_profile_text(loaded.raw_bytes)
    files["profile.json"], redactions["profile.json"] = _redacted_json(loaded.profile.normalised())

    # raw responses, redacted
    used: set[str] = set()
    for raw in _get(run, "raw") or []:
        path = _raw_path(raw, used)
        used.add(path)
        clean, n = redact(_raw_dict(raw))
        files[path] = canonical_json(clean)
        redactions[path] = n

    # findings, redacted too (observed values come from the same responses)
    findings: list[Finding] = list(_get(run, "findings") or [])
    doc = findings_document(findings)
    clean_doc, n = redact(doc)
    files["findings.json"] = canonical_json(clean_doc)
    redactions["findings.json"] = n
    clean_findings = [Finding.from_dict(d) for d in clean_doc["findings"]]
    for f in clean_findings:
        missing = [e for e in f.evidence if e not in files]
        if missing:
            raise OutputError(f"finding {f.id} cites {missing[0]}, which is not among the raw responses of the run")

    # static documents from the profile
    documents = []
    taken: set[str] = set()
    for i, d in enumerate(profile.documents):
        data = read_document(loaded.base_dir, d.path)  # only regular files inside the profile's folder
        digest = sha256_hex(data)
        if d.sha256 and d.sha256.lower() != digest:
            raise InputFileError(f"{d.path}: document does not match the sha256 declared in the profile")
        name = _SAFE_NAME_RE.sub("_", PurePosixPath(d.path.replace("\\", "/")).name).strip(".") or f"document-{i + 1}"
        if name in taken:
            name = f"{i + 1}-{name}"
        taken.add(name)
        files[f"documents/{name}"] = data
        documents.append({"title": d.title, "path": d.path, "file": f"documents/{name}", "sha256": digest})

    identity = dict(_get(run, "identity") or {})
    regions = list(_get(run, "regions") or [])
    emulated = sorted(set(_get(run, "emulated") or []))
    errors = redact_lines(list(_get(run, "errors") or []))
    tool = f"{TOOL_NAME} {__version__}"

    summary = build_summary(
        profile,
        clean_findings,
        identity=identity,
        started=_get(run, "started"),
        ended=_get(run, "ended"),
        regions=regions,
        errors=errors,
        emulated=emulated,
        mask_account=mask_account,
        tool=tool,
        profile_sha256=sha256_hex(files["profile.yaml"]),
    )
    files["SUMMARY.md"] = render_markdown(summary).encode("utf-8")
    files["summary.html"] = render_html(summary).encode("utf-8")

    predicate = {
        "tool": {"name": TOOL_NAME, "version": __version__},
        "profile": {
            "file": "profile.yaml",
            "sha256": sha256_hex(files["profile.yaml"]),
            "source_sha256": sha256_hex(loaded.raw_bytes),
            "organization": profile.organization.name,
        },
        "collector": {"account": identity.get("account"), "arn": identity.get("arn")},
        "started": _get(run, "started"),
        "ended": _get(run, "ended"),
        "regions": regions,
        "check_ids": list(_get(run, "check_ids") or []),
        "errors": errors,
        "findings_summary": clean_doc["summary"],
        "redactions": dict(sorted(redactions.items())),
        "redactions_total": sum(redactions.values()),
        "emulated": emulated,
        "emulator_used": bool(emulated),
        "documents": documents,
        "summary_account_masked": bool(mask_account),
    }
    return files, predicate


def _statement(files: dict[str, bytes], predicate: dict[str, Any], signed: bool) -> dict[str, Any]:
    names = sorted(files)
    pred = dict(predicate)
    pred["files"] = {n: {"sha256": sha256_hex(files[n]), "size": len(files[n])} for n in names}
    pred["signature"] = {"algorithm": "Ed25519", "file": SIGNATURE} if signed else None
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": n, "digest": {"sha256": pred["files"][n]["sha256"]}} for n in names],
        "predicateType": PREDICATE_TYPE,
        "predicate": pred,
    }


def _sums(files: dict[str, bytes]) -> bytes:
    return "".join(f"{sha256_hex(files[n])}  {n}\n" for n in sorted(files)).encode("utf-8")


def _zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(entries):
            data = entries[name]
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.create_system = 3
            info.external_attr = (0o100644 & 0xFFFF) << 16
            method = zipfile.ZIP_DEFLATED
            if len(data) >= 1024:
                co = zlib.compressobj(9, zlib.DEFLATED, -15)
                clen = len(co.compress(data) + co.flush())
                if len(data) / max(clen, 1) > _WRITE_RATIO_LIMIT:
                    method = zipfile.ZIP_STORED
            info.compress_type = method
            zf.writestr(info, data, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None)
    return buf.getvalue()


def bundle_bytes(loaded: Any, run: Any, *, mask_account: bool = False, sign_key: Any = None) -> bytes:
    """The bundle as bytes (deterministic for the same inputs)."""
    private = _load_private_key(sign_key) if sign_key is not None else None
    files, predicate = build_files(loaded, run, mask_account=mask_account)
    total = sum(len(v) for v in files.values())
    if total > MAX_TOTAL_UNCOMPRESSED // 2:
        raise OutputError(f"bundle would hold {total:,} bytes; documents and responses must stay under 100 MB")
    manifest = canonical_json(_statement(files, predicate, signed=private is not None))
    entries = dict(files)
    entries[MANIFEST] = manifest
    if private is not None:
        entries[SIGNATURE] = private.sign(manifest)
    entries[SUMS] = _sums(entries)
    return _zip_bytes(entries)


def check_output_path(out_path: str | Path, loaded: Any = None) -> Path:
    """Fail early (before any AWS call) when the bundle could not be written there."""
    out = Path(out_path)
    if out.is_dir():
        raise OutputError(f"{out}: is a directory; give a file name such as evidence.zip")
    if not out.parent.is_dir():
        raise OutputError(f"{out.parent}: folder does not exist")
    if not os.access(out.parent, os.W_OK | os.X_OK):
        raise OutputError(f"{out.parent}: folder is not writable")
    if loaded is not None and out.exists():
        try:
            same = out.resolve() == Path(loaded.path).resolve()
        except OSError:
            same = False
        if same:
            raise OutputError(f"{out}: refusing to overwrite the profile with the bundle")
    return out


def load_signing_key(path: str | Path | bytes):
    """Load an Ed25519 private key (PEM) for ``--sign``; raises OptionalDependencyMissing without cryptography."""
    return _load_private_key(path)


def write_bundle(out_path: str | Path, loaded: Any, run: Any, *, mask_account: bool = False, sign_key: Any = None) -> Path:
    """Write the evidence bundle atomically; returns the path written."""
    from questionnaire.atomic import atomic_write

    out = check_output_path(out_path, loaded)
    data = bundle_bytes(loaded, run, mask_account=mask_account, sign_key=sign_key)
    inputs = (loaded.path,) if getattr(loaded, "path", None) else ()
    return atomic_write(out, data, inputs=inputs, what="bundle")


# ----------------------------------------------------------------------------- reading and verifying


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


def _inspect(path: str | Path, key: Any = None) -> tuple[list[str], Bundle | None]:
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

    # every file against SHA256SUMS and the manifest subject
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

    # predicate consistency (sizes, profile digest)
    pred = manifest.get("predicate") if isinstance(manifest.get("predicate"), dict) else {}
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

    # signature
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

    # the content itself
    profile = None
    if "profile.yaml" in members:
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


def verify(path: str | Path, key: Any = None) -> list[str]:
    """Every problem of the bundle (empty list = intact). Raises only for unusable arguments."""
    problems, _ = _inspect(path, key)
    return problems


def load_bundle(path: str | Path, key: Any = None) -> Bundle:
    """Verify the bundle and return its content; raise BundleError listing every problem."""
    problems, bundle = _inspect(path, key)
    if problems or bundle is None:
        first = problems[0] if problems else "invalid bundle"
        msg = first if len(problems) == 1 else f"{path}: {len(problems)} problems, the bundle is not intact"
        raise BundleError(msg, problems)
    return bundle
