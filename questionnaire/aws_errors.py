"""What an AWS API error means for a judge: the error codes, and :func:`classify`.

An API error or a missing permission is UNKNOWN, never PASS: only ``explicit_deny`` and
``region_disabled`` are evidence about the account.
"""

from __future__ import annotations

from typing import Any

# Error codes that mean "the caller may not do this" (-> UNKNOWN, never PASS).
ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "AuthorizationError",
        "Forbidden",
        "403",
    }
)
THROTTLE_CODES = frozenset(
    {"Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException", "SlowDown"}
)
UNSUPPORTED_CODE = "UnsupportedOperation"
UNREACHABLE_CODE = "EndpointUnreachable"  # connection refused, DNS, connect/read timeout, connection closed
# What AWS answers in a region the account has not enabled (opt-in regions): the region is not in use.
REGION_DISABLED_CODES = frozenset({"OptInRequired", "UnrecognizedClientException", "InvalidClientTokenId"})
TRUNCATED_CODE = "PagesTruncated"


def classify(error: dict[str, Any] | None) -> str:
    """What an API error means for a judge: ok, explicit_deny (an SCP or explicit Deny: the strongest
    evidence that the call is blocked), denied, throttled, unreachable, unsupported, region_disabled, error.

    Only ``explicit_deny`` and ``region_disabled`` are evidence about the account; every other error
    means "cannot tell" (UNKNOWN), never "not in use"."""
    if not error:
        return "ok"
    code = str(error.get("code") or "")
    msg = str(error.get("message") or "").lower()
    if code in ACCESS_DENIED_CODES:
        return "explicit_deny" if "explicit deny" in msg else "denied"
    if code in THROTTLE_CODES:
        return "throttled"
    if code == UNREACHABLE_CODE:
        return "unreachable"
    if code == UNSUPPORTED_CODE:
        return "unsupported"
    if code in REGION_DISABLED_CODES:
        return "region_disabled"
    return "error"
