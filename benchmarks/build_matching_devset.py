"""Build tests/data/matching_devset.yaml from the shared questionnaires.

The labels live here (source, question id -> expected catalog id(s) or none);
the question TEXTS are read from ../shared/questionnaires/ (not shipped with the
project). Run once when labels change:

    .venv/bin/python benchmarks/build_matching_devset.py [QUESTIONNAIRES_DIR]

``expected`` is a catalog id, a list of ids a security reviewer would accept
equally, or ``none`` (the tool must leave the question empty). ``split`` is a
deterministic dev/holdout split (crc32 of the key); tune only on ``dev``.
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "questionnaires"
OUT = ROOT / "tests" / "data" / "matching_devset.yaml"

H4 = "educause-hecvat-4.1.4-full-blank-metaredacted.xlsx"
H3 = "educause-hecvat-3.00-filled-opendsa-redacted.xlsx"
AIC = "csa-ai-caiq-v1.1.0-stop-guessing.xlsx"
CAIQ = "csa-caiq-v4.0.3-blank.xlsx"
VW = "google-vsaq-webapp.json"
VI = "google-vsaq-infrastructure.json"
VS = "google-vsaq-security_privacy_programs.json"
VP = "google-vsaq-physical_and_datacenter.json"

N = "none"
LABELS: dict[str, dict[str, object]] = {
    H4: {
        "REQU-04": "general.ai_used",
        "AIQU-01": "general.ai_used",
        "AIQU-02": "general.ai_used",
        "AIGN-01": N, "AIGN-02": N, "AIGN-03": N,
        "AIGN-04": "general.ai_use_description",
        "AIGN-05": ["guardrails.pii_filtering", "data.restricted_prohibited"],
        "AIPL-01": N, "AIPL-02": N, "AIPL-03": N, "AIPL-04": N, "AIPL-05": N,
        "AISC-01": N,
        "AISC-02": "training.customer_data_used",
        "AISC-03": ["audit.invocation_logging", "agents.action_audit"],
        "AISC-04": ["guardrails.content_filtering", "guardrails.prompt_injection", "agents.untrusted_input"],
        "AISC-05": N,
        "AIML-01": N, "AIML-02": N, "AIML-03": N, "AIML-04": N, "AIML-05": N, "AIML-06": N,
        "AIML-07": "audit.invocation_logging",
        "AIML-08": N,
        "AILM-01": "agents.least_privilege",
        "AILM-02": N,
        "AILM-03": "agents.human_approval",
        "AILM-04": N, "AILM-05": N, "AILM-06": N,
        "DPAI-01": "general.ai_used",
        "DPAI-02": ["retention.provider_stores_data", "retention.provider_retention", "training.abuse_monitoring_retention"],
        "DPAI-03": ["vendor.dpa", "vendor.ai_providers"],
        "DPAI-04": ["processor.third_party_models", "processor.ai_subprocessors"],
        "DPAI-05": ["accounts.company_accounts_only", "accounts.consumer_prohibited"],
        "DPAI-06": N, "DPAI-07": N, "DPAI-08": N,
        "PRPO-08": N, "PRPO-09": N,
        "GNRL-04": N, "GNRL-08": N, "GNRL-09": N, "COMP-04": N,
        "DOCU-01": N, "DOCU-03": N, "DOCU-06": N,
        "THRD-01": N, "THRD-02": N, "PPPR-06": N, "PPPR-12": N, "PPPR-15": N,
        "AAAI-07": N, "AAAI-09": N, "AAAI-11": N, "AAAI-17": N,
        "DATA-02": N, "DATA-03": N, "DATA-07": N, "DATA-14": N, "DATA-17": N,
        "DCTR-01": N, "DCTR-03": N, "DCTR-14": N, "DCTR-16": N,
        "FIDP-05": N, "HFIH-01": N, "HFIH-04": N, "VULN-04": N,
        "INTL-01": N, "INTL-03": N, "PDAT-04": N, "DRPV-06": N, "DRPV-13": N, "PTHP-01": N,
    },
    AIC: {
        "AIS-09.1": ["guardrails.prompt_injection", "guardrails.content_filtering", "agents.untrusted_input"],
        "AIS-10.1": ["guardrails.output_validation", "guardrails.content_filtering"],
        "AIS-11.1": "agents.least_privilege",
        "AIS-15.1": ["guardrails.prompt_injection", "agents.untrusted_input"],
        "DSP-04.1": "data.classification_policy",
        "GRC-09.1": "data.ai_use_policy",
        "HRS-15.1": "data.ai_use_policy",
        "IAM-18.1": "agents.least_privilege",
        "LOG-15.1": "audit.invocation_logging",
        "LOG-16.1": "audit.invocation_logging",
        "TVM-13.1": ["guardrails.content_filtering", "guardrails.prompt_injection"],
        "GRC-15.1": "agents.human_approval",
        "A&A-01.1": N, "AIS-04.1": N, "AIS-08.1": N, "AIS-13.1": N, "AIS-14.1": N,
        "BCR-08.1": N, "CCC-03.1": N, "CEK-08.1": N, "CEK-12.1": N, "DCS-08.1": N,
        "DSP-02.1": N, "DSP-13.1": N, "DSP-14.1": N, "DSP-19.1": N, "DSP-21.1": N, "DSP-23.1": N,
        "GRC-02.1": N, "GRC-09.2": N, "GRC-11.1": N, "GRC-13.1": N,
        "HRS-01.1": N, "HRS-11.1": N, "HRS-14.1": N,
        "IAM-05.1": N, "IAM-13.1": N, "IAM-14.1": N, "IAM-16.1": N, "IAM-17.1": N,
        "IPY-03.1": N, "I&S-03.1": N,
        "LOG-02.1": N, "LOG-04.1": N, "LOG-10.1": N, "LOG-12.1": N, "LOG-13.1": N,
        "MDS-02.1": N, "MDS-08.1": N, "MDS-09.1": N, "SEF-03.1": N, "STA-09.1": N,
        "TVM-07.1": N, "TVM-13.2": N, "UEM-08.1": N,
    },
    CAIQ: {
        "DSP-04.1": "data.classification_policy",
        "A&A-02.1": N, "BCR-01.1": N, "CEK-03.1": N, "HRS-01.1": N, "HRS-11.1": N,
        "IAM-12.1": N, "IVS-03.2": N, "LOG-04.1": N, "LOG-05.1": N, "LOG-08.1": N,
        "LOG-09.1": N, "LOG-12.1": N, "STA-09.1": N, "TVM-06.1": N, "UEM-08.1": N,
        "DSP-16.1": N, "DSP-19.1": N,
    },
    H3: {
        "GNRL-14": N, "AAAI-14": N, "HIPA-19": N, "HIPA-21": N, "DATA-17": N,
        "DCTR-02": N, "THRD-01": N, "APPL-05": N, "DRPL-04": N, "FIDP-11": N,
    },
    VW: {"security_contacts": "general.security_contact", "application_custom_auth_storage_plain": N,
         "application_vm_securitycontact": N, "application_ssl_configuration_keys": N},
    VI: {
        "security_contacts": "general.security_contact",
        "servers_logging": N, "servers_logging_retention": N, "network_encryption": N,
        "clients_laptops_hd_encrypted": N, "testing_pentests": N, "servers_admin_auditing": N,
        "servers_outsourced_company": N, "network_centrallogging": N,
    },
    VS: {"secprog_vendorsec_clauses": N, "secprog_peopleops_leaver": N, "secprog_extaudits_sharereports": N},
    VP: {"dc_countries": N, "office_access": N, "dc_outsourced": N, "dc_acclogs": N},
}

# Questions in the style of customers' home-made forms (our own wording).
SYNTHETIC: list[tuple[str, object]] = [
    ("Do you use our data to train your AI models?", "training.customer_data_used"),
    ("Will any prompts or files we upload be used to improve the underlying LLM?", "training.customer_data_used"),
    ("Are the responses generated by the AI used to retrain the model?", "training.outputs_used"),
    ("Do you fine-tune models on customer content?", "training.fine_tuning"),
    ("Is our data excluded from AI training by default, or do we need to opt out?", N),
    ("Does the model provider keep prompts for abuse monitoring? For how long?", ["training.abuse_monitoring_retention", "retention.provider_retention"]),
    ("Please list all sub-processors involved in delivering the AI functionality.", "processor.ai_subprocessors"),
    ("Can OpenAI, Anthropic or any other model vendor see our prompts?", "processor.model_developer_access"),
    ("Do you rely on third-party AI/ML services (e.g. OpenAI, Bedrock)?", "processor.third_party_models"),
    ("Where are the LLMs hosted, and by which cloud provider?", "processor.hosting_provider"),
    ("In which countries/regions is our data processed by the AI features?", "residency.regions"),
    ("Is any data leaving the EU/EEA when using the generative AI features?", "residency.outside_eea"),
    ("Do you use cross-region inference for your AI requests?", "residency.cross_region_inference"),
    ("Are AI model requests and responses logged?", "audit.invocation_logging"),
    ("What is the retention period for AI usage logs?", "audit.log_retention"),
    ("Are the AI audit logs immutable / tamper-evident?", "audit.log_integrity"),
    ("Are AI logs encrypted at rest?", "audit.log_encryption"),
    ("Do you have a signed DPA with your LLM provider?", "vendor.dpa"),
    ("Which AI vendors do you use and under what contracts?", "vendor.ai_providers"),
    ("Is the use of free or personal ChatGPT accounts forbidden for company data?", "accounts.consumer_prohibited"),
    ("Are employees only allowed to use AI tools through enterprise accounts managed by the company?", "accounts.company_accounts_only"),
    ("Briefly describe the AI functionality in your product.", "general.ai_use_description"),
    ("Does your organisation have a policy on the acceptable use of generative AI tools?", "data.ai_use_policy"),
    ("Are developers allowed to paste API keys into Copilot or other AI coding assistants?", "coding.secrets_excluded:inverse"),
    ("Which AI coding assistants do your engineers use?", "coding.tools"),
    ("Where do you store application secrets (e.g. a vault or secrets manager)?", "secrets.manager"),
    ("How often are database credentials and API keys rotated?", "secrets.rotation"),
    ("Does a human approve actions taken by your AI agents before they are executed?", "agents.human_approval"),
    ("How do you protect against prompt injection?", "guardrails.prompt_injection"),
    ("Is PII redacted from prompts before it reaches the model?", "guardrails.pii_filtering"),
    ("Is traffic to the AI provider routed over a private link rather than the internet?", "network.private_endpoint"),
    ("Is data encrypted in transit to the LLM API (TLS 1.2+)?", "network.encryption_in_transit"),
    ("Does the AI vendor store our prompts after the response is returned?", "retention.provider_stores_data"),
    ("Is highly confidential data barred from being entered into AI tools?", "data.restricted_prohibited"),
    ("Do you require multi-factor authentication for all employees?", N),
    ("Do you carry cyber liability insurance?", N),
    ("Are background checks performed on new hires?", N),
    ("Do you log administrative access to your systems?", N),
    ("How long do you retain customer data after contract termination?", N),
    ("Do you have a business continuity plan that is tested annually?", N),
    ("Is an annual penetration test performed by an independent firm?", N),
]

# Written after tuning had stopped and evaluated once, unseen (always holdout):
# a fresher estimate of how the matcher does on wording it was not tuned on.
SYNTHETIC_FRESH: list[tuple[str, object]] = [
    ("Does your platform incorporate any AI or machine-learning components?", "general.ai_used"),
    ("Will our information be leveraged to enhance or train your algorithms?", "training.customer_data_used"),
    ("Is any content we submit to the assistant used for model improvement?", "training.customer_data_used"),
    ("Identify every third-party AI provider that will have access to our data.",
     ["processor.ai_subprocessors", "vendor.ai_providers", "processor.third_party_models"]),
    ("Are conversations with the chatbot stored by the vendor, and if so for how long?",
     ["retention.provider_retention", "retention.provider_stores_data"]),
    ("Can the AI agent execute transactions without a person signing off?", "agents.human_approval:inverse"),
    ("Is there a written policy governing staff use of tools like ChatGPT?", "data.ai_use_policy"),
    ("Are generative AI outputs reviewed for accuracy before being shown to users?", "guardrails.output_validation"),
    ("Do you keep an audit trail of prompts submitted to the AI?", "audit.invocation_logging"),
    ("What is the data retention period for AI prompt logs?", "audit.log_retention"),
    ("Is the AI service accessed over the public internet?", "network.private_endpoint:inverse"),
    ("Which geographic region hosts the LLM inference endpoint?", ["residency.regions", "processor.hosting_provider"]),
    ("Could our data be processed in the United States by the AI feature?", ["residency.outside_eea", "residency.regions"]),
    ("Are the ML models hosted on-premises or in the cloud?", "processor.hosting_provider"),
    ("Do your AI vendors' contracts prohibit training on our data?", ["vendor.dpa", "training.customer_data_used:inverse"]),
    ("Is the AI feature protected against jailbreaking attempts?", "guardrails.prompt_injection"),
    ("Do AI agents have read-only or restricted permissions in production?", "agents.least_privilege"),
    ("How do you stop employees from entering customer data into free AI chat tools?", "accounts.consumer_prohibited"),
    ("Are Copilot licences tied to corporate identities?", "coding.company_accounts"),
    ("How long are firewall logs retained?", N),
    ("Is there a documented password policy?", N),
    ("Are model numbers of all hardware assets tracked in an inventory?", N),
    ("Do you have an incident response plan that covers AI incidents?", N),
    ("Has your AI system been assessed for bias and fairness?", N),
    ("Are employees trained on the secure use of AI tools?", N),
    ("Do you encrypt data at rest in your databases?", N),
    ("Can customers disable the AI features for their tenant?", N),
    ("Do you have an AI ethics board?", N),
    ("Who is your Data Protection Officer?", N),
]

# A per-entry probe written while tuning (one positive per catalog entry plus
# AI-flavoured negatives); part of the dev split.
SYNTHETIC_PROBE: list[tuple[str, object]] = [
("Are customer prompts used to improve the foundation model?", "training.customer_data_used"),
("Does the vendor use submitted documents to train its AI?", "training.customer_data_used"),
("Is our content ever used for training machine learning models, including by your AI providers?", "training.customer_data_used"),
("Do you train models on AI-generated responses?", "training.outputs_used"),
("Do you build custom models by fine tuning on client datasets?", "training.fine_tuning"),
("Is there an opt-out from having our data used for AI model training?", "training.opt_out"),
("Does your LLM provider retain inputs for abuse monitoring purposes?", "training.abuse_monitoring_retention"),
("Provide a list of AI subprocessors and their locations.", "processor.ai_subprocessors"),
("Does Anthropic or OpenAI get access to the data we send to your AI assistant?", "processor.model_developer_access"),
("Does your AI functionality depend on external model providers?", "processor.third_party_models"),
("Who hosts the generative AI models used by the product?", "processor.hosting_provider"),
("Where geographically are AI prompts processed?", "residency.regions"),
("Does any AI processing happen outside the European Economic Area?", "residency.outside_eea"),
("Are Bedrock cross-region inference profiles used?", "residency.cross_region_inference"),
("Will our data remain in the EU region when processed by the LLM?", ["residency.stays_in_region", "residency.outside_eea:inverse"]),
("Do you log all prompts and completions sent to the LLM?", "audit.invocation_logging"),
("Are API calls to the AI platform captured in CloudTrail?", "audit.api_activity_logging"),
("How long do you keep logs of AI interactions?", "audit.log_retention"),
("Is log file validation enabled for AI audit logs to detect tampering?", "audit.log_integrity"),
("Are AI invocation logs encrypted with KMS keys?", "audit.log_encryption"),
("Who has access to the logs of AI prompts?", "audit.log_access"),
("Can we receive audit evidence showing how the AI processes our data?", "audit.customer_audit"),
("Is there a DPA in place with all AI vendors?", "vendor.dpa"),
("Do we need to sign a separate agreement with the AI model vendor?", "vendor.separate_model_agreement"),
("Which generative AI vendors do you use?", "vendor.ai_providers"),
("Do employees only use AI through company-provisioned enterprise accounts?", "accounts.company_accounts_only"),
("Are personal ChatGPT accounts banned for work use?", "accounts.consumer_prohibited"),
("Does the service include generative AI capabilities?", "general.ai_used"),
("Explain what the AI features in the product do.", "general.ai_use_description"),
("Who is the point of contact for AI security questions?", "general.security_contact"),
("Do you have a data classification that restricts which data can go into AI tools?", "data.classification_policy"),
("Is restricted data prohibited from being used with AI?", "data.restricted_prohibited"),
("Which data categories are processed by each AI deployment?", "data.categories_per_deployment"),
("Do you have an AI usage policy for employees?", "data.ai_use_policy"),
("Are AI coding assistants only used with company-managed accounts?", "coding.company_accounts"),
("Are .env files and credentials excluded from AI coding assistant context?", "coding.secrets_excluded"),
("Do you ensure no secrets are stored in source code repositories that AI coding assistants read?", "coding.no_secrets_in_files"),
("Are AI coding agents restricted to the repository they are working in?", "coding.repository_access"),
("What AI coding tools do your developers use?", "coding.tools"),
("Are production credentials kept in AWS Secrets Manager?", "secrets.manager"),
("Are API keys rotated at least every 90 days?", "secrets.rotation"),
("Are AI agent IAM roles scoped to least privilege?", "agents.least_privilege"),
("Does a human need to approve payments initiated by an AI agent?", "agents.human_approval"),
("Are actions of autonomous AI agents logged?", "agents.action_audit"),
("Do your AI agents treat emails and web pages as untrusted input?", "agents.untrusted_input"),
("What controls mitigate jailbreaks of the chatbot?", "guardrails.prompt_injection"),
("Do you filter personal data out of LLM prompts?", "guardrails.pii_filtering"),
("Is LLM output validated before it is executed by other systems?", "guardrails.output_validation"),
("Do you use Bedrock Guardrails or similar content filters?", "guardrails.content_filtering"),
("Is the LLM endpoint reached through a VPC endpoint?", "network.private_endpoint"),
("Is traffic to the AI model protected with TLS?", "network.encryption_in_transit"),
("What is your AI provider's data retention period for prompts?", "retention.provider_retention"),
("Does the model provider persist any of our inputs?", "retention.provider_stores_data"),
# negatives
("Do you use AI to detect fraud in payments?", N),
("Is the AI model explainable to end users?", N),
("Do you monitor AI model drift and performance?", N),
("Are AI models scanned for vulnerabilities?", N),
("Do you perform red teaming of your AI systems?", N),
("Are model weights stored securely?", N),
("Does your organisation have an AI governance committee?", N),
("Is there a process to report AI incidents to regulators?", N),
("Are database backups tested for restore?", N),
("Do you rotate encryption keys annually?", N),
("Are web server access logs retained for 90 days?", N),
("Is SSO supported for the admin console?", N),
("Do you have SOC 2 Type II?", N),
("Is the office protected by badge access?", N),
("Do you have a vulnerability disclosure program?", N),
]

# A second unseen batch, written and labelled after the fixes that followed the
# first one, evaluated once (always holdout).
SYNTHETIC_FRESH2: list[tuple[str, object]] = [
    ("Does the solution make use of any large language models (e.g., GPT-4, Claude)?", "general.ai_used"),
    ("Are end-user inputs to the AI assistant retained by the model provider?",
     ["retention.provider_stores_data", "retention.provider_retention"]),
    ("Will any of our data be used to train foundation models by you or your suppliers?", "training.customer_data_used"),
    ("Please name the hosting provider and region of the AI models.", ["processor.hosting_provider", "residency.regions"]),
    ("Is AI inference performed exclusively within the EU?",
     ["residency.stays_in_region", "residency.outside_eea:inverse", "residency.regions"]),
    ("Are LLM interactions logged, and can those logs be made available to us?",
     ["audit.invocation_logging", "audit.customer_audit"]),
    ("How is access to AI conversation logs restricted?", "audit.log_access"),
    ("Are the AI invocation logs stored in an encrypted S3 bucket?", "audit.log_encryption"),
    ("Do you block prompt-injection attacks against the chatbot?", "guardrails.prompt_injection"),
    ("Does the AI redact personal data such as names and emails before processing?", "guardrails.pii_filtering"),
    ("Do AI agents require approval from a human before sending external emails?", "agents.human_approval"),
    ("Are tool invocations by AI agents written to an audit log?", "agents.action_audit"),
    ("What guardrails are in place for the generative AI features?", "guardrails.content_filtering"),
    ("Are your engineers permitted to use personal GitHub Copilot subscriptions?", "coding.company_accounts:inverse"),
    ("Does your AI coding assistant have access to production secrets?", "coding.secrets_excluded:inverse"),
    ("Is there a data processing agreement covering the AI sub-processors?", "vendor.dpa"),
    ("Do we have to enter into a contract directly with OpenAI?", "vendor.separate_model_agreement"),
    ("Is ChatGPT Free or other consumer AI prohibited for handling client information?", "accounts.consumer_prohibited"),
    ("Are AI features only used via enterprise agreements with the provider?",
     ["accounts.company_accounts_only", "vendor.ai_providers"]),
    ("Is customer data transferred to the US for AI processing?", ["residency.outside_eea", "residency.regions"]),
    ("Do you use AI for employee performance monitoring?", N),
    ("Is your AI model compliant with the EU AI Act?", N),
    ("Do you conduct AI impact assessments?", N),
    ("Are logs from your firewalls sent to a SIEM?", N),
    ("Do you store customer data encrypted at rest with AES-256?", N),
    ("How long do you keep backups?", N),
    ("Do you have a secure software development lifecycle that covers AI components?", N),
    ("Are AI-generated outputs watermarked?", N),
    ("Can the institution's users opt out of AI features?", N),
    ("Do you have procedures for AI model version rollback?", N),
]


def _caiq_like(path: Path) -> dict[str, tuple[str, int, str]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    out: dict[str, tuple[str, int, str]] = {}
    for ws in wb.worksheets:
        if ws.title == "Questions":
            continue
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=400, max_col=3, values_only=True), 1):
            if not row or not isinstance(row[0], str) or not isinstance(row[1], str):
                continue
            qid = row[0].strip()
            if re.match(r"^([A-Z&]+-\d+\.\d+|[A-Z]{4}-\d+)$", qid) and qid not in out:
                out[qid] = (ws.title, r, " ".join(row[1].split()))
    return out


def _vsaq(path: Path) -> dict[str, tuple[str, int, str]]:
    txt = "\n".join(l for l in path.read_text().splitlines() if not l.strip().startswith("//"))
    txt = re.sub(r'"\s*\+\s*\n\s*"', "", txt)
    out: dict[str, tuple[str, int, str]] = {}

    def walk(items):
        for it in items:
            qid = it.get("id")
            if not qid and it.get("choices"):  # unnamed radio/check groups: key by first choice id
                qid = next(iter(it["choices"][0]))
            if qid and it.get("text") and it.get("type") not in ("block", "info", "tip"):
                text = " ".join(re.sub(r"<[^>]+>", " ", it["text"]).split())
                out.setdefault(qid, ("", 0, text))
            walk(it.get("items", []))

    walk(json.loads(txt)["questionnaire"])
    return out


def _split(key: str) -> str:
    return "holdout" if zlib.crc32(key.encode()) % 10 < 3 else "dev"


def main(qdir: Path = DEFAULT_DIR) -> None:
    items = []
    for src, labels in LABELS.items():
        texts = _vsaq(qdir / src) if src.endswith(".json") else _caiq_like(qdir / src)
        for qid, expected in labels.items():
            if qid not in texts:
                raise SystemExit(f"{src}: {qid} not found")
            sheet, row, text = texts[qid]
            item = {"source": src, "id": qid}
            if sheet:
                item["sheet"], item["row"] = sheet, row
            item.update(text=text, expected=expected, split=_split(f"{src}:{qid}"))
            items.append(item)
    for n, (text, expected) in enumerate(SYNTHETIC, 1):
        items.append({"source": "synthetic", "id": f"S{n:02d}", "text": text, "expected": expected,
                      "split": _split(f"synthetic:{n}")})
    for n, (text, expected) in enumerate(SYNTHETIC_FRESH, 1):
        items.append({"source": "synthetic", "id": f"F{n:02d}", "text": text, "expected": expected,
                      "split": "holdout"})
    for n, (text, expected) in enumerate(SYNTHETIC_FRESH2, 1):
        items.append({"source": "synthetic", "id": f"G{n:02d}", "text": text, "expected": expected,
                      "split": "holdout"})
    for n, (text, expected) in enumerate(SYNTHETIC_PROBE, 1):
        items.append({"source": "synthetic", "id": f"P{n:02d}", "text": text, "expected": expected, "split": "dev"})
    header = ("# Labelled questions for the matcher (generated by benchmarks/build_matching_devset.py).\n"
              "# Texts are short quotations from the questionnaires in ../shared/questionnaires/\n"
              "# (see its README for provenance and licences); `synthetic` items are our own wording.\n"
              "# expected: catalog id, list of equally acceptable ids, or none (must abstain); \"id:inverse\"\n"
              "# = the question asks the negation of the entry's asserts (the written Yes/No is flipped).\n")
    OUT.write_text(header + yaml.safe_dump({"version": 1, "questions": items}, sort_keys=False, allow_unicode=True, width=200))
    ans = sum(1 for i in items if i["expected"] != N)
    real = sum(1 for i in items if i["source"] != "synthetic")
    print(f"{len(items)} questions ({real} real), {ans} answerable, "
          f"{sum(1 for i in items if i['split'] == 'holdout')} holdout -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR)
