"""The multi-account fields of the ``aws:`` block and ``aws_organization``: every rule with its line."""

from __future__ import annotations

import re

from conftest import EXAMPLE_PROFILE
from questionnaire.profile import check_profile

ANCHOR = '      account_id: "123456789012"\n'


def _with(tmp_path, aws_extra: str = "", top: str = "") -> tuple[str, list]:
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8")
    assert ANCHOR in text
    text = text.replace(ANCHOR, ANCHOR + aws_extra, 1) + top
    p = tmp_path / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    profile, problems, _ = check_profile(p)
    return text, profile, problems


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _has(problems, line: int, path: str, pattern: str, severity: str = "error") -> None:
    assert any(p.line == line and p.path == path and p.severity == severity and re.search(pattern, p.message)
               for p in problems), "\n".join(map(str, problems))


def test_resource_accounts_and_one_role_name_are_valid(tmp_path):
    extra = ('      role_name: audit/QuestionnaireReadOnly\n      external_id: acme-audit-2024\n'
             '      accounts:\n        trail: "222222222222"\n        log_bucket: "333333333333"\n'
             '        kms_key: "444444444444"\n        network: "555555555555"\n')
    _, profile, problems = _with(tmp_path, extra, "aws_organization:\n  role_name: QuestionnaireReadOnly\n")
    assert problems == [] and profile is not None
    aws = profile.deployments[0].aws
    assert aws.account_for("trail") == "222222222222" and aws.account_for(None) == "123456789012"
    assert aws.role_for("333333333333") == "arn:aws:iam::333333333333:role/audit/QuestionnaireReadOnly"
    assert aws.role_for("333333333333", "cn-north-1").startswith("arn:aws-cn:iam::")
    assert profile.aws_organization.role_name == "QuestionnaireReadOnly"
    norm = profile.normalised()
    assert norm["deployments"][0]["aws"]["accounts"]["network"] == "555555555555"


def test_single_account_profile_normalises_without_the_new_fields():
    profile, problems, _ = check_profile(EXAMPLE_PROFILE)
    norm = profile.normalised()
    assert "aws_organization" not in norm
    assert not {"accounts", "role_name", "role_arns", "external_id"} & set(norm["deployments"][0]["aws"])


def test_an_account_without_a_way_in_is_an_error_at_its_line(tmp_path):
    extra = '      accounts:\n        trail: "222222222222"\n        network: "123456789012"\n'
    text, profile, problems = _with(tmp_path, extra)
    assert profile is None
    _has(problems, _line(text, 'trail: "222222222222"'), "deployments[0].aws.accounts.trail",
         r"account 222222222222 has no way in: set aws.role_name .* or aws.role_arns\['222222222222'\]")
    assert not any("network" in p.path for p in problems)  # the deployment's own account: the caller's credentials


def test_a_per_account_role_arn_is_a_way_in(tmp_path):
    extra = ('      accounts:\n        trail: "222222222222"\n'
             '      role_arns:\n        "222222222222": arn:aws:iam::222222222222:role/OrgTrailReader\n')
    _, profile, problems = _with(tmp_path, extra)
    assert problems == []
    aws = profile.deployments[0].aws
    assert aws.role_for("222222222222") == "arn:aws:iam::222222222222:role/OrgTrailReader"
    assert aws.role_for("123456789012") is None


def test_bad_ids_roles_and_external_ids(tmp_path):
    extra = ('      role_name: "bad role!"\n      external_id: "x"\n'
             '      accounts:\n        trail: 2222\n'
             '      role_arns:\n        "333333333333": arn:aws:iam::444444444444:role/R\n'
             '        "12": arn:aws:iam::123456789012:role/R\n'
             '        "555555555555": not-an-arn\n')
    text, profile, problems = _with(tmp_path, extra, "aws_organization:\n  role_name: QR\n  management_account_id: \"1\"\n")
    _has(problems, _line(text, "role_name: \"bad"), "deployments[0].aws.role_name", "is not an IAM role name")
    _has(problems, _line(text, 'external_id: "x"'), "deployments[0].aws.external_id", "not a valid external id")
    _has(problems, _line(text, "trail: 2222"), "deployments[0].aws.accounts.trail", r"not a 12-digit .*quote it")
    _has(problems, _line(text, '"333333333333"'), "deployments[0].aws.role_arns.333333333333",
         "role is in account 444444444444, but it is given for account 333333333333")
    _has(problems, _line(text, '"12":'), "deployments[0].aws.role_arns.12", "not a 12-digit")
    _has(problems, _line(text, '"555555555555"'), "deployments[0].aws.role_arns.555555555555", "not an IAM role ARN")
    _has(problems, _line(text, "management_account_id"), "aws_organization.management_account_id", "not a 12-digit")


def test_warnings_external_id_without_role_and_unused_role_arn(tmp_path):
    extra = '      external_id: acme-audit\n'
    text, profile, problems = _with(tmp_path, extra)
    assert profile is not None
    _has(problems, _line(text, "external_id"), "deployments[0].aws.external_id", "ignored: no role is assumed", "warning")
    extra = '      role_arns:\n        "999999999999": arn:aws:iam::999999999999:role/R\n'
    text, profile, problems = _with(tmp_path, extra)
    _has(problems, _line(text, '"999999999999"'), "deployments[0].aws.role_arns.999999999999",
         "not named by this deployment", "warning")


def test_two_deployments_may_not_reach_one_account_two_ways(tmp_path):
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8")
    dep = text[text.index("  - id: insights-assistant"):text.index("  - id: marketing-drafts")]
    second = dep.replace("id: insights-assistant", "id: second-assistant")
    second = second.replace(ANCHOR, ANCHOR + '      role_name: OtherRole\n      accounts:\n        trail: "222222222222"\n')
    first = dep.replace(ANCHOR, ANCHOR + '      role_name: AuditRole\n      accounts:\n        trail: "222222222222"\n')
    text = text.replace(dep, first + second)
    p = tmp_path / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    _, problems = check_profile(p)[:2]
    aws_line = next(i for i, line in enumerate(text.splitlines(), 1) if i > _line(text, "id: second-assistant") and line == "    aws:")
    _has(problems, aws_line, "deployments[1].aws",
         r"account 123456789012 is reached with arn:aws:iam::123456789012:role/OtherRole, but deployments\[0\] uses "
         r"arn:aws:iam::123456789012:role/AuditRole")
