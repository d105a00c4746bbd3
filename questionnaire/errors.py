"""One error hierarchy. Only the CLI turns these into messages and exit codes.

Every error carries a one-line, user-facing message (``str(err)``) that says
what is wrong and, where possible, how to fix it. ``exit_code`` follows the
contract: 2 = user error / could not run, 1 = a verified problem (tampered
bundle, drift).
"""

from __future__ import annotations


class QuestionnaireError(Exception):
    """Base class of every error the tool raises on purpose."""

    exit_code = 2


class UserInputError(QuestionnaireError):
    """A bad argument, option or input file."""


class InputFileError(UserInputError):
    """An input file that cannot be read or has the wrong format."""


class ProfileInvalid(UserInputError):
    """The profile has validation problems; ``problems`` lists all of them."""

    def __init__(self, problems: list) -> None:  # list[profile.Problem]
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) in profile")


class OutputError(QuestionnaireError):
    """The output cannot be written (same as input, folder missing, ...)."""


class OptionalDependencyMissing(QuestionnaireError):
    """A feature needs an optional extra that is not installed."""


class AwsError(QuestionnaireError):
    """The AWS account could not be checked at all (exit 2)."""


class CredentialsError(AwsError):
    """No usable AWS credentials."""


class WrongAccountError(AwsError):
    """The credentials belong to another account than the profile declares."""


class EndpointError(AwsError):
    """An AWS endpoint could not be reached."""


class ReadOnlyViolation(QuestionnaireError):
    """Code tried to call a mutating AWS API; the read-only guard refused it."""


class BundleError(QuestionnaireError):
    """An evidence bundle is invalid, hostile or tampered with (exit 1)."""

    exit_code = 1

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or [message]
        super().__init__(message)
