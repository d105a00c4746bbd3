"""The accounts of one run: whose credentials call, which accounts are listed, which this shard covers,
and how each is reached. Built once before any check runs.

A run is *multi-account* when the profile names a role (``role_name``, ``role_arns``) or resources in other
accounts, or when ``--org`` / ``--accounts`` / ``--shard`` is given; otherwise it is the classic
single-account run (the credentials must be the declared account).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from questionnaire.findings import RawResponse
from questionnaire.org.access import AccountSessions, ways_in
from questionnaire.org.listing import active_ids, list_organization, read_accounts_file, shard_accounts


@dataclass(frozen=True)
class Scope:
    """What the command line asked for: ``--org``, ``--accounts FILE``, ``--shard I/N``."""

    org: bool = False
    accounts_file: Path | None = None
    shard: tuple[int, int] | None = None

    @property
    def lists(self) -> bool:
        return self.org or self.accounts_file is not None


@dataclass
class AccountPlan:
    caller: dict[str, Any]
    listed: list[str]  # the organization / the file / the profile's accounts
    covered: list[str]  # the accounts this run (shard) verifies: their deployments and their baseline
    source: str
    shard: tuple[int, int] | None
    sessions: AccountSessions
    raws: list[RawResponse] = field(default_factory=list)  # caller identity, ListAccounts pages, AssumeRole calls
    not_active: dict[str, str] = field(default_factory=dict)
    baseline: bool = False  # --org / --accounts: every covered account is checked against the profile's baseline

    def owns(self, account: str) -> bool:
        return account in self.covered

    @property
    def first(self) -> bool:
        """Shard 1 (or no shard) runs what is not per account: profile-only checks, other providers, repositories."""
        return self.shard is None or self.shard[0] == 1

    def predicate_org(self) -> dict[str, Any] | None:
        if self.source == "profile" and self.shard is None:
            return None
        return {"source": self.source, "accounts": list(self.listed), "shard": list(self.shard) if self.shard else None,
                "covered": list(self.covered)}


def is_multi_account(profile: Any, scope: Scope) -> bool:
    if scope.lists or scope.shard is not None:
        return True
    for d in profile.aws_deployments():
        a = d.aws
        if a.role_name or a.role_arns or (a.accounts is not None and any(a.accounts.model_dump().values())):
            return True
    return False


def named_accounts(profile: Any) -> list[str]:
    out: set[str] = set()
    for d in profile.aws_deployments():
        out.add(d.aws.account_id)
        if d.aws.accounts is not None:
            out.update(v for v in d.aws.accounts.model_dump().values() if v)
    return sorted(out)


def plan_accounts(profile: Any, scope: Scope, clients: Any) -> AccountPlan:
    """Who calls (sts:GetCallerIdentity), the listing, this shard's slice, the way into every account."""
    from questionnaire.aws import identity_error

    ident = clients.caller_identity()
    identity_error(ident)  # no credentials / unreachable: the run cannot start (exit 2)
    caller = {"account": (ident.response or {}).get("Account"), "arn": (ident.response or {}).get("Arn")}
    raws = [ident]
    not_active: dict[str, str] = {}
    if scope.org:
        accounts, pages = list_organization(clients.list_accounts)
        raws += pages
        listed, not_active = active_ids(accounts)
        source = "organizations:ListAccounts"
    elif scope.accounts_file is not None:
        listed, source = read_accounts_file(scope.accounts_file), f"accounts file {scope.accounts_file.name}"
    else:
        listed, source = named_accounts(profile), "profile"
    listed = sorted(set(listed) | (set(named_accounts(profile)) if scope.lists else set()))
    covered = shard_accounts(listed, scope.shard)
    sessions = AccountSessions(ways_in(profile, caller["account"], listed), caller["account"], clients.assume_role,
                               raws.append)
    return AccountPlan(caller, listed, covered, source, scope.shard, sessions, raws, not_active, baseline=scope.lists)


def scope_from_options(org: bool, accounts: Path | None, shard: str | None) -> Scope:
    """``check --org / --accounts FILE / --shard I/N`` as a Scope; conflicting options are one clear line."""
    from questionnaire.errors import UserInputError
    from questionnaire.org.listing import parse_shard

    if org and accounts is not None:
        raise UserInputError("give --org (list the organization) or --accounts FILE, not both")
    if accounts is not None:
        read_accounts_file(accounts)  # a bad file is reported before any AWS call
    return Scope(org=org, accounts_file=accounts, shard=parse_shard(shard))
