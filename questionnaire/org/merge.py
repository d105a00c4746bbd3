"""``questionnaire bundle merge``: the per-shard bundles of one organization run into one bundle.

Every input is verified first. The shards must come from the same profile and the same account listing,
with shard indices 1..N each exactly once; no finding may appear in two shards. Raw responses are united
(a path two shards both wrote with different content keeps both, the second renamed ``-shard<I>``, and its
findings cite the new name); the summary and the manifest are rebuilt over everything, so the merged
bundle covers every account of the listing and ``verify`` checks it like any other.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from questionnaire.errors import BundleError, UserInputError
from questionnaire.findings import Finding, findings_document

_ACCESS_RANK = {"failed": 0, "assumed": 1, "caller": 2}


@dataclass
class MergeResult:
    path: Path
    shards: int
    accounts: int
    findings: int
    renamed: int


def _load(paths: list[Path], key: Any) -> list[Any]:
    from questionnaire.bundle import load_bundle

    out = []
    for p in paths:
        try:
            out.append(load_bundle(p, key=key))
        except BundleError as e:
            raise UserInputError(f"{p}: shard bundle does not verify ({'; '.join(e.problems[:2])}); "
                                 f"run `questionnaire verify {p}`") from None
    return out


def _check_shards(bundles: list[Any]) -> tuple[int, dict[str, Any]]:
    """(N, the listing) after checking the shards belong together and are complete."""
    orgs = [b.predicate.get("org") for b in bundles]
    for b, org in zip(bundles, orgs):
        if not isinstance(org, dict) or not isinstance(org.get("shard"), list):
            raise UserInputError(f"{b.path}: not a shard bundle (made without `check --shard I/N`)")
    first = orgs[0]
    n = first["shard"][1]
    for b, org in zip(bundles, orgs):
        if org["shard"][1] != n:
            raise UserInputError(f"{b.path}: shard {org['shard'][0]}/{org['shard'][1]}, but {bundles[0].path} is one of {n}")
        if sorted(org["accounts"]) != sorted(first["accounts"]):
            raise UserInputError(f"{b.path}: listed {len(org['accounts'])} accounts, {bundles[0].path} listed "
                                 f"{len(first['accounts'])}: the account list changed between the shards' runs; run them again")
        if b.files["profile.yaml"] != bundles[0].files["profile.yaml"]:
            raise UserInputError(f"{b.path}: made from another profile than {bundles[0].path}")
    seen: dict[int, Path] = {}
    for b, org in zip(bundles, orgs):
        i = org["shard"][0]
        if i in seen:
            raise UserInputError(f"shard {i}/{n} given twice ({seen[i]} and {b.path})")
        seen[i] = b.path
    missing = sorted(set(range(1, n + 1)) - set(seen))
    if missing:
        raise UserInputError(f"shard(s) {', '.join(f'{i}/{n}' for i in missing)} missing: give all {n} shard bundles")
    return n, first


def _merge_raw(bundles: list[Any]) -> tuple[dict[str, bytes], list[dict[str, str]], int]:
    """United raw files; per bundle the renames of its colliding paths."""
    files: dict[str, bytes] = {}
    renames: list[dict[str, str]] = []
    renamed = 0
    for b in bundles:
        mine: dict[str, str] = {}
        i = b.predicate["org"]["shard"][0]
        for name, data in sorted(b.files.items()):
            if not name.startswith("raw/"):
                continue
            if name in files and files[name] != data:
                new = f"{name[:-len('.json')]}-shard{i}.json"
                mine[name] = new
                files[new] = data
                renamed += 1
            else:
                files.setdefault(name, data)
        renames.append(mine)
    return files, renames, renamed


def _merge_findings(bundles: list[Any], renames: list[dict[str, str]]) -> list[Finding]:
    out: dict[str, tuple[Finding, Path]] = {}
    for b, mine in zip(bundles, renames):
        for f in b.findings:
            f = dataclasses.replace(f, evidence=tuple(mine.get(e, e) for e in f.evidence))
            if f.id in out:
                raise UserInputError(f"finding {f.id} is in {out[f.id][1]} and in {b.path}: the shards overlap")
            out[f.id] = (f, b.path)
    return order_findings([f for f, _ in out.values()], bundles[0].profile)


def order_findings(findings: list[Finding], profile: Any) -> list[Finding]:
    """The runner's order: deployment (profile order), check (registry order), region, subject, account."""
    from questionnaire.checks import REGISTRY

    dep = {d.id: i for i, d in enumerate(profile.deployments)}
    chk = {c: i for i, c in enumerate(REGISTRY)}
    return sorted(findings, key=lambda f: (dep.get(f.deployment or "", 999), chk.get(f.check_id, 999), f.region or "",
                                           f.subject or "", f.account or ""))


def _merge_accounts(bundles: list[Any]) -> dict[str, dict[str, Any]]:
    """How each account was reached; an account several shards read keeps its worst access (failed first)."""
    out: dict[str, dict[str, Any]] = {}
    for b in bundles:
        for acct, info in (b.predicate.get("accounts") or {}).items():
            have = out.get(acct)
            if have is None or _ACCESS_RANK.get(info.get("access"), 3) < _ACCESS_RANK.get(have.get("access"), 3):
                out[acct] = dict(info)
    return dict(sorted(out.items()))


def _predicate(bundles: list[Any], n: int, listing: dict[str, Any], files: dict[str, bytes], findings: list[Finding],
               renames: list[dict[str, str]], accounts: dict[str, Any]) -> dict[str, Any]:
    from questionnaire.findings import summarize

    preds = [b.predicate for b in bundles]
    first = preds[0]
    redactions: dict[str, int] = {}
    for pr, mine in zip(preds, renames):
        for name, k in (pr.get("redactions") or {}).items():
            redactions[mine.get(name, name)] = max(redactions.get(mine.get(name, name), 0), int(k))
    redactions = {k: v for k, v in redactions.items() if k in files or k in ("profile.yaml", "profile.json", "findings.json")}
    covered = sorted({a for pr in preds for a in pr["org"]["covered"]})
    shards = sorted(({"shard": pr["org"]["shard"], "manifest_sha256": b.digest, "collector": pr.get("collector"),
                      "started": pr.get("started"), "ended": pr.get("ended")} for b, pr in zip(bundles, preds)),
                    key=lambda s: s["shard"][0])
    emulated = sorted({e for pr in preds for e in pr.get("emulated") or []})
    return {
        "tool": first.get("tool"), "profile": first.get("profile"), "collector": first.get("collector"),
        "started": min(pr.get("started") or "" for pr in preds) or None, "ended": max(pr.get("ended") or "" for pr in preds) or None,
        "regions": sorted({r for pr in preds for r in pr.get("regions") or []}),
        "check_ids": sorted({c for pr in preds for c in pr.get("check_ids") or []}),
        "errors": [e for pr in preds for e in pr.get("errors") or []],
        "findings_summary": summarize(findings), "redactions": dict(sorted(redactions.items())),
        "redactions_total": sum(redactions.values()), "emulated": emulated, "emulator_used": bool(emulated),
        "documents": first.get("documents") or [], "summary_account_masked": any(pr.get("summary_account_masked") for pr in preds),
        "accounts": accounts,
        "org": {"source": listing.get("source"), "accounts": sorted(listing["accounts"]), "shard": None, "covered": covered,
                "merged_from": shards},
    }


def merge_bundles(paths: list[Path], out: Path, *, key: Any = None, sign_key: Any = None) -> MergeResult:
    """Verify the shard bundles, merge them, write the merged bundle atomically."""
    from questionnaire.atomic import atomic_write
    from questionnaire.bundle import account_rows, check_output_path, package
    from questionnaire.bundle_format import _load_private_key, canonical_json, sha256_hex
    from questionnaire.redaction import redact
    from questionnaire.summary import build_summary, render_html, render_markdown

    if len(paths) < 1:
        raise UserInputError("give the shard bundles to merge")
    check_output_path(out)
    private = _load_private_key(sign_key) if sign_key is not None else None
    bundles = _load(paths, key)
    n, listing = _check_shards(bundles)
    raw, renames, renamed = _merge_raw(bundles)
    findings = _merge_findings(bundles, renames)
    files = {k: v for k, v in bundles[0].files.items() if k in ("profile.yaml", "profile.json") or k.startswith("documents/")}
    files.update(raw)
    doc, _ = redact(findings_document(findings))
    files["findings.json"] = canonical_json(doc)
    accounts = _merge_accounts(bundles)
    predicate = _predicate(bundles, n, listing, files, findings, renames, accounts)
    summary = build_summary(bundles[0].profile, findings, identity=predicate["collector"], started=predicate["started"],
                            ended=predicate["ended"], regions=predicate["regions"], errors=predicate["errors"],
                            emulated=predicate["emulated"], mask_account=predicate["summary_account_masked"],
                            tool=" ".join(str(v) for v in (predicate["tool"] or {}).values()),
                            profile_sha256=sha256_hex(files["profile.yaml"]), accounts=account_rows(accounts, findings))
    files["SUMMARY.md"] = render_markdown(summary).encode("utf-8")
    files["summary.html"] = render_html(summary).encode("utf-8")
    data = package(files, predicate, private)
    written = atomic_write(out, data, inputs=tuple(paths), what="bundle")
    return MergeResult(written, n, len(listing["accounts"]), len(findings), renamed)
