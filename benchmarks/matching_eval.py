"""Evaluate the matcher on the labelled sets.

    .venv/bin/python benchmarks/matching_eval.py [--set dev|holdout|blind|polarity|polarity-blind|all]
                                                 [--verbose] [--fit] [--context]

Prints, per set, answered-correct / answered-wrong / abstained and the wrong answers.
An answer is correct when the entry is acceptable AND the polarity is the labelled one
(`same`: the question asks the entry's `asserts`; `inverse`: its negation, the written
Yes/No is flipped). Items of the older sets (dev, holdout, blind) carry an entry id only:
their polarity is `same` (the value written as is was labelled correct).

Sets: dev / holdout (tests/data/matching_devset.yaml), blind (matching_blind.yaml, blind-a
and blind-b), polarity (matching_polarity.yaml, tuned on) and polarity-blind
(matching_polarity_blind.yaml, never tuned on: printed without the wrong items unless
--verbose). ``--fit`` refits the Platt constants of ``questionnaire.matching`` on the dev
split only (features: best score, margin over the runner-up).
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

from questionnaire.matching import Matcher  # noqa: E402

DATA = ROOT / "tests" / "data"
DEVSET = DATA / "matching_devset.yaml"
BLIND = DATA / "matching_blind.yaml"
POLARITY = DATA / "matching_polarity.yaml"
POLARITY_BLIND = DATA / "matching_polarity_blind.yaml"
SETS = ("dev", "holdout", "blind", "polarity", "polarity-blind")


def _compact(row: list, split: str, source: str) -> dict:
    qid, exp, text = row
    if isinstance(exp, str) and exp.startswith("["):
        exp = [x.strip() for x in exp.strip("[]").split(",")]
    return {"source": source, "id": qid, "text": text, "expected": exp, "split": split}


def load_devset(path: Path = DEVSET) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    if path in (POLARITY, POLARITY_BLIND):
        split = "polarity" if path == POLARITY else "polarity-blind"
        return [_compact(r, split, f"synthetic-{split}") for r in data]
    return data


def load_set(name: str) -> list[dict]:
    if name in ("dev", "holdout"):
        return [i for i in load_devset(DEVSET) if i["split"] == name]
    if name == "blind":
        return load_devset(BLIND)
    return load_devset(POLARITY if name == "polarity" else POLARITY_BLIND)


def accepted(item: dict) -> set[tuple[str, str]]:
    """(entry id, polarity) pairs that count as correct; empty = must abstain."""
    exp = item["expected"]
    if exp in (None, "none"):
        return set()
    out = set()
    for e in exp if isinstance(exp, list) else [exp]:
        cid, _, pol = str(e).partition(":")
        out.add((cid, pol or "same"))
    return out


def evaluate(matcher: Matcher, items: list[dict], use_context: bool = False) -> dict:
    res = {"n": len(items), "answerable": 0, "correct": 0, "wrong": 0, "abstained": 0, "inverse": 0,
           "abstained_answerable": 0, "wrong_items": [], "missed_items": [], "conf": []}
    for it in items:
        ok = accepted(it)
        m = matcher.match(it["text"], context=it.get("sheet") if use_context else None)
        pol = getattr(m, "polarity", "same") or "same"
        res["answerable"] += bool(ok)
        if m.catalog_id is None:
            res["abstained"] += 1
            res["abstained_answerable"] += bool(ok)
            if ok:
                res["missed_items"].append((it, m))
            continue
        res["inverse"] += pol == "inverse"
        good = (m.catalog_id, pol) in ok
        res["correct" if good else "wrong"] += 1
        if not good:
            res["wrong_items"].append((it, m))
        res["conf"].append((m.confidence, good))
    return res


def report(name: str, r: dict, verbose: bool = False, show_wrong: bool = True) -> None:
    if verbose:
        for it, m in r["missed_items"]:
            print(f"  missed {it['source']} {it['id']}: expected {it['expected']}; {m.reason}\n        {it['text'][:150]}")
    n, a = r["n"], r["answerable"]
    print(f"[{name}] {n} questions, {a} answerable, {n - a} expected none")
    print(f"  correct {r['correct']}  wrong {r['wrong']} ({100 * r['wrong'] / max(n, 1):.1f}% of all)"
          f"  abstained {r['abstained']} (of which answerable {r['abstained_answerable']})"
          f"  answered inverse {r['inverse']}")
    print(f"  recall on answerable: {100 * r['correct'] / max(a, 1):.1f}%")
    if show_wrong or verbose:
        for it, m in r["wrong_items"]:
            print(f"  WRONG {it['source']} {it['id']}: got {m.catalog_id}:{getattr(m, 'polarity', 'same')} "
                  f"({m.confidence:.2f}), expected {it['expected']}\n        {it['text'][:150]}")


def fit(matcher: Matcher, items: list[dict]) -> tuple[float, float, float]:
    xs, ys = [], []
    for it in items:
        ranked = matcher.scores(it["text"])
        if not ranked:
            continue
        s1, top = ranked[0]
        s2 = ranked[1][0] if len(ranked) > 1 else 0.0
        xs.append((s1, s1 - s2))
        ys.append(1.0 if top in {c for c, _ in accepted(it)} else 0.0)
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


def _matcher() -> Matcher:
    from questionnaire.catalog import load_catalog

    return Matcher(load_catalog(), use_id_mapping=False)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="all", choices=[*SETS, "all"])
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--context", action="store_true", help="pass the sheet name as context (AI anchor)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    matcher = _matcher()
    t_build = time.perf_counter() - t0
    if args.fit:
        fit(matcher, load_set("dev"))
        return 0
    names = SETS if args.set == "all" else (args.set,)
    total = {"n": 0, "wrong": 0, "correct": 0, "abstained": 0}
    for name in names:
        items = load_set(name)
        if name == "blind":
            for sp in ("blind-a", "blind-b"):
                report(sp, evaluate(matcher, [i for i in items if i["split"] == sp]), args.verbose, sp == "blind-a")
        r = evaluate(matcher, items, args.context)
        report(name, r, args.verbose, show_wrong=name not in ("blind", "polarity-blind"))
        for k in total:
            total[k] += r[k]
    if args.set == "all":
        print(f"[overall] {total['n']} questions: correct {total['correct']}, wrong {total['wrong']} "
              f"({100 * total['wrong'] / max(total['n'], 1):.2f}%), abstained {total['abstained']}")
        qs = [i["text"] for n in SETS for i in load_set(n)] * 10
        m2 = _matcher()
        t0 = time.perf_counter()
        for q in qs:
            m2._match_text(q)
        dt = time.perf_counter() - t0
        print(f"speed: index built in {1000 * t_build:.0f} ms; {len(qs)} questions uncached in {dt:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
