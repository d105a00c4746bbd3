"""The one list of credential token formats, shared by ``scan-repo`` and the redactor.

A format is recognised by its literal prefix (checked with a fast substring
search first), a regular expression and a minimum Shannon entropy of its body
(``scan-repo`` uses the entropy to skip placeholders; the redactor redacts
every match). Add a format here and both the repository scan and every output
of the tool (bundle, ``check --json``, console, exports) know it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

# not preceded by a letter/digit: "DB_ghp_..." and "KEY=AKIA..." match, "task-..." does not start "sk-"
_L = r"(?<![A-Za-z0-9])"


@dataclass(frozen=True)
class TokenFormat:
    kind: str
    prefixes: tuple[str, ...]
    regex: re.Pattern[str]
    min_entropy: float
    body_sep: str = ""  # the body (for entropy) starts after this separator; "" = after 4 characters

    def body(self, token: str) -> str:
        return token.split(self.body_sep, 1)[-1] if self.body_sep else token[4:]


def _f(kind: str, prefixes: tuple[str, ...], pattern: str, min_entropy: float, body_sep: str = "") -> TokenFormat:
    return TokenFormat(kind, prefixes, re.compile(pattern), min_entropy, body_sep)


TOKEN_FORMATS: tuple[TokenFormat, ...] = (
    _f("aws-access-key-id", ("AKIA", "ASIA", "ABIA", "ACCA"), _L + r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])", 3.0),
    _f("anthropic-api-key", ("sk-ant-",), _L + r"sk-ant-[A-Za-z0-9_\-]{20,}", 3.5),
    _f("openai-api-key", ("sk-proj-", "sk-admin-", "sk-svcacct-"), _L + r"sk-(?:proj|admin|svcacct)-[A-Za-z0-9_\-]{20,}", 3.5),
    _f("openai-api-key", ("sk-",), _L + r"sk-(?!ant-|proj-|admin-|svcacct-)[A-Za-z0-9]{20,}(?:T3BlbkFJ[A-Za-z0-9]{20,})?", 3.5),
    _f("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), _L + r"gh[pousr]_[A-Za-z0-9]{36,}", 3.5, "_"),
    _f("github-token", ("github_pat_",), _L + r"github_pat_[A-Za-z0-9_]{22,}", 3.5, "_"),
    _f("slack-token", ("xox",), _L + r"xox[abposr]-[A-Za-z0-9\-]{10,}", 3.0),
    _f("stripe-secret-key", ("k_live_",), _L + r"[sr]k_live_[A-Za-z0-9]{20,}", 3.5, "_"),
    _f("google-api-key", ("AIza",), _L + r"AIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])", 3.5),
    _f("npm-token", ("npm_",), _L + r"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])", 3.5, "_"),
    _f("huggingface-token", ("hf_",), _L + r"hf_[A-Za-z0-9]{34,}", 3.5, "_"),
    _f("gitlab-token", ("glpat-",), _L + r"glpat-[A-Za-z0-9_\-]{20,}", 3.5, "-"),
    _f("sendgrid-api-key", ("SG.",), _L + r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}", 3.5, "."),
)


def entropy(s: str) -> float:
    """Shannon entropy in bits per character."""
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())
