"""The evidence bundle: one deterministic zip with what was declared and what AWS showed.

Layout (every name sorted, every timestamp fixed, every JSON file with sorted
keys, two-space indent and a trailing newline, so the same inputs give a
byte-identical zip)::

    profile.yaml            the profile as given (credential-looking values redacted)
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

import io
import os
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from questionnaire import TOOL_NAME, __version__
from questionnaire.errors import InputFileError, OutputError
from questionnaire.findings import Finding, findings_document
from questionnaire.bundle_format import (  # noqa: F401 - the bundle's names, re-exported
    MANIFEST,
    MAX_ENTRIES,
    MAX_RATIO,
    MAX_TOTAL_UNCOMPRESSED,
    PREDICATE_TYPE,
    SIGNATURE,
    STATEMENT_TYPE,
    SUMS,
    _load_private_key,
    canonical_json,
    sha256_hex,
)
from questionnaire.bundle_read import Bundle, load_bundle, verify  # noqa: F401 - reading lives there

_WRITE_RATIO_LIMIT = 50  # entries compressing better than this are stored, so our own bundles never look like bombs
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# raw/<region|global>/<service>/<operation>[-n].json; a run over several accounts puts the account first
_RAW_PATH_RE = re.compile(r"^raw/(\d{12}/)?[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\.json$")
_SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")


# ----------------------------------------------------------------------------- helpers


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _raw_path(raw: Any, used: set[str]) -> str:
    """The bundle path of a raw response: its own ``.path`` or one made up the documented way."""
    path = _get(raw, "path") or ""
    if path:
        if not _RAW_PATH_RE.match(path) or ".." in path.split("/"):
            raise OutputError(f"raw response path {path!r} is not raw/[<account>/]<region>/<service>/<operation>.json")
        if path in used:
            raise OutputError(f"two raw responses share the bundle path {path}")
        return path
    region = _get(raw, "region") or "global"
    service = _get(raw, "service") or "unknown"
    op = _get(raw, "operation") or "call"
    parts = ([_get(raw, "account")] if _get(raw, "account") else []) + [region, service, op]
    base = "raw/" + "/".join(_SAFE_NAME_RE.sub("_", str(p)) for p in parts)
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

# ----------------------------------------------------------------------------- writing


def _add_evidence(files: dict[str, bytes], redactions: dict[str, int], run: Any) -> tuple[dict[str, Any], list[Finding]]:
    """Raw responses and findings, redacted; every finding must cite raw responses of the run."""
    from questionnaire.redaction import redact

    used: set[str] = set()
    for raw in _get(run, "raw") or []:
        path = _raw_path(raw, used)
        used.add(path)
        clean, n = redact(_raw_dict(raw))
        files[path] = canonical_json(clean)
        redactions[path] = n
    # findings, redacted too (observed values come from the same responses)
    clean_doc, n = redact(findings_document(list(_get(run, "findings") or [])))
    files["findings.json"] = canonical_json(clean_doc)
    redactions["findings.json"] = n
    clean_findings = [Finding.from_dict(d) for d in clean_doc["findings"]]
    for f in clean_findings:
        missing = [e for e in f.evidence if e not in files]
        if missing:
            raise OutputError(f"finding {f.id} cites {missing[0]}, which is not among the raw responses of the run")
    return clean_doc, clean_findings


def _add_documents(files: dict[str, bytes], base_dir: Path, declared: list) -> list[dict[str, Any]]:
    """The profile's ``documents:`` (only regular files inside its folder) under ``documents/``."""
    from questionnaire.profile_documents import read_document

    documents = []
    taken: set[str] = set()
    for i, d in enumerate(declared):
        data = read_document(base_dir, d.path)
        digest = sha256_hex(data)
        if d.sha256 and d.sha256.lower() != digest:
            raise InputFileError(f"{d.path}: document does not match the sha256 declared in the profile")
        name = _SAFE_NAME_RE.sub("_", PurePosixPath(d.path.replace("\\", "/")).name).strip(".") or f"document-{i + 1}"
        if name in taken:
            name = f"{i + 1}-{name}"
        taken.add(name)
        files[f"documents/{name}"] = data
        documents.append({"title": d.title, "path": d.path, "file": f"documents/{name}", "sha256": digest})
    return documents


def build_files(loaded: Any, run: Any, *, mask_account: bool = False) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every content file of the bundle (not manifest/sums/signature) and the manifest predicate parts."""
    from questionnaire.redaction import redact_lines, redact_profile, redact_profile_text
    from questionnaire.summary import build_summary, render_html, render_markdown

    profile = redact_profile(loaded.profile)  # what the bundle shows of the profile: redacted too
    files: dict[str, bytes] = {}
    redactions: dict[str, int] = {}

    files["profile.yaml"], redactions["profile.yaml"] = redact_profile_text(loaded.raw_bytes)
    files["profile.json"], redactions["profile.json"] = _redacted_json(loaded.profile.normalised())

    clean_doc, clean_findings = _add_evidence(files, redactions, run)

    documents = _add_documents(files, loaded.base_dir, profile.documents)

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
        accounts=account_rows(_get(run, "accounts"), clean_findings),
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
    predicate.update(multi_account_predicate(run))
    return files, predicate


def multi_account_predicate(run: Any) -> dict[str, Any]:
    """``accounts`` (how each account was reached) and ``org`` (the listing, the shard, the accounts covered):
    only for runs over several accounts, so single-account manifests stay as they were."""
    out: dict[str, Any] = {}
    if _get(run, "accounts"):
        out["accounts"] = {a: dict(v) for a, v in sorted(_get(run, "accounts").items())}
    if _get(run, "org"):
        out["org"] = dict(_get(run, "org"))
    return out


def account_rows(accounts: dict[str, Any] | None, findings: list[Finding]) -> list[dict[str, Any]]:
    """One row per account for the summary: how it was reached and its findings' counts."""
    rows = []
    for acct, info in sorted((accounts or {}).items()):
        counts = {s: 0 for s in ("PASS", "FAIL", "UNKNOWN")}
        for f in findings:
            if f.account == acct:
                counts[f.status.value] += 1
        rows.append({"account": acct, "access": info.get("access", ""), "reason": info.get("reason") or "", **counts})
    return rows


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
    return package(files, predicate, private)


def package(files: dict[str, bytes], predicate: dict[str, Any], private: Any = None) -> bytes:
    """Content files + predicate -> the zip: manifest (in-toto Statement), optional signature, SHA256SUMS."""
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
