"""Question -> catalog entry matching (questionnaire/matching.py)."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from questionnaire.catalog import load_catalog
from questionnaire.matching import Match, Matcher, has_ai_anchor, is_ai_section, normalise, tokens

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "data" / "matching_devset.yaml"
PHRASINGS = ROOT / "templates" / "phrasings.yaml"


def _as_dict(e) -> dict:
    return {"id": e.id, "topic": e.topic, "question": e.question, "kind": e.kind, "phrasings": list(e.phrasings),
            "inverse_phrasings": list(e.inverse_phrasings), "keywords": list(e.keywords), "unless": list(e.unless),
            "allow": list(e.allow), "generic": e.generic}


@pytest.fixture(scope="module")
def entries():
    """The shipped catalog (the one loader) as plain dicts: the matcher takes both."""
    return [_as_dict(e) for e in load_catalog()]


@pytest.fixture(scope="module")
def matcher(entries):
    return Matcher(entries, use_id_mapping=False)


@pytest.fixture(scope="module")
def devset():
    return yaml.safe_load(DEVSET.read_text(encoding="utf-8"))["questions"]


def _accepted(item):
    """Acceptable entry ids (a label "id:inverse" also names the polarity, see _accepted_pol)."""
    return {cid for cid, _ in _accepted_pol(item)}


def _accepted_pol(item):
    exp = item["expected"]
    if exp == "none":
        return set()
    return {(str(e).partition(":")[0], str(e).partition(":")[2] or "same") for e in (exp if isinstance(exp, list) else [exp])}


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
        if (m.catalog_id, m.polarity) in _accepted_pol(it):
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
    as_objs = [SimpleNamespace(**e) for e in entries]
    assert Matcher(as_objs).match(q).catalog_id == "training.fine_tuning"
    assert Matcher(entries).match(q).catalog_id == "training.fine_tuning"
    assert Matcher(load_catalog()).match(q).catalog_id == "training.fine_tuning"
    # an entry without rules is matched on its own question only (no hidden second loader)
    bare = [SimpleNamespace(id=e["id"], topic=e["topic"], question=e["question"], kind=e["kind"]) for e in entries]
    assert Matcher(bare).match("Are models fine-tuned or customised with customer data?").catalog_id == "training.fine_tuning"


def test_default_matcher_does_not_hide_a_broken_catalog(monkeypatch):
    from questionnaire import catalog, matching
    from questionnaire.errors import InputFileError

    def broken(*a, **k):
        raise InputFileError("catalog.yaml: broken")

    monkeypatch.setattr(matching, "_DEFAULT", None)
    monkeypatch.setattr(catalog, "load_catalog", broken)
    with pytest.raises(InputFileError):
        matching.default_matcher()


def test_phrasings_file_covers_the_catalog(entries):
    data = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))
    assert data["version"] == 1
    ids = {e["id"] for e in entries}
    assert set(data["phrasings"]) == ids
    for eid, spec in data["phrasings"].items():
        assert len(spec["phrasings"]) >= 3, eid
        assert spec.get("keywords"), eid
        assert set(spec) <= {"phrasings", "inverse_phrasings", "keywords", "unless", "generic", "allow"}, eid


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


# ------------------------------------------------------------------ polarity (issue 16)

POLARITY = ROOT / "tests" / "data" / "matching_polarity.yaml"


def test_every_phrasing_has_the_polarity_the_cues_give(entries):
    """The phrasings are the cue data's examples: each same/inverse phrasing must be read
    with its declared polarity by questionnaire/polarity.py."""
    from questionnaire.polarity import load_rules

    rules = load_rules()
    data = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))["phrasings"]
    bad = []
    for e in entries:
        spec = data[e["id"]]
        for pol, qs in (("same", [e["question"], *spec["phrasings"]]), ("inverse", spec.get("inverse_phrasings") or [])):
            for q in qs:
                d = rules.decide(q, e["id"], e["kind"])
                if d.polarity != pol:
                    bad.append((e["id"], pol, d.polarity, d.reason, q))
    assert not bad


def test_every_yes_no_entry_has_inverse_phrasings_and_polarity_data(entries):
    from questionnaire.polarity import load_rules

    rules = load_rules()
    data = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))["phrasings"]
    for e in entries:
        if e["kind"] == "yes_no":
            assert len(data[e["id"]].get("inverse_phrasings") or []) >= 2, e["id"]
            assert e["id"] in rules.entries, e["id"]


def test_polarity_set_zero_wrong_and_both_polarities_for_every_entry(matcher, entries):
    rows = yaml.safe_load(POLARITY.read_text(encoding="utf-8"))["questions"]
    assert len(rows) >= 200
    asked: dict[str, set[str]] = {}
    wrong = []
    answered = 0
    for qid, exp, text in rows:
        exp = [x.strip() for x in exp.strip("[]").split(",")] if exp.startswith("[") else ([] if exp == "none" else [exp])
        ok = {(e.partition(":")[0], e.partition(":")[2]) for e in exp}
        for cid, pol in ok:
            asked.setdefault(cid, set()).add(pol)
        m = matcher.match(text)
        if m.catalog_id is not None:
            answered += 1
            if (m.catalog_id, m.polarity) not in ok:
                wrong.append((qid, m.catalog_id, m.polarity, text))
    assert not wrong
    assert answered >= 0.7 * sum(1 for r in rows if r[1] != "none")
    for e in entries:
        if e["kind"] == "yes_no":
            assert asked.get(e["id"], set()) >= {"same", "inverse"}, e["id"]


@pytest.mark.parametrize(
    "question, polarity",
    [
        ("Are employees allowed to use consumer AI tools with company data?", "inverse"),
        ("Is the use of consumer AI tools banned for company data?", "same"),
        ("Are consumer AI tools not permitted for company data?", "same"),  # "not permitted" is one cue
        ("Are consumer AI tools allowed or prohibited?", None),  # both sides of one pair
        ("Is it not the case that consumer AI tools are never banned?", None),  # abstain cue / double negation
    ],
)
def test_polarity_cues_generalise(question, polarity):
    from questionnaire.polarity import load_rules

    d = load_rules().decide(question, "accounts.consumer_prohibited")
    assert d.polarity == polarity, d


def test_inverse_match_and_double_negation(matcher):
    m = matcher.match("Can AI agents perform high-risk actions without human approval?")
    assert (m.catalog_id, m.polarity) == ("agents.human_approval", "inverse")
    assert matcher.match("Are AI model invocations logged?").polarity == "same"
    assert matcher.match("Are AI model invocations never not logged?").catalog_id is None
    assert matcher.match("Is customer data that is not anonymised used to train AI models?").catalog_id is None


def test_specificity_broad_entry_does_not_answer_an_audit_question(matcher):
    assert matcher.match("Do you use AI?").catalog_id == "general.ai_used"
    for q in ("Do you use AI for auditing user activity?", "Do you audit the use of AI?",
              "Do you use machine learning to detect network intrusions?",
              "Does your AI governance committee assess the societal benefit of AI?"):
        m = matcher.match(q)
        assert m.catalog_id is None, (q, m)
