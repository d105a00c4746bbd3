from __future__ import annotations

import copy

import pytest
import yaml

from questionnaire.catalog import known_check_ids, load_catalog, parse_catalog
from questionnaire.errors import InputFileError
from questionnaire.resources import templates_dir

from answers_fixtures import CONTRACT

TOPICS = {
    "training", "processor", "residency", "auditability", "vendor_agreements", "account_tier",
    "data_classification", "coding_agents", "secrets", "agents", "guardrails", "network", "retention",
}
ORIGINAL_IDS = [  # ids the lead wrote; other engineers match and map against them
    "training.customer_data_used", "training.outputs_used", "training.fine_tuning", "training.opt_out",
    "training.abuse_monitoring_retention", "processor.ai_subprocessors", "processor.model_developer_access",
    "processor.third_party_models", "processor.hosting_provider", "residency.regions", "residency.outside_eea",
    "residency.cross_region_inference", "residency.stays_in_region", "audit.invocation_logging",
    "audit.api_activity_logging", "audit.log_retention", "audit.log_integrity", "audit.log_encryption",
    "audit.log_access", "audit.customer_audit", "vendor.dpa", "vendor.separate_model_agreement",
    "vendor.ai_providers", "accounts.company_accounts_only", "accounts.consumer_prohibited", "general.ai_used",
    "general.ai_use_description", "general.security_contact", "data.classification_policy",
    "data.restricted_prohibited", "data.categories_per_deployment", "data.ai_use_policy", "coding.company_accounts",
    "coding.secrets_excluded", "coding.no_secrets_in_files", "coding.repository_access", "coding.tools",
    "secrets.manager", "secrets.rotation", "agents.least_privilege", "agents.human_approval", "agents.action_audit",
    "agents.untrusted_input", "guardrails.prompt_injection", "guardrails.pii_filtering",
    "guardrails.output_validation", "guardrails.content_filtering", "network.private_endpoint",
    "network.encryption_in_transit", "retention.provider_retention", "retention.provider_stores_data",
]


def raw_catalog():
    return yaml.safe_load((templates_dir() / "catalog.yaml").read_text(encoding="utf-8"))


def test_catalog_loads_with_every_original_id_and_topic():
    entries = load_catalog()
    ids = [e.id for e in entries]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)
    assert set(ORIGINAL_IDS) <= set(ids)
    assert TOPICS <= {e.topic for e in entries}
    for e in entries:
        assert e.profile_fields and e.template.strip()
        assert set(e.all_checks) <= known_check_ids()
        if e.kind == "yes_no":
            assert e.value and e.claim in ("Yes", "No", None)


def _leaf_paths(data, prefix=""):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _leaf_paths(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(data, list) and data and all(isinstance(i, dict) for i in data):
        for item in data:
            yield from _leaf_paths(item, prefix + "[]")
    else:
        yield prefix


def test_every_contract_profile_field_is_used_by_some_answer():
    # The contract's fields (the example extends it with provider blocks not every answer cites)
    if not CONTRACT.is_file():
        pytest.skip("../shared/contract is not next to the project")
    source = CONTRACT
    contract = yaml.safe_load(source.read_text(encoding="utf-8"))
    leaves = set(_leaf_paths(contract)) - {"version"}
    used = {f for e in load_catalog() for f in e.profile_fields}
    missing = sorted(leaves - used)
    assert not missing, missing


def test_phrasings_are_merged_or_empty(tmp_path):
    base = raw_catalog()
    (tmp_path / "catalog.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")
    entries = {e.id: e for e in load_catalog(tmp_path)}
    assert entries["vendor.dpa"].phrasings == ()
    (tmp_path / "phrasings.yaml").write_text(
        yaml.safe_dump({"vendor.dpa": {"phrasings": ["Do you have a DPA with your AI vendor?"], "keywords": ["dpa"]}}),
        encoding="utf-8",
    )
    entries = {e.id: e for e in load_catalog(tmp_path)}
    assert entries["vendor.dpa"].phrasings == ("Do you have a DPA with your AI vendor?",)
    assert entries["vendor.dpa"].keywords == ("dpa",)
    assert entries["training.opt_out"].phrasings == ()


def _broken(mutate):
    data = copy.deepcopy(raw_catalog())
    mutate(data["entries"])
    return data


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda es: es[0].update(checks=["bedrock.nonexistent"]), "unknown check id 'bedrock.nonexistent'"),
        (lambda es: es[0].update(profile_fields=["deployments[].no_such_field"]), "does not exist in the profile schema"),
        (lambda es: es[0].update(template="{% if %}"), "template syntax error"),
        (lambda es: es[0].pop("value"), "need a 'value' expression"),
        (lambda es: es[0].update(claim="Maybe"), "'claim' must be Yes, No or null"),
        (lambda es: es[1].update(id=es[0]["id"]), "duplicate id"),
        (lambda es: es[0].update(kind="multiple_choice"), "kind must be one of"),
        (lambda es: es[0].update(colour="red"), "unknown key(s) colour"),
        (lambda es: es[0].update(id="NoDot"), "'id' must look like topic.name"),
        (lambda es: es[0].update(requires=["bedrock.nonexistent"]), "not in questionnaire.checks.REGISTRY"),
        (lambda es: es[0].pop("asserts"), "need 'asserts'"),
        (lambda es: next(e for e in es if e["kind"] == "text").update(asserts="x"), "only for yes_no entries"),
    ],
)
def test_invalid_catalog_is_rejected_with_one_line_message(mutate, message):
    with pytest.raises(InputFileError) as ei:
        parse_catalog(_broken(mutate), "catalog.yaml")
    assert message in str(ei.value)
    assert "\n" not in str(ei.value)


def test_invalid_yaml_names_file_and_line(tmp_path):
    (tmp_path / "catalog.yaml").write_text("version: 1\nentries: [\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"catalog.yaml:\d+: not valid YAML"):
        load_catalog(tmp_path)


def test_shipped_phrasings_file_is_merged_by_id():
    path = templates_dir() / "phrasings.yaml"
    if not path.is_file():
        pytest.skip("phrasings.yaml not shipped yet")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    ph = data.get("phrasings", data)
    entries = {e.id: e for e in load_catalog()}
    for eid, item in ph.items():
        if eid in entries and isinstance(item, dict) and item.get("phrasings"):
            assert entries[eid].phrasings == tuple(item["phrasings"])


def test_phrasings_rules_are_typed_and_unknown_keys_rejected(tmp_path):
    (tmp_path / "catalog.yaml").write_text(yaml.safe_dump(raw_catalog()), encoding="utf-8")
    (tmp_path / "phrasings.yaml").write_text(yaml.safe_dump({"vendor.dpa": {
        "inverse_phrasings": ["Is any DPA missing?"], "unless": ["sla"], "allow": ["compound"], "generic": True}}),
        encoding="utf-8")
    e = {e.id: e for e in load_catalog(tmp_path)}["vendor.dpa"]
    assert (e.inverse_phrasings, e.unless, e.allow, e.generic) == (("Is any DPA missing?",), ("sla",), ("compound",), True)
    (tmp_path / "phrasings.yaml").write_text(yaml.safe_dump({"vendor.dpa": {"keywords": ["dpa"], "colour": 1}}),
                                             encoding="utf-8")
    with pytest.raises(InputFileError, match="phrasings.yaml: unknown key"):
        load_catalog(tmp_path)


def test_catalog_check_ids_exist_in_the_check_registry():
    registry = pytest.importorskip("questionnaire.checks").REGISTRY
    repo_checks = {"repo.secrets.not_in_files", "repo.secrets.excluded_from_agent_context"}  # repo_scan, not AWS
    used = {c for e in load_catalog() for c in e.checks}
    assert used - repo_checks <= set(registry)
