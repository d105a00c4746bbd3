"""Words of questionnaires, shared by the xlsx and docx layout detectors.

Header roles ("Vendor Response" is an answer column, "Guidance" is not), question-id values,
form prompts left in empty answer cells ("Please select", "[Insert response]"), what reads as a
question, and the spelling of Yes / No / N/A a dropdown or a checkbox label allows.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

_WS = re.compile(r"\s+")
_NOT_HEADER_CHAR = re.compile(r"[^\w/#?]+")
_SPACED_SLASH = re.compile(r" ?/ ?")


@lru_cache(maxsize=16384)
def norm(text: str | None) -> str:
    # every run of whitespace is inside a run of _NOT_HEADER_CHAR: one pass leaves single spaces
    t = _NOT_HEADER_CHAR.sub(" ", (text or "").lower()).strip()
    return _SPACED_SLASH.sub("/", t)  # "Yes / No / N/A" is "yes/no/n/a"


_ANSWER = re.compile(
    r"\b(answers?|responses?|reply|replies|yes/no(/n/?a)?|y/n|compliant|compliance status|vendor answers?)\b"
)
_ANSWER_EXCLUDE = re.compile(
    r"\b(guidance|analyst|score|scoring|weight|example|expected|institution|reviewer|auditor|"
    r"options?|choices|allowed|possible|valid)\b"  # "Response Options": the list of values, not the answer
)
STRONG_ANSWER = {
    "answer", "answers", "response", "responses", "vendor answer", "vendor answers", "vendor response",
    "supplier response", "supplier answer", "your answer", "your response", "yes/no", "yes/no/na", "yes/no/n/a", "y/n",
}
_COMMENT = re.compile(
    r"\b(comments?|additional information|additional info|additional details|supporting (details|information|evidence)|"
    r"evidence|explanation|explain|notes|justification|implementation description|remarks|details|description|rationale|"
    r"interview notes|supporting documentation|documentation|clarifications?|elaboration)\b"
)
_COMMENT_EXCLUDE = re.compile(r"\b(analyst|reviewer|auditor|institution|guidance|internal|csc|customer responsibilit)")
_QUESTION = re.compile(r"\b(questions?|requirements?|query|queries|control questions?|question text)\b")
PLAIN_QUESTION = {"question", "questions", "question text", "control question", "requirement", "requirements"}
_ID = re.compile(r"^(id|#|no|nr|ref|reference|number|item|q#|qid|new id|question id|question #|question no|control id|\w+ id)$")
QID_VALUE = re.compile(r"^[A-Za-z&]{1,12}[-_. ]?\d+([-.]\d+)*[A-Za-z]?$|^[A-Z][\w&]*(-[\w&]+){1,5}$|^\d+(\.\d+)*\.?$")


# text a form puts in an empty answer cell ("Please select", "[Insert response]", "Click here to enter text")
_PLACEHOLDER = re.compile(
    r"(?:please )?(?:click (?:or tap )?here (?:to )?)?(?:select|choose|pick|enter|type|insert|fill in)"
    r"(?: (?:one|an?|option|item|value|your|the|answer|response|text|here|from|list|drop ?down|below|yes/no(?:/n/?a)?))*"
)


def is_placeholder(text: str | None) -> bool:
    """True for a prompt left in an answer cell by the form's author, not an answer."""
    t = _WS.sub(" ", re.sub(r"[^a-z/ ]+", " ", (text or "").lower())).strip()
    return bool(t) and len(t) <= 60 and _PLACEHOLDER.fullmatch(t) is not None


@lru_cache(maxsize=16384)
def header_role(text: str | None) -> str | None:
    if text and text.rstrip().endswith("?"):
        return None  # a question, not a label (norm keeps the final "?"): told without normalising
    t = norm(text)
    if not t or len(t) > 100 or t.endswith("?"):
        return None  # headers are labels, not questions
    if _ID.match(t):
        return "id"
    if _ANSWER.search(t) and not _ANSWER_EXCLUDE.search(t):
        return "answer"
    if _COMMENT.search(t) and not _COMMENT_EXCLUDE.search(t):
        return "comment"
    if _QUESTION.search(t):
        return "question"
    return None



def is_text_question(text: str) -> bool:
    t = text.strip()
    return len(t) >= 8 and (t.endswith("?") or len(t.split()) >= 3)



_CHOICE_WORDS = {
    "Yes": ("yes", "y", "true", "compliant", "implemented", "agree"),
    "No": ("no", "n", "false", "not compliant", "non compliant", "noncompliant", "not implemented", "disagree"),
    "N/A": ("n/a", "na", "not applicable", "n a", "none applicable"),
}


def pick_option(value: str, options: Iterable[str] | None) -> str | None:
    """Map Yes / No / N/A to the exact spelling a dropdown allows; None if absent or ambiguous."""
    if options is None:
        return value
    return _pick(value, tuple(options))


@lru_cache(maxsize=4096)
def _pick(value: str, opts: tuple[str, ...]) -> str | None:
    words = _CHOICE_WORDS.get(value, (value.lower(),))
    norm = {o: re.sub(r"\s+", " ", re.sub(r"[^a-z0-9/ ]", " ", o.lower())).strip() for o in opts}
    exact = [o for o in opts if norm[o] in words]
    if exact:
        return exact[0]
    prefixed = []
    for o in opts:
        n = norm[o]
        for w in words:
            if n.startswith(w + " ") and (w not in ("n", "y")):
                prefixed.append(o)
                break
    return prefixed[0] if len(prefixed) == 1 else None



def is_choice_list(options: Iterable[str] | None) -> bool:
    """A dropdown of Yes / No (/ N/A ...) values: its cells are answer cells whatever the header says."""
    opts = [o for o in (options or []) if o and o.strip()]
    if not 2 <= len(opts) <= 8:
        return False
    return pick_option("Yes", opts) is not None and pick_option("No", opts) is not None
