"""Evaluate the matcher on the labelled dev set.

    .venv/bin/python benchmarks/matching_eval.py [--split dev|holdout|all] [--verbose] [--fit]

Prints, per split, answered-correct / answered-wrong / abstained (and on the
answerable questions), lists every wrong answer, and a reliability table
(confidence bin -> precision). ``--fit`` refits the Platt constants of
``questionnaire.matching`` on the dev split only (features: best score,
margin over the runner-up; target: the best gated entry is acceptable).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from questionnaire.matching import Matcher, load_entries  # noqa: E402

DEVSET = ROOT / "tests" / "data" / "matching_devset.yaml"
BLIND = ROOT / "tests" / "data" / "matching_blind.yaml"


def load_devset(path: Path = DEVSET) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def accepted(item: dict) -> set[str]:
    exp = item["expected"]
    if exp in (None, "none"):
        return set()
    return set(exp) if isinstance(exp, list) else {exp}


def evaluate(matcher: Matcher, items: list[dict], use_context: bool = False) -> dict:
    res = {"n": len(items), "answerable": 0, "correct": 0, "wrong": 0, "abstained": 0,
           "abstained_answerable": 0, "wrong_items": [], "conf": []}
    for it in items:
        ok = accepted(it)
        m = matcher.match(it["text"], context=it.get("sheet") if use_context else None)
        res["answerable"] += bool(ok)
        if m.catalog_id is None:
            res["abstained"] += 1
            res["abstained_answerable"] += bool(ok)
            if ok:
                res.setdefault("missed_items", []).append((it, m))
        elif m.catalog_id in ok:
            res["correct"] += 1
        else:
            res["wrong"] += 1
            res["wrong_items"].append((it, m))
        if m.catalog_id is not None:
            res["conf"].append((m.confidence, m.catalog_id in ok))
    return res


def report(name: str, r: dict, verbose: bool = False) -> None:
    if verbose:
        for it, m in r.get("missed_items", []):
            print(f"  missed {it['source']} {it['id']}: expected {it['expected']}; {m.reason}\n        {it['text'][:150]}")
    n, a = r["n"], r["answerable"]
    print(f"[{name}] {n} questions, {a} answerable, {n - a} expected none")
    print(f"  answered-correct {r['correct']}  answered-wrong {r['wrong']} ({100 * r['wrong'] / max(n, 1):.1f}% of all)"
          f"  abstained {r['abstained']} (of which answerable {r['abstained_answerable']})")
    print(f"  recall on answerable: {100 * r['correct'] / max(a, 1):.1f}%")
    for it, m in r["wrong_items"]:
        print(f"  WRONG {it['source']} {it['id']}: got {m.catalog_id} ({m.confidence:.2f}), "
              f"expected {it['expected']}\n        {it['text'][:150]}")


def fit(matcher: Matcher, items: list[dict]) -> tuple[float, float, float]:
    xs, ys = [], []
    for it in items:
        ranked = matcher.scores(it["text"])
        if not ranked:
            continue
        s1, top = ranked[0]
        s2 = ranked[1][0] if len(ranked) > 1 else 0.0
        xs.append((s1, s1 - s2))
        ys.append(1.0 if top in accepted(it) else 0.0)
    a = b = c = 0.0
    lr, l2 = 0.5, 1e-3
    for _ in range(20000):  # plain gradient descent on the log loss
        ga = gb = gc = 0.0
        for (s, m), y in zip(xs, ys):
            p = 1 / (1 + math.exp(-(a * s + b * m + c)))
            ga += (p - y) * s
            gb += (p - y) * m
            gc += p - y
        k = len(xs)
        a -= lr * (ga / k + l2 * a)
        b -= lr * (gb / k + l2 * b)
        c -= lr * gc / k
    print(f"fitted on {len(xs)} gated dev questions ({int(sum(ys))} positive): _PLATT = ({a:.2f}, {b:.2f}, {c:.2f})")
    return a, b, c


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="all", choices=["dev", "holdout", "all"])
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--context", action="store_true", help="pass the sheet name as context (AI anchor)")
    ap.add_argument("--blind", choices=["blind-a", "blind-b", "both"],
                    help="score the blind set (tests/data/matching_blind.yaml) instead of the dev set")
    args = ap.parse_args()
    if args.blind:
        blind = load_devset(BLIND)
        matcher = Matcher(load_entries())
        sps = ["blind-a", "blind-b"] if args.blind == "both" else [args.blind]
        for sp in sps:
            report(sp, evaluate(matcher, [i for i in blind if i["split"] == sp]), args.verbose)
        if args.blind == "both":
            report("blind (all)", evaluate(matcher, blind), False)
        return 0
    items = load_devset()
    t0 = time.perf_counter()
    matcher = Matcher(load_entries())
    t_build = time.perf_counter() - t0
    if args.fit:
        fit(matcher, [i for i in items if i["split"] == "dev"])
        return 0
    splits = ["dev", "holdout"] if args.split == "all" else [args.split]
    total = None
    for sp in splits:
        r = evaluate(matcher, [i for i in items if i["split"] == sp], args.context)
        report(sp, r, args.verbose)
    if args.split == "all":
        total = evaluate(matcher, items, args.context)
        report("all", total, args.verbose)
        for label, sel in (("real questionnaires", lambda i: i["source"] != "synthetic"),
                           ("synthetic", lambda i: i["source"] == "synthetic")):
            r = evaluate(matcher, [i for i in items if sel(i)], args.context)
            print(f"  {label}: {r['n']} questions, {r['answerable']} answerable: correct {r['correct']}, "
                  f"wrong {r['wrong']}, abstained {r['abstained']}")
        print("  reliability (confidence bin: answered, precision):")
        for lo in (0.5, 0.6, 0.7, 0.8, 0.9):
            b = [ok for c, ok in total["conf"] if lo <= c < lo + 0.1 + (lo == 0.9)]
            if b:
                print(f"    {lo:.1f}-{lo + 0.1:.1f}: {len(b):3d}, {100 * sum(b) / len(b):.0f}%")
    qs = [i["text"] for i in items] * 25
    m2 = Matcher(load_entries())
    t0 = time.perf_counter()
    for q in qs:
        m2._match_text(q)
    dt = time.perf_counter() - t0
    print(f"speed: index built in {1000 * t_build:.0f} ms; {len(qs)} questions uncached in {dt:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
