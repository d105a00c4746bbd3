"""Which accounts a run covers: organizations:ListAccounts (moto), --accounts files, --shard slices,
the per-service rate limiter and the progress line."""

from __future__ import annotations

import json

import pytest

from questionnaire.errors import AwsError, InputFileError, UserInputError
from questionnaire.org.listing import active_ids, list_organization, parse_shard, read_accounts_file, shard_accounts
from questionnaire.org.progress import Progress
from questionnaire.org.ratelimit import RateLimiter, default_rates


def test_list_the_organization_page_by_page_with_moto():
    from moto import mock_aws

    from questionnaire.org.clients import AccessClients
    from questionnaire.testing.aws_fixture import fake_credentials_env, patched_environ

    with patched_environ(fake_credentials_env()), mock_aws():
        import boto3

        org = boto3.client("organizations", region_name="us-east-1")
        org.create_organization(FeatureSet="ALL")
        made = [org.create_account(AccountName=f"member-{i}", Email=f"m{i}@acme.example")["CreateAccountStatus"]["AccountId"]
                for i in range(4)]
        clients = AccessClients()
        accounts, raws = list_organization(lambda **p: clients.list_accounts(MaxResults=2, **p))
    ids, other = active_ids(accounts)
    assert set(made) < set(ids) and len(ids) == 5 and other == {}  # the management account too
    assert len(raws) == 3 and all(r.operation == "ListAccounts" for r in raws)
    assert raws[1].params["NextToken"]


def test_a_failed_listing_page_stops_the_run_with_a_hint():
    from questionnaire.findings import RawResponse

    def denied(**p):
        return RawResponse("organizations", "ListAccounts", None, p, None, "t",
                           error={"code": "AccessDeniedException", "message": "You don't have permissions"})
    with pytest.raises(AwsError, match="from the management account or a delegated administrator.*--accounts FILE"):
        list_organization(denied)


def test_suspended_accounts_are_not_checked():
    ids, other = active_ids([{"Id": "111111111111", "State": "ACTIVE"}, {"Id": "222222222222", "State": "SUSPENDED"},
                             {"Id": "333333333333"}])
    assert ids == ["111111111111", "333333333333"] and other == {"222222222222": "SUSPENDED"}  # no state: tried


def test_accounts_file(tmp_path):
    p = tmp_path / "accounts.txt"
    p.write_text("# workload accounts\n111111111111, prod\n\n222222222222  # dev\n'333333333333'\n", encoding="utf-8")
    assert read_accounts_file(p) == ["111111111111", "222222222222", "333333333333"]
    p.write_text("111111111111\n12345\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"accounts.txt:2: '12345' is not a 12-digit AWS account id"):
        read_accounts_file(p)
    p.write_text("111111111111\n111111111111\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r":2: account 111111111111 is listed twice \(first at line 1\)"):
        read_accounts_file(p)
    p.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no account ids"):
        read_accounts_file(p)
    with pytest.raises(InputFileError, match="file not found"):
        read_accounts_file(tmp_path / "none.txt")


def test_shards_are_a_deterministic_partition():
    accounts = [f"{n:012d}" for n in range(100000000000, 100000000000 + 23 * 7, 7)]
    assert parse_shard("2/4") == (2, 4) and parse_shard(None) is None
    for bad in ("0/4", "5/4", "a/b", "3", "1/0"):
        with pytest.raises(UserInputError, match="--shard"):
            parse_shard(bad)
    parts = [shard_accounts(list(reversed(accounts)), (i, 4)) for i in range(1, 5)]
    assert sorted(a for p in parts for a in p) == sorted(accounts)  # every account exactly once
    assert {len(p) for p in parts} == {5, 6}  # balanced
    assert parts == [shard_accounts(accounts, (i, 4)) for i in range(1, 5)]  # independent of the listing order


def test_rate_limiter_keeps_each_bucket_under_its_rate():
    now = [0.0]
    slept: list[float] = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    lim = RateLimiter({"*": (10.0, 10.0), "cloudtrail": (2.0, 2.0)}, clock=lambda: now[0], sleep=sleep)
    for _ in range(6):
        lim.acquire("111111111111", "eu-west-1", "cloudtrail")
    assert now[0] == pytest.approx(2.0)  # burst of 2, then 2 per second: 4 more requests take 2 s
    t = now[0]
    lim.acquire("222222222222", "eu-west-1", "cloudtrail")  # another account: its own bucket, no wait
    lim.acquire("111111111111", "eu-west-1", "ec2")
    assert now[0] == t
    assert default_rates()["cloudtrail"] == (10.0, 10.0) and default_rates()["ec2"] == (20.0, 100.0)


def test_progress_line_on_account_completion():
    lines: list[str] = []
    clock = [0.0]
    p = Progress(3, lines.append, calls=lambda: 1234, every=5.0, clock=lambda: clock[0])
    p.account_done()  # too soon after the start: no line
    clock[0] = 6.0
    p.error()
    p.account_done()
    p.account_done()  # the last one always prints
    assert lines == ["accounts 2/3 done, 1,234 API calls, 1 error(s)", "accounts 3/3 done, 1,234 API calls, 1 error(s)"]


def test_member_role_templates():
    from questionnaire.checks import iam_policy
    from questionnaire.org.roles import caller_policy, stackset_template, trust_policy

    trust = trust_policy("arn:aws:iam::111111111111:role/auditor", "acme-ext")
    stmt = trust["Statement"][0]
    assert stmt["Principal"] == {"AWS": "arn:aws:iam::111111111111:role/auditor"} and stmt["Action"] == "sts:AssumeRole"
    assert stmt["Condition"] == {"StringEquals": {"sts:ExternalId": "acme-ext"}}
    assert trust_policy("111111111111")["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    with pytest.raises(UserInputError, match="--trusted-principal"):
        trust_policy("arn:aws:iam::1:user/x")
    tpl = stackset_template(iam_policy(), "111111111111", "QR", "acme-ext")
    role = tpl["Resources"]["QuestionnaireReadOnlyRole"]["Properties"]
    assert role["Policies"][0]["PolicyDocument"] == iam_policy()
    actions = [a for s in iam_policy()["Statement"] for a in s["Action"]]
    assert all(a.split(":")[1].startswith(("Get", "List", "Describe", "Lookup")) for a in actions)
    assert tpl["Parameters"]["RoleName"]["Default"] == "QR" and tpl["Parameters"]["ExternalId"]["Default"] == "acme-ext"
    json.dumps(tpl)
    caller = caller_policy(iam_policy(), "QR")["Statement"]
    assert {"Sid": "QuestionnaireAssumeMemberReadOnlyRole", "Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::*:role/QR"} in caller


def test_command_line_mistakes_are_one_line_before_any_aws_call(tmp_path, no_aws_credentials):
    from typer.testing import CliRunner

    from conftest import EXAMPLE_PROFILE
    from questionnaire.cli import app

    cli = CliRunner()
    bad = tmp_path / "accounts.txt"
    bad.write_text("12345\n", encoding="utf-8")
    for args, msg in ((["--org", "--accounts", str(bad)], "not both"), (["--shard", "5/4"], "--shard '5/4'"),
                      (["--accounts", str(bad)], "accounts.txt:1: '12345' is not a 12-digit AWS account id")):
        res = cli.invoke(app, ["check", str(EXAMPLE_PROFILE), *args])
        assert res.exit_code == 2 and msg in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.output


def test_iam_policy_prints_the_member_role():
    from typer.testing import CliRunner

    from questionnaire.cli import app

    cli = CliRunner()
    plain = json.loads(cli.invoke(app, ["iam-policy"]).stdout)
    assert plain["Statement"][0]["Sid"] == "QuestionnaireReadOnlyChecks"
    res = cli.invoke(app, ["iam-policy", "--for", "stackset", "--trusted-principal", "arn:aws:iam::111111111111:role/auditor",
                           "--external-id", "acme-ext"])
    tpl = json.loads(res.stdout)
    assert tpl["Resources"]["QuestionnaireReadOnlyRole"]["Type"] == "AWS::IAM::Role"
    assert tpl["Resources"]["QuestionnaireReadOnlyRole"]["Properties"]["Policies"][0]["PolicyDocument"] == plain
    trust = json.loads(cli.invoke(app, ["iam-policy", "--for", "trust", "--trusted-principal", "111111111111"]).stdout)
    assert trust["Statement"][0]["Principal"]["AWS"] == "arn:aws:iam::111111111111:root"
    res = cli.invoke(app, ["iam-policy", "--for", "trust"])
    assert res.exit_code == 2 and "--trusted-principal" in res.stderr
    res = cli.invoke(app, ["iam-policy", "--for", "nope"])
    assert res.exit_code == 2 and "one of checks, caller, trust, stackset" in res.stderr


def test_mask_account_masks_every_account_of_the_summary():
    from conftest import EXAMPLE_PROFILE
    from questionnaire.findings import Finding, Status
    from questionnaire.profile import load_profile
    from questionnaire.summary import build_summary, render_markdown

    prof = load_profile(EXAMPLE_PROFILE).profile
    f = Finding("org.bedrock.only_declared_accounts", None, None, Status.FAIL, [], {}, "account 222222222222: Bedrock invoked",
                ("raw/222222222222/eu-west-1/cloudwatch/ListMetrics.json",), "222222222222", account="222222222222")
    rows = [{"account": "222222222222", "access": "failed", "reason": "cannot assume arn:aws:iam::222222222222:role/R",
             "PASS": 0, "FAIL": 1, "UNKNOWN": 0}]
    md = render_markdown(build_summary(prof, [f], identity={"account": "123456789012", "arn": "arn:aws:iam::123456789012:root"},
                                       started=None, ended=None, regions=[], mask_account=True, accounts=rows))
    assert "222222222222" not in md and "********2222" in md and "## Accounts" in md
