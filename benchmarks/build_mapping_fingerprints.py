"""Dev tool (not a benchmark): generate templates/mappings/*.yaml (fingerprints computed from the dev corpus; no question text stored)."""
import sys, yaml, openpyxl
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from questionnaire.mapping import fingerprint, keywords
Q = str(ROOT.parent / "shared" / "questionnaires") + "/"
OUT = str(ROOT / "templates" / "mappings") + "/"

C = {}  # check ids
CHK = ["identity.account_matches","bedrock.models.available","bedrock.invocation_logging.enabled",
"bedrock.invocation_logging.only_declared_regions","bedrock.cross_region_inference.matches_declaration",
"cloudwatch.log_group.retention","cloudwatch.log_group.kms_encrypted","s3.log_bucket.encryption","s3.log_bucket.integrity",
"s3.log_bucket.public_access_blocked","cloudtrail.trail.logging","cloudtrail.trail.covers_region","cloudtrail.trail.log_file_validation",
"kms.key_rotation.enabled","bedrock.guardrail.exists","bedrock.guardrail.prompt_attack_filter","bedrock.guardrail.pii_filter",
"ec2.vpc_endpoint.bedrock_runtime","iam.agent_role.least_privilege","secretsmanager.secret.rotation","declared.not_verifiable",
"repo.secrets.not_in_files","repo.secrets.excluded_from_agent_context"]

def fw(name, title, version, source, controls, mp, questions=None):
    doc = {"framework": name, "name": title, "version": version, "source": source,
           "note": "Control ids and short titles only (our own wording); no control text is reproduced.",
           "controls": controls, "map": {k: v for k, v in mp.items()}}
    if questions is not None:
        doc["questions"] = questions
    with open(OUT + name + ".yaml", "w") as f:
        f.write(f"# {title} {version}: mapping of check ids and catalog ids to control ids (generated, then reviewed)\n")
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True, width=120)

# ---------------------------------------------------------------- SOC 2
soc2 = {"CC1.4":"Commitment to competence (training)","CC2.3":"Communication with external parties","CC3.2":"Risk identification and analysis",
"CC3.4":"Assessment of changes affecting controls","CC5.3":"Policies and procedures deployed",
"CC6.1":"Logical access security, encryption of data at rest","CC6.2":"User registration and authorisation","CC6.3":"Role-based, least-privilege access",
"CC6.6":"Protection against threats from outside the boundary","CC6.7":"Restriction of data transmission and movement",
"CC6.8":"Prevention of unauthorised or malicious software","CC7.1":"Detection of configuration changes and vulnerabilities",
"CC7.2":"Monitoring of system components for anomalies","CC7.3":"Evaluation of security events","CC8.1":"Change management",
"CC9.2":"Vendor and business partner risk management","C1.1":"Identification and protection of confidential information",
"C1.2":"Disposal of confidential information","P6.1":"Disclosure to third parties with consent","PI1.3":"Processing integrity: processing inputs and outputs"}
iso27001 = {"A.5.1":"Policies for information security","A.5.9":"Inventory of information and assets","A.5.10":"Acceptable use of information",
"A.5.12":"Classification of information","A.5.14":"Information transfer","A.5.15":"Access control","A.5.17":"Authentication information",
"A.5.18":"Access rights","A.5.19":"Information security in supplier relationships","A.5.20":"Security in supplier agreements",
"A.5.21":"ICT supply chain security","A.5.23":"Information security for use of cloud services","A.5.31":"Legal, statutory, regulatory and contractual requirements",
"A.5.33":"Protection of records","A.5.34":"Privacy and protection of PII","A.5.37":"Documented operating procedures",
"A.6.3":"Awareness, education and training","A.8.2":"Privileged access rights","A.8.3":"Information access restriction",
"A.8.4":"Access to source code","A.8.5":"Secure authentication","A.8.9":"Configuration management","A.8.10":"Information deletion",
"A.8.11":"Data masking","A.8.12":"Data leakage prevention","A.8.15":"Logging","A.8.16":"Monitoring activities","A.8.20":"Network security",
"A.8.21":"Security of network services","A.8.24":"Use of cryptography","A.8.26":"Application security requirements","A.8.28":"Secure coding"}
iso42001 = {"A.2.2":"AI policy","A.3.2":"AI roles and responsibilities","A.4.2":"Resource documentation","A.4.3":"Data resources",
"A.4.4":"Tooling resources","A.4.5":"System and computing resources","A.5.2":"AI system impact assessment process","A.6.1.2":"Objectives for responsible development",
"A.6.2.4":"AI system verification and validation","A.6.2.6":"AI system operation and monitoring","A.6.2.8":"AI system recording of event logs",
"A.7.2":"Data for development and enhancement","A.7.5":"Data provenance","A.8.2":"System documentation and information for users",
"A.8.5":"Information for interested parties","A.9.2":"Processes for responsible use of AI systems","A.9.3":"Objectives for responsible use",
"A.9.4":"Intended use of the AI system","A.10.2":"Allocating responsibilities","A.10.3":"Suppliers","A.10.4":"Customers"}
nist = {"GOVERN 1.1":"Legal and regulatory requirements understood","GOVERN 1.2":"Trustworthy AI in policies","GOVERN 1.4":"Risk management process and controls",
"GOVERN 1.6":"AI system inventory","GOVERN 2.2":"AI risk training","GOVERN 4.2":"Risks and impacts documented and communicated","GOVERN 6.1":"Third-party risk policies",
"GOVERN 6.2":"Contingency for third-party failures","MAP 1.1":"Intended purpose and context documented","MAP 3.5":"Human oversight processes defined",
"MAP 4.1":"Third-party technology and legal risks mapped","MEASURE 2.4":"Functionality and behaviour monitored in production","MEASURE 2.7":"Security and resilience evaluated",
"MEASURE 2.8":"Transparency and accountability risks examined","MEASURE 2.10":"Privacy risk examined","MANAGE 2.4":"Mechanisms to deactivate AI systems",
"MANAGE 3.1":"Third-party risks monitored","MANAGE 4.1":"Post-deployment monitoring plans"}
euai = {"Art. 4":"AI literacy","Art. 26(1)":"Use in accordance with instructions for use","Art. 26(2)":"Human oversight assigned","Art. 26(4)":"Input data relevant for intended purpose",
"Art. 26(5)":"Monitoring of operation","Art. 26(6)":"Keeping automatically generated logs","Art. 26(7)":"Informing workers","Art. 27":"Fundamental rights impact assessment",
"Art. 50(1)":"Transparency: interaction with AI","Art. 50(4)":"Transparency: generated content disclosure"}
gdpr = {"Art. 28(1)":"Processor with sufficient guarantees","Art. 28(2)":"Engaging other processors (sub-processors)","Art. 28(3)":"Processor contract (DPA)",
"Art. 28(3)(c)":"Processor takes Art. 32 measures","Art. 28(4)":"Sub-processor obligations flowed down","Art. 32(1)(a)":"Pseudonymisation and encryption",
"Art. 32(1)(b)":"Confidentiality, integrity, availability, resilience","Art. 32(1)(d)":"Testing and evaluating effectiveness","Art. 32(4)":"Persons acting under authority process on instructions",
"Art. 44":"General principle for transfers","Art. 45":"Transfers on the basis of an adequacy decision","Art. 46":"Transfers subject to appropriate safeguards",
"Art. 47":"Binding corporate rules","Art. 48":"Transfers not authorised by Union law","Art. 49":"Derogations for specific situations"}
hipaa = {"164.312(a)(1)":"Access control","164.312(a)(2)(i)":"Unique user identification","164.312(a)(2)(iv)":"Encryption and decryption",
"164.312(b)":"Audit controls","164.312(c)(1)":"Integrity","164.312(c)(2)":"Mechanism to authenticate ePHI","164.312(d)":"Person or entity authentication",
"164.312(e)(1)":"Transmission security","164.312(e)(2)(i)":"Integrity controls in transit","164.312(e)(2)(ii)":"Encryption in transit"}

# id -> (soc2, iso27001, iso42001, nist, euai, gdpr, hipaa)
M = {
"identity.account_matches": (["CC6.1"],["A.5.23"],["A.4.5"],["GOVERN 1.6"],[],[],[]),
"bedrock.models.available": (["CC9.2"],["A.5.23","A.5.9"],["A.4.4","A.10.3"],["GOVERN 1.6","MAP 4.1"],["Art. 26(1)"],["Art. 28(2)"],[]),
"bedrock.invocation_logging.enabled": (["CC7.2"],["A.8.15"],["A.6.2.8"],["MANAGE 4.1","MEASURE 2.4"],["Art. 26(5)","Art. 26(6)"],["Art. 32(1)(b)"],["164.312(b)"]),
"bedrock.invocation_logging.only_declared_regions": (["CC6.7"],["A.5.14","A.8.15"],["A.6.2.8"],["MAP 4.1"],[],["Art. 44"],[]),
"bedrock.cross_region_inference.matches_declaration": (["CC6.7"],["A.5.14","A.5.23"],["A.10.3"],["MAP 4.1","GOVERN 6.1"],[],["Art. 44","Art. 45","Art. 46"],[]),
"cloudwatch.log_group.retention": (["CC7.2","C1.2"],["A.8.15","A.5.33"],["A.6.2.8"],["MANAGE 4.1"],["Art. 26(6)"],[],["164.312(b)"]),
"cloudwatch.log_group.kms_encrypted": (["CC6.1"],["A.8.24"],["A.6.2.8"],["MEASURE 2.7"],[],["Art. 32(1)(a)"],["164.312(a)(2)(iv)"]),
"s3.log_bucket.encryption": (["CC6.1"],["A.8.24"],["A.6.2.8"],["MEASURE 2.7"],[],["Art. 32(1)(a)"],["164.312(a)(2)(iv)"]),
"s3.log_bucket.integrity": (["CC7.2"],["A.8.15","A.5.33"],["A.6.2.8"],["MEASURE 2.7"],["Art. 26(6)"],["Art. 32(1)(b)"],["164.312(c)(1)","164.312(c)(2)"]),
"s3.log_bucket.public_access_blocked": (["CC6.1","CC6.6"],["A.8.3","A.8.15"],["A.6.2.8"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(a)(1)"]),
"cloudtrail.trail.logging": (["CC7.2","CC7.3"],["A.8.15","A.8.16"],["A.6.2.8"],["MANAGE 4.1"],["Art. 26(5)"],["Art. 32(1)(b)"],["164.312(b)"]),
"cloudtrail.trail.covers_region": (["CC7.2"],["A.8.15"],["A.6.2.8"],["MANAGE 4.1"],[],[],["164.312(b)"]),
"cloudtrail.trail.log_file_validation": (["CC7.2"],["A.8.15","A.5.33"],["A.6.2.8"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(c)(1)","164.312(c)(2)"]),
"kms.key_rotation.enabled": (["CC6.1"],["A.8.24"],[],["MEASURE 2.7"],[],["Art. 32(1)(a)"],["164.312(a)(2)(iv)"]),
"bedrock.guardrail.exists": (["CC6.8","PI1.3"],["A.8.26"],["A.6.2.4","A.9.2"],["MEASURE 2.7","MANAGE 4.1"],["Art. 26(1)"],["Art. 32(1)(b)"],[]),
"bedrock.guardrail.prompt_attack_filter": (["CC6.8"],["A.8.26"],["A.6.2.4"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],[]),
"bedrock.guardrail.pii_filter": (["C1.1","CC6.7"],["A.8.11","A.8.12","A.5.34"],["A.7.2","A.9.2"],["MEASURE 2.10"],[],["Art. 32(1)(a)"],[]),
"ec2.vpc_endpoint.bedrock_runtime": (["CC6.6","CC6.7"],["A.8.20","A.8.21"],["A.4.5"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(e)(1)"]),
"iam.agent_role.least_privilege": (["CC6.3"],["A.5.15","A.8.2","A.5.18"],["A.9.2","A.6.2.6"],["MEASURE 2.7","MAP 3.5"],["Art. 26(1)"],["Art. 32(4)"],["164.312(a)(1)"]),
"secretsmanager.secret.rotation": (["CC6.1"],["A.5.17"],[],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(d)"]),
"declared.not_verifiable": (["CC9.2"],["A.5.20"],["A.10.3"],["GOVERN 6.1"],[],["Art. 28(3)"],[]),
"repo.secrets.not_in_files": (["CC6.1"],["A.5.17","A.8.4","A.8.28"],["A.4.4"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(d)"]),
"repo.secrets.excluded_from_agent_context": (["CC6.1","CC6.7"],["A.5.17","A.8.4","A.8.12"],["A.4.4","A.9.2"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],[]),
# catalog entries
"training.customer_data_used": (["C1.1","P6.1"],["A.5.34"],["A.7.2","A.10.4"],["MEASURE 2.10"],[],["Art. 28(3)"],[]),
"training.outputs_used": (["C1.1"],["A.5.34"],["A.7.2"],["MEASURE 2.10"],[],["Art. 28(3)"],[]),
"training.fine_tuning": (["C1.1"],["A.5.34"],["A.7.2","A.7.5"],["MEASURE 2.10"],[],["Art. 28(3)"],[]),
"training.opt_out": (["C1.1","P6.1"],["A.5.34"],["A.7.2","A.10.4"],["MEASURE 2.10"],[],["Art. 28(3)"],[]),
"training.abuse_monitoring_retention": (["C1.2","CC9.2"],["A.5.20","A.8.10"],["A.10.3"],["GOVERN 6.1"],[],["Art. 28(3)"],[]),
"processor.ai_subprocessors": (["CC9.2","P6.1"],["A.5.19","A.5.21"],["A.10.3"],["GOVERN 6.1","MAP 4.1"],[],["Art. 28(2)","Art. 28(4)"],[]),
"processor.model_developer_access": (["CC9.2","C1.1"],["A.5.19","A.8.3"],["A.10.3"],["MAP 4.1"],[],["Art. 28(2)","Art. 28(3)"],[]),
"processor.third_party_models": (["CC9.2"],["A.5.19","A.5.21"],["A.10.3","A.4.4"],["GOVERN 6.1","MAP 4.1"],[],["Art. 28(2)"],[]),
"processor.hosting_provider": (["CC9.2"],["A.5.23"],["A.4.5","A.10.3"],["MAP 4.1"],[],["Art. 28(2)"],[]),
"residency.regions": (["CC6.7"],["A.5.14","A.5.23"],["A.8.5"],["MAP 4.1"],[],["Art. 44"],[]),
"residency.outside_eea": (["CC6.7"],["A.5.14","A.5.31"],["A.8.5"],["GOVERN 1.1"],[],["Art. 44","Art. 45","Art. 46","Art. 49"],[]),
"residency.cross_region_inference": (["CC6.7"],["A.5.14"],["A.10.3"],["MAP 4.1"],[],["Art. 44"],[]),
"residency.stays_in_region": (["CC6.7"],["A.5.14"],["A.8.5"],["MAP 4.1"],[],["Art. 44"],[]),
"audit.invocation_logging": (["CC7.2"],["A.8.15"],["A.6.2.8"],["MANAGE 4.1"],["Art. 26(6)"],["Art. 32(1)(b)"],["164.312(b)"]),
"audit.api_activity_logging": (["CC7.2","CC7.3"],["A.8.15","A.8.16"],["A.6.2.8"],["MANAGE 4.1"],["Art. 26(5)"],["Art. 32(1)(b)"],["164.312(b)"]),
"audit.log_retention": (["CC7.2","C1.2"],["A.8.15","A.5.33"],["A.6.2.8"],["MANAGE 4.1"],["Art. 26(6)"],[],["164.312(b)"]),
"audit.log_integrity": (["CC7.2"],["A.8.15","A.5.33"],["A.6.2.8"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(c)(1)"]),
"audit.log_encryption": (["CC6.1"],["A.8.24"],["A.6.2.8"],["MEASURE 2.7"],[],["Art. 32(1)(a)"],["164.312(a)(2)(iv)"]),
"audit.log_access": (["CC6.1","CC6.3"],["A.8.3","A.8.15"],["A.6.2.8"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(a)(1)"]),
"audit.customer_audit": (["CC2.3"],["A.5.20"],["A.8.5","A.10.4"],["MEASURE 2.8"],[],["Art. 28(3)"],[]),
"vendor.dpa": (["CC9.2"],["A.5.20"],["A.10.3"],["GOVERN 6.1"],[],["Art. 28(3)","Art. 28(4)"],[]),
"vendor.separate_model_agreement": (["CC9.2"],["A.5.20"],["A.10.3"],["GOVERN 6.1"],[],["Art. 28(3)"],[]),
"vendor.ai_providers": (["CC9.2"],["A.5.19","A.5.9"],["A.10.3"],["GOVERN 1.6","GOVERN 6.1"],[],["Art. 28(2)"],[]),
"accounts.company_accounts_only": (["CC6.2","CC5.3"],["A.5.10","A.5.23"],["A.9.2"],["GOVERN 1.2"],[],["Art. 32(4)"],["164.312(a)(2)(i)"]),
"accounts.consumer_prohibited": (["CC5.3"],["A.5.10"],["A.2.2","A.9.2"],["GOVERN 1.2"],["Art. 4"],["Art. 32(4)"],[]),
"general.ai_used": (["CC2.3"],["A.5.9"],["A.8.5"],["GOVERN 1.6","MAP 1.1"],["Art. 50(1)"],[],[]),
"general.ai_use_description": (["CC2.3"],["A.5.9"],["A.8.2","A.9.4"],["MAP 1.1"],["Art. 50(1)","Art. 26(7)"],[],[]),
"general.security_contact": (["CC2.3"],["A.5.1"],["A.3.2"],["GOVERN 4.2"],[],[],[]),
"data.classification_policy": (["C1.1"],["A.5.12"],["A.4.3","A.7.2"],["MEASURE 2.10"],["Art. 26(4)"],["Art. 32(1)(b)"],[]),
"data.restricted_prohibited": (["C1.1","CC5.3"],["A.5.12","A.5.10"],["A.9.2"],["MEASURE 2.10"],["Art. 26(4)"],["Art. 32(1)(b)"],[]),
"data.categories_per_deployment": (["C1.1"],["A.5.12"],["A.4.3"],["MAP 1.1"],["Art. 26(4)"],[],[]),
"data.ai_use_policy": (["CC5.3","CC1.4"],["A.5.1","A.5.10"],["A.2.2","A.9.2","A.9.3"],["GOVERN 1.2"],["Art. 4"],[],[]),
"coding.company_accounts": (["CC6.2"],["A.5.10","A.8.28"],["A.4.4","A.9.2"],["GOVERN 1.2"],[],[],[]),
"coding.secrets_excluded": (["CC6.1"],["A.5.17","A.8.4"],["A.4.4"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],[]),
"coding.no_secrets_in_files": (["CC6.1"],["A.5.17","A.8.28"],["A.4.4"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(d)"]),
"coding.repository_access": (["CC6.3"],["A.8.4","A.8.2"],["A.4.4","A.9.2"],["MEASURE 2.7"],[],[],[]),
"coding.tools": (["CC9.2"],["A.5.9","A.8.28"],["A.4.4"],["GOVERN 1.6"],[],[],[]),
"secrets.manager": (["CC6.1"],["A.5.17"],[],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(d)"]),
"secrets.rotation": (["CC6.1"],["A.5.17"],[],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(d)"]),
"agents.least_privilege": (["CC6.3"],["A.8.2","A.5.15"],["A.9.2","A.6.2.6"],["MEASURE 2.7"],["Art. 26(1)"],["Art. 32(4)"],["164.312(a)(1)"]),
"agents.human_approval": (["CC8.1"],["A.5.37"],["A.9.2","A.6.2.6"],["MAP 3.5","MANAGE 2.4"],["Art. 26(2)"],[],[]),
"agents.action_audit": (["CC7.2"],["A.8.15"],["A.6.2.8"],["MEASURE 2.8","MANAGE 4.1"],["Art. 26(6)"],[],["164.312(b)"]),
"agents.untrusted_input": (["CC6.8"],["A.8.26"],["A.6.2.4"],["MEASURE 2.7"],[],[],[]),
"guardrails.prompt_injection": (["CC6.8"],["A.8.26"],["A.6.2.4"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],[]),
"guardrails.pii_filtering": (["C1.1"],["A.8.11","A.8.12","A.5.34"],["A.9.2"],["MEASURE 2.10"],[],["Art. 32(1)(a)"],[]),
"guardrails.output_validation": (["PI1.3"],["A.8.26"],["A.6.2.4","A.9.2"],["MEASURE 2.4"],["Art. 26(5)"],[],[]),
"guardrails.content_filtering": (["CC6.8"],["A.8.26"],["A.9.2"],["MEASURE 2.7"],["Art. 50(4)"],[],[]),
"network.private_endpoint": (["CC6.6","CC6.7"],["A.8.20","A.8.21"],["A.4.5"],["MEASURE 2.7"],[],["Art. 32(1)(b)"],["164.312(e)(1)"]),
"network.encryption_in_transit": (["CC6.7"],["A.8.24","A.5.14"],["A.4.5"],["MEASURE 2.7"],[],["Art. 32(1)(a)"],["164.312(e)(1)","164.312(e)(2)(ii)"]),
"retention.provider_retention": (["C1.2","CC9.2"],["A.8.10","A.5.20"],["A.10.3"],["GOVERN 6.1"],[],["Art. 28(3)"],[]),
"retention.provider_stores_data": (["C1.2","CC9.2"],["A.8.10","A.5.20"],["A.10.3"],["GOVERN 6.1"],[],["Art. 28(3)"],[]),
}
names = [("soc2","SOC 2 Trust Services Criteria","2017 (revised points of focus 2022)","AICPA TSP section 100, 2017 Trust Services Criteria with revised points of focus (2022)",soc2),
("iso27001","ISO/IEC 27001 Annex A","2022","ISO/IEC 27001:2022 Annex A (information security controls)",iso27001),
("iso42001","ISO/IEC 42001 Annex A","2023","ISO/IEC 42001:2023 Annex A (reference controls for AI management systems)",iso42001),
("nist-ai-rmf","NIST AI RMF","1.0","NIST AI 100-1, AI Risk Management Framework 1.0 (subcategories)",nist),
("eu-ai-act","EU AI Act (deployer obligations)","Regulation (EU) 2024/1689","Regulation (EU) 2024/1689, articles relevant to deployers",euai),
("gdpr","GDPR","Regulation (EU) 2016/679","Regulation (EU) 2016/679, Art. 28, 32, 44-49",gdpr),
("hipaa","HIPAA Security Rule","45 CFR 164.312","45 CFR 164.312 Technical safeguards",hipaa)]
for i,(n,t,v,s,ctl) in enumerate(names):
    mp = {k: val[i] for k, val in M.items() if val[i]}
    for k, val in mp.items():
        for c in val: assert c in ctl, (n, k, c)
    fw(n, t, v, s, ctl, mp)

# ---------------------------------------------------------------- questionnaires (question ids)
def read_xlsx(path, sheet, rows, data_only=False):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    out = {}
    for r in wb[sheet].iter_rows(min_row=rows[0], max_row=rows[1], max_col=2, values_only=True):
        if r[0] and r[1]: out[str(r[0]).strip()] = str(r[1])
    return out

def qfw(name, title, version, source, texts, answered, out_of_scope, title_of):
    questions, controls, mp = {}, {}, {}
    for qid, cid in list(answered.items()) + [(q, None) for q in out_of_scope]:
        t = texts[qid]
        questions[qid] = {"catalog_id": cid, "fingerprint": fingerprint(t), "keywords": keywords(t), "title": title_of[qid]}
        controls[qid] = title_of[qid]
        if cid:
            mp.setdefault(cid, []).append(qid)
    # checks inherit the question ids of the catalog entries they support
    from questionnaire.catalog import load_catalog
    for e in load_catalog():
        for c in e.checks:
            for q in mp.get(e.id, []):
                if q not in mp.setdefault(c, []): mp[c].append(q)
    fw(name, title, version, source, controls, dict(sorted(mp.items())), questions)

caiq = read_xlsx(Q+"csa-caiq-v4.0.3-blank.xlsx","CAIQv4.0.3",(3,263))
qfw("caiq","CSA CAIQ","4.0.3","CSA Consensus Assessments Initiative Questionnaire v4.0.3 (CCM v4.0.12 bundle); question ids",caiq,
 {"LOG-04.1":"audit.log_access","LOG-08.1":"audit.api_activity_logging","LOG-09.1":"audit.log_integrity","DSP-04.1":"data.classification_policy",
  "IAM-05.1":"agents.least_privilege","IVS-03.2":"network.encryption_in_transit","STA-07.1":"processor.ai_subprocessors"},
 ["LOG-06.1","LOG-12.1","CEK-14.1","CEK-15.1","CEK-18.1","DSP-02.1","IVS-04.1","AIS-04.1"],
 {"LOG-04.1":"Audit log access restricted","LOG-08.1":"Audit records generated","LOG-09.1":"Audit records protected","DSP-04.1":"Data classification",
  "IAM-05.1":"Least privilege","IVS-03.2":"Encryption between environments","STA-07.1":"Supply chain inventory","LOG-06.1":"Reliable time source",
  "LOG-12.1":"Physical access logging","CEK-14.1":"Key destruction","CEK-15.1":"Pre-activated keys","CEK-18.1":"Archived keys",
  "DSP-02.1":"Secure disposal of media","IVS-04.1":"OS and hypervisor hardening","AIS-04.1":"SDLC process"})

aicaiq = read_xlsx(Q+"csa-ai-caiq-v1.1.0-stop-guessing.xlsx","AI-CAIQv1.1.0",(3,322))
qfw("ai-caiq","CSA AI-CAIQ (AI Controls Matrix)","1.1.0","CSA AI-CAIQ v1.1.0 for the AI Controls Matrix (AICM) 1.1.0; question ids (ids of 1.0.2 differ in meaning)",aicaiq,
 {"LOG-15.1":"audit.invocation_logging","LOG-16.1":"audit.invocation_logging","LOG-04.1":"audit.log_access","LOG-09.1":"audit.api_activity_logging",
  "LOG-10.1":"audit.log_integrity","AIS-09.1":"guardrails.prompt_injection","AIS-10.1":"guardrails.output_validation","AIS-11.1":"agents.least_privilege",
  "IAM-18.1":"agents.least_privilege","AIS-15.1":"agents.untrusted_input","DSP-04.1":"data.classification_policy","STA-08.1":"processor.ai_subprocessors",
  "CEK-12.1":"audit.log_encryption"},
 ["MDS-08.1","MDS-09.1","MDS-13.1","DSP-21.1","DSP-22.1","DSP-23.1","LOG-13.1","AIS-14.1"],
 {"LOG-15.1":"AI input events logged","LOG-16.1":"AI output events logged","LOG-04.1":"Audit log access restricted","LOG-09.1":"Audit records generated",
  "LOG-10.1":"Audit records protected","AIS-09.1":"Input screened for adversarial patterns","AIS-10.1":"Output screened for adversarial patterns",
  "AIS-11.1":"Agent security boundaries","IAM-18.1":"Agent tool access limited","AIS-15.1":"Separation of user input from instructions",
  "DSP-04.1":"Data classification","STA-08.1":"Supply chain inventory","CEK-12.1":"Key rotation","MDS-08.1":"Model artifact checksums",
  "MDS-09.1":"Model signing","MDS-13.1":"Secure model serialization","DSP-21.1":"Data poisoning prevention","DSP-22.1":"Privacy-enhancing tech for training data",
  "DSP-23.1":"Training data conformity","LOG-13.1":"Physical access logging","AIS-14.1":"GenAI cache protection"})

wb = openpyxl.load_workbook(Q+"educause-hecvat-4.1.4-full-blank-metaredacted.xlsx", read_only=True, data_only=True)
hv4 = {}
for r in wb["AI"].iter_rows(min_row=1, max_row=70, max_col=2, values_only=True):
    if r[0] and r[1] and str(r[0])[:2] == "AI": hv4[str(r[0])] = str(r[1])
qfw("hecvat","EDUCAUSE HECVAT (AI tab)","4.1.4","EDUCAUSE HECVAT 4.1.4 Full, AI tab question ids",hv4,
 {"AIQU-01":"general.ai_used","AIQU-02":"general.ai_used","AIGN-04":"general.ai_use_description","AIGN-05":"guardrails.pii_filtering",
  "AISC-02":"training.customer_data_used","AISC-03":"audit.invocation_logging","AISC-04":"guardrails.prompt_injection",
  "AILM-01":"agents.least_privilege","AILM-03":"agents.human_approval"},
 ["AIGN-03","AIML-06","AIML-08","AILM-04","AILM-05"],
 {"AIQU-01":"Uses machine learning","AIQU-02":"Uses a large language model","AIGN-04":"AI capabilities described","AIGN-05":"Sensitive data kept from the model",
  "AISC-02":"User input influences the model","AISC-03":"AI activity logging","AISC-04":"User input validation","AILM-01":"LLM privileges limited",
  "AILM-03":"Human intervention for LLM actions","AIGN-03":"Responsible AI staff training","AIML-06":"Adversarial training","AIML-08":"Training data watermarking",
  "AILM-04":"Plugin chaining limits","AILM-05":"LLM resource limits"})

hv3 = read_xlsx(Q+"educause-hecvat-3.00-filled-opendsa-redacted.xlsx","HECVAT - Full",(1,260),data_only=True)
qfw("hecvat3","EDUCAUSE HECVAT Full","3.00","EDUCAUSE HECVAT Full 3.00 question ids (AI-relevant rows only)",hv3,
 {"DATA-03":"network.encryption_in_transit","AAAI-17":"audit.api_activity_logging","AAAI-19":"audit.log_retention",
  "THRD-03":"vendor.dpa"},
 ["DATA-15","DATA-20","AAAI-07"],
 {"DATA-03":"Encryption in transport","AAAI-17":"Audit logs available","AAAI-19":"Log retention and protection","THRD-03":"Third-party legal agreements","DATA-15":"Physical off-site backups","DATA-20":"Media sanitisation standard","AAAI-07":"Trust federation membership"})
print("ok")
