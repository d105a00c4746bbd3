"""What security teams deploy for a multi-account run: the member-account role and the caller's policy.

- :func:`trust_policy`: who may assume the read-only role (the auditing principal, with the external id);
- :func:`stackset_template`: a CloudFormation template creating that role with the checks' read-only
  policy, for a service-managed StackSet over the organization's OUs;
- :func:`caller_policy`: what the auditing principal itself needs (assume the member role, list the accounts).

The read-only policy is the one ``iam-policy`` prints, generated from the checks' declarations.
"""

from __future__ import annotations

import re
from typing import Any

from questionnaire.errors import UserInputError
from questionnaire.profile_aws_access import EXTERNAL_ID_RE, ROLE_NAME_RE

DEFAULT_ROLE_NAME = "QuestionnaireReadOnly"
_PRINCIPAL_RE = re.compile(r"^(\d{12}|arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+))$")


def _principal(trusted: str | None) -> str:
    if not trusted or not _PRINCIPAL_RE.match(trusted):
        raise UserInputError("--trusted-principal: give the account id or the IAM role/user ARN that runs `check` "
                             "(e.g. arn:aws:iam::111111111111:role/questionnaire-auditor)")
    return f"arn:aws:iam::{trusted}:root" if trusted.isdigit() else trusted


def _check_names(role_name: str, external_id: str | None) -> None:
    if not ROLE_NAME_RE.match(role_name):
        raise UserInputError(f"--role-name {role_name!r} is not an IAM role name")
    if external_id is not None and not EXTERNAL_ID_RE.match(external_id):
        raise UserInputError("--external-id: 2-1224 characters of letters, digits and +=,.@:/_-")


def trust_policy(trusted: str | None, external_id: str | None = None) -> dict[str, Any]:
    """The member role's trust policy: only ``trusted`` may assume it, with the external id when given."""
    stmt: dict[str, Any] = {"Sid": "QuestionnaireAuditorAssumesReadOnlyRole", "Effect": "Allow",
                            "Principal": {"AWS": _principal(trusted)}, "Action": "sts:AssumeRole"}
    if external_id:
        _check_names(DEFAULT_ROLE_NAME, external_id)
        stmt["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": "2012-10-17", "Statement": [stmt]}


def caller_policy(read_only: dict[str, Any], role_name: str = DEFAULT_ROLE_NAME) -> dict[str, Any]:
    """The auditing principal's policy: the checks' reads, assuming the member role, listing the organization."""
    _check_names(role_name, None)
    return {"Version": "2012-10-17", "Statement": [
        *read_only["Statement"],
        {"Sid": "QuestionnaireAssumeMemberReadOnlyRole", "Effect": "Allow", "Action": "sts:AssumeRole",
         "Resource": f"arn:aws:iam::*:role/{role_name}"},
        {"Sid": "QuestionnaireListOrganizationAccounts", "Effect": "Allow", "Action": "organizations:ListAccounts", "Resource": "*"},
    ]}


def stackset_template(read_only: dict[str, Any], trusted: str | None, role_name: str = DEFAULT_ROLE_NAME,
                      external_id: str | None = None) -> dict[str, Any]:
    """A CloudFormation template (JSON) for a service-managed StackSet: the read-only role in each member account."""
    _check_names(role_name, external_id)
    assume = {"Sid": "QuestionnaireAuditorAssumesReadOnlyRole", "Effect": "Allow",
              "Principal": {"AWS": {"Ref": "TrustedPrincipalArn"}}, "Action": "sts:AssumeRole",
              "Condition": {"Fn::If": ["HasExternalId", {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}},
                                       {"Ref": "AWS::NoValue"}]}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Read-only role for questionnaire check in every member account (deploy as a service-managed "
                       "StackSet to the organization's OUs; the management account needs its own stack)",
        "Parameters": {
            "TrustedPrincipalArn": {"Type": "String", "Default": _principal(trusted),
                                    "Description": "The IAM role (or account root) that runs questionnaire check"},
            "ExternalId": {"Type": "String", "Default": external_id or "",
                           "Description": "sts:ExternalId required to assume the role (empty: none)"},
            "RoleName": {"Type": "String", "Default": role_name, "Description": "aws_organization.role_name in the profile"},
        },
        "Conditions": {"HasExternalId": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ExternalId"}, ""]}]}},
        "Resources": {"QuestionnaireReadOnlyRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": {"Ref": "RoleName"},
            "Description": "Read-only access for questionnaire check (Get/List/Describe only)",
            "MaxSessionDuration": 3600,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [assume]},
            "Policies": [{"PolicyName": "questionnaire-read-only-checks", "PolicyDocument": read_only}],
        }}},
        "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["QuestionnaireReadOnlyRole", "Arn"]}}},
    }


KINDS = ("checks", "caller", "trust", "stackset")


def policy_document(kind: str, trusted: str | None = None, role_name: str = DEFAULT_ROLE_NAME,
                    external_id: str | None = None) -> dict[str, Any]:
    """What ``iam-policy --for KIND`` prints."""
    from questionnaire.checks import iam_policy

    if kind not in KINDS:
        raise UserInputError(f"--for {kind!r}: one of {', '.join(KINDS)}")
    if kind == "checks":
        return iam_policy()
    if kind == "caller":
        return caller_policy(iam_policy(), role_name)
    if kind == "trust":
        return trust_policy(trusted, external_id)
    return stackset_template(iam_policy(), trusted, role_name, external_id)
