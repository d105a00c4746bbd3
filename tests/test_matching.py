"""Question -> catalog entry matching (questionnaire/matching.py)."""

from __future__ import annotations

import sys
import time
import types
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from questionnaire.matching import Match, Matcher, has_ai_anchor, is_ai_section, load_entries, normalise, tokens

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "data" / "matching_devset.yaml"
PHRASINGS = ROOT / "templates" / "phrasings.yaml"


@pytest.fixture(scope="module")
def entries():
    return load_entries()


@pytest.fixture(scope="module")
def matcher(entries):
    return Matcher(entries, use_id_mapping=False)


@pytest.fixture(scope="module")
def devset():
    return yaml.safe_load(DEVSET.read_text(encoding="utf-8"))["questions"]


def _accepted(item):
    exp = item["expected"]
    if exp == "none":
        return set()
    return set(exp) if isinstance(exp, list) else {exp}


# ------------------------------------------------------------------ the dev set


def test_devset_shape(devset, entries):
    ids = {e["id"] for e in entries}
    real = [i for i in devset if i["source"] != "synthetic"]
    assert len(real) >= 150
    assert sum(1 for i in devset if i["source"] == "synthetic") >= 30
    assert {i["split"] for i in devset} == {"dev", "holdout"}
    answerable = [i for i in devset if _accepted(i)]
    assert 0.25 <= len(answerable) / len(devset) <= 0.6
    for i in devset:
        assert i["text"].strip() and i["id"]
        assert _accepted(i) <= ids, i  # every label is a real catalog id
    keys = [(i["source"], i["id"]) for i in devset]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("split", ["all", "dev", "holdout"])
def test_devset_precision_and_recall(matcher, devset, split):
    items = devset if split == "all" else [i for i in devset if i["split"] == split]
    correct = wrong = 0
    wrongs = []
    for it in items:
        m = matcher.match(it["text"])
        if m.catalog_id is None:
            continue
        if m.catalog_id in _accepted(it):
            correct += 1
        else:
            wrong += 1
            wrongs.append((it["source"], it["id"], m.catalog_id))
    answerable = sum(1 for i in items if _accepted(i))
    # the targets of the issue: wrong <= 2% of all questions, correct >= 85% of answerable
    if split == "all":
        assert wrong <= 0.02 * len(items), wrongs
    else:  # smaller splits: allow one stray error more
        assert wrong <= 0.02 * len(items) + 1, wrongs
    assert correct >= 0.85 * answerable, (correct, answerable)


# ------------------------------------------------------------------ abstention


@pytest.mark.parametrize(
    "question",
    [
        "Do you perform background checks on all employees prior to their first day of work?",
        "Do you carry cyber-risk insurance to protect against unforeseen service outages?",
        "Are the data centers staffed 24 hours a day, seven days a week?",
        "Do you require multifactor authentication for all administrative accounts?",
        "Do you have a well-documented business continuity plan that is tested annually?",
        "Does an independent third party regularly perform penetration tests on all systems?",
        "Do you log administrative access to your systems?",
        "How long do you retain security event logs?",
        "Are audit logs protected from unauthorized modification and deletion?",
        "Is customer data encrypted at rest?",
        "Is the transport of sensitive data encrypted?",
        "Where is your company headquartered?",
        "Do you perform security assessments of third-party companies with which you share data?",
        "Is security awareness training mandatory for all employees?",
        "Does your solution have an AI risk model?",
        "Have your staff completed responsible AI training?",
        "Is your ML training data vetted, validated, and verified before training?",
        "Can your solution's AI features be disabled by tenant and/or user?",
        "Do you provide choice to the user to opt out of AI use?",
        "",
        "   ",
        "12345",
    ],
)
def test_abstains_on_unrelated_questions(matcher, question):
    m = matcher.match(question)
    assert m.catalog_id is None, (question, m)
    assert 0.0 <= m.confidence <= 1.0


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Are AI model invocations (requests and responses) logged?", "audit.invocation_logging"),
        ("Is customer data used to train the LLM?", "training.customer_data_used"),
        ("Do you use a large language model in your product?", "general.ai_used"),
        ("<p>Is <b>PII</b> redacted from prompts before they reach the model?</p>", "guardrails.pii_filtering"),
        ("Please list the sub-processors used for the generative AI features.", "processor.ai_subprocessors"),
        ("Where do you store application secrets (e.g. a vault)?", "secrets.manager"),
        ("Are credentials rotated regularly?", "secrets.rotation"),
        ("How long are the AI request logs retained?", "audit.log_retention"),
        ("Are AI logs encrypted at rest?", "audit.log_encryption"),
    ],
)
def test_matches_known_phrasings(matcher, question, expected):
    m = matcher.match(question)
    assert m.catalog_id == expected, m
    assert m.confidence >= matcher.threshold


def test_ai_specific_entries_need_an_ai_anchor(matcher):
    # same concept, with and without AI context
    assert matcher.match("Are requests and responses logged?").catalog_id is None
    assert matcher.match("Are LLM requests and responses logged?").catalog_id == "audit.invocation_logging"
    assert matcher.match("Is data encrypted in transit?").catalog_id is None
    assert matcher.match("Is data sent to the AI model encrypted in transit?").catalog_id == "network.encryption_in_transit"


@pytest.mark.parametrize(
    "question",
    [
        "Will you notify customers promptly of a breach?",
        "Is prompt notification given for security incidents?",
        "Are endpoint agents installed on all laptops and are their logs retained?",
        "Are browser plugins restricted?",
        "Does your data model support logging of requests and responses?",
        "Do administrative assistants have access to customer data?",
        "Are threat models built according to industry best practices?",
        "Are appropriate encryption algorithms used based on data classification?",
    ],
)
def test_look_alike_ai_words_are_not_anchors(matcher, question):
    assert not has_ai_anchor(tokens(question))
    assert matcher.match(question).catalog_id is None


def test_section_context_counts_only_for_ai_sections(matcher):
    q = "Please describe how you validate user inputs."
    assert matcher.match(q).catalog_id is None
    assert matcher.match(q, context="AI").catalog_id == "guardrails.content_filtering"
    assert matcher.match(q, context="AI-CAIQv1.1.0").catalog_id is None  # a questionnaire name, not a section
    assert matcher.match(q, context="Privacy").catalog_id is None
    assert is_ai_section("Artificial Intelligence") and not is_ai_section("Data Privacy and Security")


# ------------------------------------------------------------------ normalisation


def test_normalisation():
    assert normalise("<p>Does your <b>LLM</b>&nbsp;use Machine-Learning?</p>") == "does your ai use ai"
    assert tokens("Are logs logged? Logging!") == ["log", "log", "log"]
    assert tokens("The sub-processors and third-party vendors") == tokens("subprocessor third parties vendor")
    assert "ai" in tokens("Generative AI") and tokens("generative artificial intelligence") == ["ai"]
    assert tokens("Is the data encrypted?") == tokens("data encryption")
    assert tokens("policies") == tokens("policy")
    assert tokens("region") == ["region"]  # no over-stemming into "reg"
    assert "united states" not in normalise("Please tell us where the data is stored")
    assert "united states" in normalise("Is data processed in the US?")
    assert has_ai_anchor(tokens("Do you use ChatGPT?"))
    assert not has_ai_anchor(tokens("Does your threat model cover insiders?"))
    assert has_ai_anchor(tokens("Is the model trained on our inputs?"))


def test_confidence_is_bounded_and_monotone(matcher):
    for q in ["AI " * 500, "?!", "Is customer data used to train AI models?", "x" * 10000]:
        m = matcher.match(q)
        assert isinstance(m, Match) and 0.0 <= m.confidence <= 1.0 and m.reason
    assert Matcher.calibrate(0.8, 0.5) > Matcher.calibrate(0.3, 0.05)
    assert 0.0 < Matcher.calibrate(0.0, 0.0) < 0.5 < Matcher.calibrate(1.0, 1.0) < 1.0


# ------------------------------------------------------------------ entries and data


def test_accepts_dicts_objects_and_catalog_entries(entries):
    q = "Do you fine-tune the AI models with customer data?"
    as_objs = [SimpleNamespace(**{k: e.get(k) for k in ("id", "topic", "question", "kind")}) for e in entries]
    # objects without phrasings/keywords: rules come from templates/phrasings.yaml
    assert Matcher(as_objs).match(q).catalog_id == "training.fine_tuning"
    assert Matcher(entries).match(q).catalog_id == "training.fine_tuning"
    try:
        from questionnaire.catalog import load_catalog

        catalog = load_catalog()
    except ImportError as exc:  # catalog.py is written concurrently; its imports may not exist yet
        pytest.skip(f"questionnaire.catalog not usable yet: {exc}")
    assert Matcher(catalog).match(q).catalog_id == "training.fine_tuning"


def test_phrasings_file_covers_the_catalog(entries):
    data = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))
    assert data["version"] == 1
    ids = {e["id"] for e in entries}
    assert set(data["phrasings"]) == ids
    for eid, spec in data["phrasings"].items():
        assert len(spec["phrasings"]) >= 3, eid
        assert spec.get("keywords"), eid
        assert set(spec) <= {"phrasings", "keywords", "unless", "generic", "allow"}, eid


def test_every_phrasing_matches_its_own_entry(matcher, entries):
    misses = []
    for e in entries:
        for q in [e["question"], *e.get("phrasings", [])]:
            if not e.get("generic") and not has_ai_anchor(tokens(q)):
                continue  # e.g. the canonical "Are audit logs protected against tampering?"
            m = matcher.match(q)
            if m.catalog_id != e["id"]:
                misses.append((e["id"], q, m.catalog_id))
    assert not misses


# ------------------------------------------------------------------ id hook


def test_id_mapping_hook_runs_before_text(monkeypatch, entries):
    calls = []

    def match_by_question_id(question_id, question_text, detected_version):
        calls.append((question_id, detected_version))
        if question_id == "AIGN-04":
            return SimpleNamespace(catalog_id="general.ai_use_description", confidence=0.99)
        if question_id == "HFIH-04":
            return SimpleNamespace(catalog_id=None, confidence=1.0)  # explicitly out of scope
        return None

    fake = types.ModuleType("questionnaire.mapping")
    fake.match_by_question_id = match_by_question_id
    monkeypatch.setitem(sys.modules, "questionnaire.mapping", fake)
    import questionnaire

    monkeypatch.setattr(questionnaire, "mapping", fake, raising=False)
    m = Matcher(entries, detected_version="hecvat-4.1.4")
    hit = m.match("Please describe the capabilities of your solution's AI features.", question_id="AIGN-04")
    assert hit.catalog_id == "general.ai_use_description" and "AIGN-04" in hit.reason
    out = m.match("Are AI model invocations logged?", question_id="HFIH-04")
    assert out.catalog_id is None and "out of scope" in out.reason
    # unknown id: falls through to text matching
    assert m.match("Are AI model invocations logged?", question_id="XYZ-1").catalog_id == "audit.invocation_logging"
    assert calls[0] == ("AIGN-04", "hecvat-4.1.4")
    # without an id the mapping is not consulted
    n = len(calls)
    m.match("Are AI model invocations logged?")
    assert len(calls) == n


# ------------------------------------------------------------------ speed


def test_speed(entries):
    t0 = time.perf_counter()
    m = Matcher(entries, use_id_mapping=False)
    build = time.perf_counter() - t0
    base = [
        "Is customer data used to train AI models?",
        "Do you log administrative access to your systems?",
        "Are processes, procedures, and technical measures defined, implemented, and evaluated for the periodic "
        "performance of penetration testing by independent third parties?",
        "Do you provide logging for your solution's AI feature(s) that includes user, date, and action taken?",
        "Where is our data processed when using the AI functionality?",
    ]
    qs = [f"{base[i % len(base)]} (item {i})" for i in range(5000)]  # distinct: no cache hits
    t0 = time.perf_counter()
    for q in qs:
        m.match(q)
    dt = time.perf_counter() - t0
    assert build < 1.0
    assert dt < 2.0, dt


def test_default_matcher_uses_the_shipped_catalog():
    from questionnaire.matching import default_matcher

    m = default_matcher()
    assert len(m.entries) == 51
    assert m.match("Are AI model invocations logged?").catalog_id == "audit.invocation_logging"
    assert default_matcher() is m  # built once


BLIND = Path(__file__).parent / "data" / "matching_blind.yaml"


def test_blind_set_precision_and_recall(matcher):
    """Fresh wording written before looking at the matcher (tests/data/matching_blind.yaml):
    answering with the wrong entry (or answering an out-of-scope question) must stay rare."""
    items = yaml.safe_load(BLIND.read_text(encoding="utf-8"))["questions"]
    assert len(items) >= 120
    wrong, correct, answerable = [], 0, 0
    for it in items:
        exp = it["expected"]
        ok = set() if exp in (None, "none") else ({exp} if isinstance(exp, str) else set(exp))
        got = matcher.match(it["text"]).catalog_id
        answerable += bool(ok)
        if got is not None and got in ok:
            correct += 1
        elif got is not None:
            wrong.append((it["id"], got, it["text"]))
    assert len(wrong) <= 0.02 * len(items), wrong
    assert correct >= 0.90 * answerable, (correct, answerable)
