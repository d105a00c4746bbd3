from __future__ import annotations

import pytest

from questionnaire.errors import UserInputError
from questionnaire.policy import LINES_PER_PAGE, estimate_lines, policy_sections, policy_title, write_policy
from questionnaire.profile import profile_from_bytes

from answers_fixtures import EXAMPLE, example_profile


def test_policy_content_comes_from_the_profile():
    p = example_profile()
    text = "\n".join(i for _, items in policy_sections(p) for i in items)
    assert "Category 2, Commercial tier required: may be used with only deployments on a commercial or infrastructure tier" in text
    assert "Approved: insights-assistant, ticket-summaries and support-copilot." in text  # category 2
    assert "Approved: every deployment listed below." in text  # category 1: all four
    assert "Category 3, Restricted: must not be used with any AI tool." in text
    assert "Consumer (free or personal) AI accounts are prohibited" in text
    assert "Claude Code on the company Team plan and GitHub Copilot Business; company accounts only" in text
    assert "Keep secrets out of the assistant's context" in text
    assert "only to the repositories the task needs" in text
    assert "least privilege" in text and "payments, external communications, data deletion or permission changes" in text
    assert "logged and kept for 400 days" in text
    assert "security@acme.example" in text


def test_policy_docx_fits_one_page(tmp_path):
    """The reference profile (two deployments) gives a one-page policy; the example, with a deployment
    of every platform, runs a few lines longer."""
    from docx import Document

    from conftest import SHARED

    contract = SHARED / "contract" / "profile.yaml"
    if not contract.is_file():
        pytest.skip("../shared/contract is not next to the project")
    p = profile_from_bytes(contract.read_bytes())
    out = write_policy(p, tmp_path / "policy.docx")
    doc = Document(out)
    assert doc.paragraphs[0].text == policy_title(p)
    headings = [x.text for x in doc.paragraphs if x.style.name == "Heading 2"]
    assert headings == [h for h, _ in policy_sections(p)]
    bullets = [x.text for x in doc.paragraphs if x.style.name == "List Bullet"]
    assert bullets == [i for _, items in policy_sections(p) for i in items]
    # one page at default margins: estimate lines from the paragraphs actually written
    est = estimate_lines(doc.paragraphs[0].text, [(h, []) for h in headings] + [("", bullets)])
    assert est <= LINES_PER_PAGE, est
    sec = doc.sections[0]
    assert sec.left_margin.inches == pytest.approx(1.25, abs=0.3)  # template default margins kept


def test_policy_md_and_bad_extension(tmp_path):
    p = example_profile()
    md = write_policy(p, tmp_path / "policy.md").read_text()
    assert md.startswith(f"# {policy_title(p)}\n")
    assert "## AI agents" in md
    with pytest.raises(UserInputError, match="use .docx or .md"):
        write_policy(p, tmp_path / "policy.pdf")


def test_policy_without_optional_controls():
    raw = b"""version: 1
organization: {name: Tiny Ltd}
data_classification:
  - {category: 1, name: Public, ai_use: allowed}
  - {category: 2, name: Secret, ai_use: prohibited}
deployments:
  - {id: chat, tier: commercial_api, platform: anthropic_api, processor: Anthropic, training_on_customer_data: false, regions: [United States], data_categories: [1]}
controls: {consumer_accounts: allowed_for_category_1}
"""
    sections = dict(policy_sections(profile_from_bytes(raw)))
    assert "AI coding assistants" not in sections
    assert sections["Accounts"][0].startswith("Consumer AI accounts may be used for category 1 data only")
    assert sections["Questions"] == ["Contact the security team."]
