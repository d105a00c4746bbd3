"""Recall without risk on the real questionnaires of ../shared/questionnaires/ (issue 16.6).

    .venv/bin/python benchmarks/real_recall.py [--dump]

Fills each file offline (example profile + compliant findings, as a bundle would give)
and scores every answered question against tests/data/real_questionnaire_labels.yaml
(question id -> expected "entry[:polarity]" or none; the questionnaires' own wording is
referenced by id only). Prints per file: labelled in-scope questions, answered correctly,
answered wrong (wrong entry or polarity, or an out-of-scope question answered), left empty.
``--dump`` lists every answered question (id, entry, polarity) for labelling.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QDIR = Path(__import__("os").environ.get("QUESTIONNAIRES_DIR") or ROOT.parent / "shared" / "questionnaires")
LABELS = ROOT / "tests" / "data" / "real_questionnaire_labels.yaml"
FILES = ["csa-caiq-v4.0.3-blank.xlsx", "csa-ai-caiq-v1.1.0-stop-guessing.xlsx",
         "educause-hecvat-3.00-filled-opendsa-redacted.xlsx", "educause-hecvat-4.1.4-full-blank-metaredacted.xlsx"]


def _fill(path: Path) -> list[dict]:
    from questionnaire.fill import fill
    from tests.answers_fixtures import compliant_findings, example_profile

    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fill(path, Path(tmp) / path.name, profile=example_profile(), findings=compliant_findings())
    return [it.to_dict() for it in res.items]


def _expected(label) -> set[tuple[str, str]]:
    if label in (None, "none"):
        return set()
    out = set()
    for e in label if isinstance(label, list) else [label]:
        cid, _, pol = str(e).partition(":")
        out.add((cid, pol or "same"))
    return out


def score(name: str, items: list[dict], labels: dict) -> dict:
    r = {"in_scope": 0, "correct": 0, "wrong": 0, "empty": 0, "unlabelled_answers": [], "wrong_items": []}
    seen = set()
    for it in items:
        qid = it.get("question_id") or it["location"]
        if qid in seen:
            continue
        seen.add(qid)
        ok = _expected(labels.get(qid, "none")) if qid in labels else None
        got = (it["catalog_id"], it.get("polarity") or "same") if it["catalog_id"] and it["answer"] else None
        if ok:
            r["in_scope"] += 1
        if got is None:
            r["empty"] += bool(ok)
            continue
        if ok is None:
            r["unlabelled_answers"].append((qid, got))
        elif got in ok:
            r["correct"] += 1
        else:
            r["wrong"] += 1
            r["wrong_items"].append((qid, got, labels.get(qid)))
    return r


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", action="store_true")
    args = ap.parse_args()
    labels = (yaml.safe_load(LABELS.read_text(encoding="utf-8")) or {}).get("files", {}) if LABELS.exists() else {}
    for name in FILES:
        items = _fill(QDIR / name)
        if args.dump:
            for it in items:
                if it["catalog_id"] and it["answer"]:
                    print(f"{name}\t{it.get('question_id') or it['location']}\t{it['catalog_id']}:{it.get('polarity') or 'same'}"
                          f"\t{it['question'][:110]}")
            continue
        r = score(name, items, labels.get(name, {}))
        print(f"[{name}] in-scope {r['in_scope']}: answered correctly {r['correct']}, wrong {r['wrong']}, "
              f"left empty {r['empty']}; unlabelled answers {len(r['unlabelled_answers'])}")
        for qid, got, exp in r["wrong_items"]:
            print(f"  WRONG {qid}: got {got[0]}:{got[1]}, expected {exp}")
        for qid, got in r["unlabelled_answers"]:
            print(f"  UNLABELLED {qid}: {got[0]}:{got[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
