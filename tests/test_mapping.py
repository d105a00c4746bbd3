"""Mappings: data integrity, controls_for, version detection, id-based matching against the real questionnaires."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from questionnaire import mapping
from questionnaire.catalog import load_catalog
from questionnaire.checks import REGISTRY
from questionnaire.findings import Finding, Status

SHARED = Path(__file__).resolve().parents[2] / "shared" / "questionnaires"

FRAMEWORKS = {"soc2", "iso27001", "iso42001", "nist-ai-rmf", "eu-ai-act", "gdpr", "hipaa", "caiq", "ai-caiq", "hecvat", "hecvat3"}


def test_every_mapping_loads_and_references_only_existing_ids():
    fws = mapping.load_mappings()
    assert set(fws) == FRAMEWORKS
    for fw in fws.values():
        assert fw.title and fw.version and fw.source and fw.controls
    assert mapping.load_mappings()["caiq"].version == "4.0.3"
    assert mapping.load_mappings()["ai-caiq"].version == "1.1.0"
    problems = mapping.validate_mappings(REGISTRY, [e.id for e in load_catalog()])
    assert problems == []


def test_validate_reports_unknown_ids_and_unmapped_checks():
    problems = mapping.validate_mappings(list(REGISTRY) + ["new.check"], [e.id for e in load_catalog()][:5])
    assert "check new.check is mapped to no framework" in problems
    assert any("unknown check or catalog id" in p for p in problems)


def test_bad_mapping_file_is_rejected(tmp_path):
    (tmp_path / "x.yaml").write_text(
        "framework: x\nname: X\nversion: '1'\nsource: s\ncontrols: {A: a}\nmap: {bedrock.guardrail.exists: [B]}\n"
    )
    from questionnaire.errors import InputFileError

    with pytest.raises(InputFileError, match="unknown control 'B'"):
        mapping.load_mappings(tmp_path)


def test_every_check_and_entry_has_controls():
    for cid in REGISTRY:
        assert mapping.controls_for(cid), cid
    for e in load_catalog():
        assert mapping.controls_for(e.id), e.id
    c = mapping.controls_for("bedrock.invocation_logging.enabled")
    assert "A.8.15" in c["iso27001"] and "164.312(b)" in c["hipaa"] and "Art. 26(6)" in c["eu-ai-act"]
    assert mapping.controls_for("no.such.id") == {}


def test_mapping_files_store_no_question_text():
    # only ids, short titles, fingerprints and a few keywords
    for fw in mapping.load_mappings().values():
        for title in fw.controls.values():
            assert len(title) <= 70, title
        for q in fw.questions.values():
            assert set(q) <= {"catalog_id", "fingerprint", "keywords", "title"}
            assert len(q["keywords"]) <= 4


def test_annotate_findings():
    f = Finding("kms.key_rotation.enabled", "main", "eu-central-1", Status.PASS, True, True, "ok")
    (g,) = mapping.annotate_findings([f])
    assert g.controls["iso27001"] == ["A.8.24"] and g.id == f.id and f.controls == {}


def test_detect_version_from_cells():
    blob = json.dumps({"specification_name": "AI Controls Matrix", "specification_version": "1.1.0", "caiq_version": "1.1.0"})
    assert mapping.detect_version([blob], ["AI-CAIQv1.1.0"]) == "ai-caiq:1.1.0"
    assert mapping.detect_version(["v4.0.3"], ["Introduction", "CAIQv4.0.3"]) == "caiq:4.0.3"
    assert mapping.detect_version(["v4.0.2"], ["CAIQv4.0.2"]) == "caiq:4.0.2"
    assert mapping.detect_version(["v4.0.3"], ["Sheet1"]) is None
    assert mapping.detect_version(["hello"], ["Sheet1"]) is None


def test_wrong_version_or_disagreeing_text_falls_back():
    fw = mapping.load_mappings()["caiq"]
    qid = "LOG-04.1"
    spec = fw.questions[qid]
    text = "Is access to audit logs restricted to " + " ".join(spec["keywords"]) + "?"
    hit = mapping.match_by_question_id(qid, text, "caiq:4.0.3")
    assert hit is not None and hit.catalog_id == "audit.log_access" and hit.confidence == 1.0
    assert mapping.match_by_question_id(qid, text, "caiq:4.0.2") is None  # other version: text matching
    assert mapping.match_by_question_id(qid, text, None) is None
    assert mapping.match_by_question_id(qid, "Is physical access to the data centre logged?", "caiq:4.0.3") is None
    # AI-CAIQ reuses CAIQ ids with other meanings: the CAIQ text does not pass the AI-CAIQ guard
    assert mapping.match_by_question_id("LOG-09.1", "Does the information system protect audit records?", "ai-caiq:1.1.0") is None


def _rows(path, sheet, first, last, data_only=False):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    version = mapping.detect_workbook_version(wb)
    rows = {str(r[0]).strip(): str(r[1]) for r in wb[sheet].iter_rows(min_row=first, max_row=last, max_col=2, values_only=True) if r[0] and r[1]}
    wb.close()
    return version, rows


needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared questionnaires not present")


@needs_shared
@pytest.mark.parametrize("name", ["csa-caiq-v4.0.3-blank.xlsx", "csa-caiq-v4.0.3-filled-whitepact.xlsx"])
def test_caiq_by_id(name):
    version, rows = _rows(SHARED / name, "CAIQv4.0.3", 3, 263)
    assert version == "caiq:4.0.3"
    expected = {"LOG-04.1": "audit.log_access", "LOG-09.1": "audit.log_integrity", "DSP-04.1": "data.classification_policy"}
    for qid, cid in expected.items():
        hit = mapping.match_by_question_id(qid, rows[qid], version)
        assert hit is not None and hit.catalog_id == cid, qid
    hit = mapping.match_by_question_id("LOG-12.1", rows["LOG-12.1"], version)
    assert hit is not None and hit.catalog_id is None  # known out of scope
    assert mapping.match_by_question_id("A&A-01.1", rows["A&A-01.1"], version) is None  # unknown id: text matching
    # every mapped id agrees with its own question text
    for qid in mapping.load_mappings()["caiq"].questions:
        assert mapping.match_by_question_id(qid, rows[qid], version) is not None, qid
    # the same ids under the AI-CAIQ version are refused (renumbered meanings)
    assert mapping.match_by_question_id("LOG-09.1", rows["LOG-09.1"], "ai-caiq:1.1.0") is None


@needs_shared
def test_ai_caiq_by_id():
    version, rows = _rows(SHARED / "csa-ai-caiq-v1.1.0-stop-guessing.xlsx", "AI-CAIQv1.1.0", 3, 322)
    assert version == "ai-caiq:1.1.0"
    expected = {"LOG-15.1": "audit.invocation_logging", "AIS-09.1": "guardrails.prompt_injection", "IAM-18.1": "agents.least_privilege",
                "LOG-10.1": "audit.log_integrity"}
    for qid, cid in expected.items():
        assert mapping.match_by_question_id(qid, rows[qid], version).catalog_id == cid
    assert mapping.match_by_question_id("MDS-09.1", rows["MDS-09.1"], version).catalog_id is None
    # a CAIQ-like sheet with the wrong version: detected, then no id match
    assert mapping.match_by_question_id("LOG-15.1", rows["LOG-15.1"], "ai-caiq:1.0.2") is None


@needs_shared
def test_hecvat4_by_id():
    version, rows = _rows(SHARED / "educause-hecvat-4.1.4-full-blank-metaredacted.xlsx", "AI", 1, 70, data_only=True)
    assert version == "hecvat:4"
    expected = {"AIQU-02": "general.ai_used", "AISC-03": "audit.invocation_logging", "AILM-03": "agents.human_approval",
                "AISC-02": "training.customer_data_used"}
    for qid, cid in expected.items():
        assert mapping.match_by_question_id(qid, rows[qid], version).catalog_id == cid
    assert mapping.match_by_question_id("AIML-08", rows["AIML-08"], version).catalog_id is None


@needs_shared
def test_hecvat3_by_id():
    version, rows = _rows(SHARED / "educause-hecvat-3.00-filled-opendsa-redacted.xlsx", "HECVAT - Full", 1, 260, data_only=True)
    assert version == "hecvat3:3"
    assert mapping.match_by_question_id("DATA-03", rows["DATA-03"], version).catalog_id == "network.encryption_in_transit"
    assert mapping.match_by_question_id("AAAI-17", rows["AAAI-17"], version).catalog_id == "audit.api_activity_logging"
    assert mapping.match_by_question_id("DATA-03", rows["DATA-03"], "hecvat:4") is None


# ------------------------------------------------------------------ through the matcher and fill


def test_matcher_uses_ids_only_for_the_detected_version():
    from questionnaire.matching import Matcher

    spec = mapping.load_mappings()["ai-caiq"].questions["LOG-15.1"]
    text = "Are all AI input events logged? " + " ".join(spec["keywords"])
    right = Matcher(load_catalog(), detected_version="ai-caiq:1.1.0").match(text, "LOG-15.1")
    assert right.catalog_id == "audit.invocation_logging" and right.confidence == 1.0 and "question id" in right.reason
    wrong = Matcher(load_catalog(), detected_version="ai-caiq:1.0.2").match(text, "LOG-15.1")
    assert "question id" not in wrong.reason and wrong.confidence < 1.0  # text matching decided


def _caiq_like(path, version):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"CAIQ{version}"
    ws["A1"] = version
    ws.append(["Question ID", "Question", "CSP CAIQ Answer", "CSP Implementation Description"])
    spec = mapping.load_mappings()["caiq"].questions["LOG-12.1"]  # known out of scope in 4.0.3
    ws.append(["LOG-12.1", "Are AI model invocations (prompts and responses) logged? " + " ".join(spec["keywords"]), None, None])
    wb.save(path)


@pytest.mark.parametrize("version, by_id", [("v4.0.3", True), ("v4.0.2", False)])
def test_caiq_like_sheet_version_detected_then_id_or_text(tmp_path, version, by_id):
    from questionnaire.documents import excel
    from questionnaire.fill import _load_matcher

    src = tmp_path / "caiq.xlsx"
    _caiq_like(src, version)
    wb = excel.Workbook(src)
    try:
        assert mapping.detect_workbook_version(wb) == "caiq:" + version[1:]
        matcher = _load_matcher(None, wb)
    finally:
        wb.close()
    spec = mapping.load_mappings()["caiq"].questions["LOG-12.1"]
    m = matcher.match("Are AI model invocations (prompts and responses) logged? " + " ".join(spec["keywords"]), "LOG-12.1")
    if by_id:
        assert m.catalog_id is None and "out of scope" in m.reason
    else:  # wrong version: the id is ignored and the text decides
        assert m.catalog_id == "audit.invocation_logging", m


@needs_shared
def test_fill_real_ai_caiq_answers_by_id(tmp_path):
    from questionnaire.fill import fill
    from questionnaire.profile import load_profile
    from conftest import EXAMPLE_PROFILE

    prof = load_profile(EXAMPLE_PROFILE).profile
    res = fill(SHARED / "csa-ai-caiq-v1.1.0-stop-guessing.xlsx", tmp_path / "out.xlsx", profile=prof, source="profile")
    items = {i.question_id: i for i in res.items if i.question_id}
    assert items["LOG-15.1"].catalog_id == "audit.invocation_logging" and items["LOG-15.1"].confidence == 1.0
    assert items["AIS-09.1"].catalog_id == "guardrails.prompt_injection"
    assert items["MDS-09.1"].catalog_id is None
