"""Many AWS accounts: how ``check`` reaches each one and splits a large organization.

- ``access``: the way into each account (the caller's credentials or an assumed read-only role), the
  AssumeRole sessions (refreshable, minimal duration, external id) and why an account could not be reached;
- ``listing``: the accounts of an organization (``organizations:ListAccounts``) or of an ``--accounts`` file,
  and the deterministic ``--shard I/N`` slice;
- ``ratelimit``: a per-(account, region, service) request rate, from ``templates/aws_rate_limits.yaml``;
- ``progress``: accounts done / total, API calls and errors on long runs;
- ``merge``: ``questionnaire bundle merge`` of per-shard bundles;
- ``roles``: the member-account role (trust policy, CloudFormation StackSet template) ``iam-policy`` prints.

No check logic here: checks decide what to read, this package only says with which credentials.
"""
