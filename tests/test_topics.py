"""One topics vocabulary (templates/topics.yaml) for checks, catalog entries and the summary's sections."""

from __future__ import annotations

import yaml

from questionnaire.resources import templates_dir
from questionnaire.topics import SECTIONS, TOPICS, section_of


def test_every_check_and_catalog_topic_is_in_the_vocabulary():
    from questionnaire.checks import REGISTRY

    assert {m["topic"] for m in REGISTRY.values()} <= TOPICS
    catalog = yaml.safe_load((templates_dir() / "catalog.yaml").read_text(encoding="utf-8"))
    assert {e["topic"] for e in catalog["entries"]} <= TOPICS


def test_topics_map_to_summary_sections():
    keys = [k for k, _ in SECTIONS]
    assert keys[-1] == "other" and len(keys) == len(set(keys))
    assert section_of("network") == "residency" and section_of("logging") == "auditability"
    assert section_of("Vendor Agreements") == "vendor_agreements" and section_of("guardrails") == "other"
    assert section_of("no_such_topic") is None and section_of(None) is None
