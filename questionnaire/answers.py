"""Standard answers: facts from the profile and the findings, rendered from the catalog.

Rules (issue 6):
- verified: every dependent check has findings and all PASS -> the confident
  answer plus a short evidence reference (check ids);
- contradicted: a dependent check FAILed -> never the declared answer; the text
  states what was observed, ``value`` is None and ``needs_review`` is set;
- declared: no bundle (``source="profile"``), an UNKNOWN or missing finding, or
  no automated check -> the declared answer, marked "declared, not verified";
  ``needs_review`` when a yes/no answer claims a control;
- not_applicable: the entry's ``applies`` expression is false.

Profile values are *data* passed to templates; template source comes only from
the catalog, and rendered output is never rendered again.
No openpyxl, docx or boto3 here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import astuple, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from questionnaire.errors import UserInputError
from questionnaire.findings import Finding, Status

if TYPE_CHECKING:
    from questionnaire.profile import Profile

STATUSES = ("verified", "contradicted", "declared", "not_applicable")
SOURCES = ("bundle", "profile")

DECLARED_NOTE = "Declared in the company's AI deployment profile, not verified against the AWS account."
UNVERIFIABLE_NOTE = "Declared, not verified: no automated check covers this."

from questionnaire.rendering import (  # noqa: F401  (re-exported: answers.region_label etc. keep working)
    EEA_CLOUD_REGIONS,
    EEA_NAMES,
    FILTERS,
    PLATFORM_TEXT,
    SENSITIVE_USE,
    TIER_TEXT,
    days,
    environment,
    humanize,
    in_eea,
    join_and,
    region_label,
    region_name,
)


# --------------------------------------------------------------------------- answers


@dataclass
class Answer:
    id: str
    topic: str
    question: str
    kind: str
    value: str | None
    text: str
    status: str
    needs_review: bool
    evidence: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    asserts: str | None = None  # yes_no: the proposition "Yes" is the truth of
    polarity: str = "same"  # "inverse": answers a question asking the negation of ``asserts``
    # per-deployment entries: [{"deployment", "status", "checks", "why"}], the status of each deployment's part
    deployments: list[dict[str, Any]] = field(default_factory=list)

    def as_polarity(self, polarity: str | None) -> "Answer":
        """This answer for a question of ``polarity``: "inverse" flips a Yes/No value (and
        the "Yes. "/"No. " the text starts with); the rest of the text states the fact,
        true under either polarity. Anything but a yes/no value is returned unchanged."""
        if polarity != "inverse" or self.kind != "yes_no" or self.value not in ("Yes", "No"):
            return self
        from questionnaire.polarity import flip

        new = flip(self.value)
        text = self.text[len(self.value) + 2:] if self.text.startswith(f"{self.value}. ") else self.text
        return replace(self, value=new, text=f"{new}. {text}", polarity="inverse")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "question": self.question,
            "kind": self.kind,
            "value": self.value,
            "text": self.text,
            "status": self.status,
            "needs_review": self.needs_review,
            "evidence": list(self.evidence),
            "checks": list(self.checks),
            "asserts": self.asserts,
            "deployments": [dict(d) for d in self.deployments],
        }


def _private_path(d: dict[str, Any]) -> bool | None:
    """Whether the deployment is reached over a private network path: True / False, or None when the
    profile cannot tell (then a yes/no resting on it abstains)."""
    if d["platform"] == "aws_bedrock" and d.get("aws") is not None:
        return bool(d["aws"].get("private_endpoint"))
    if d["platform"] == "azure_ai_foundry" and d.get("azure") is not None:
        return bool(d["azure"].get("private_network"))
    if d["tier"] in ("consumer", "commercial_api"):
        return False  # a lab's public API over the internet (TLS)
    return None


def _all_or_none(values: list[bool | None]) -> bool | None:
    """True if every value is True, False if any is False, else None (unknown); None for no values."""
    if not values or any(v is False for v in values):
        return False if values else None
    return None if any(v is None for v in values) else True


def _deployment_facts(d: dict[str, Any], categories: dict[int, dict[str, Any]], sensitive: set[int]) -> dict[str, Any]:
    regions = list(d["regions"])
    cats = sorted(d.get("data_categories") or [])
    return {
        **d,
        "tier_text": TIER_TEXT.get(d["tier"], humanize(d["tier"])),
        "platform_text": PLATFORM_TEXT.get(d["platform"], humanize(d["platform"])),
        "regions_text": join_and(region_label(r) for r in regions),
        "outside_eea": [r for r in regions if not in_eea(r)],
        "all_in_eea": all(in_eea(r) for r in regions),
        "customer": any(c in sensitive for c in cats),
        "infra": d["tier"] == "infrastructure",
        "is_aws": d["platform"] == "aws_bedrock" and d.get("aws") is not None,
        "private_path": _private_path(d),
        "cats_text": join_and(f"{c} ({categories[c]['name']})" if c in categories else str(c) for c in cats),
        "developers_text": join_and(d.get("model_developers") or []) or "the model developer",
    }


def facts(profile: Profile, source: str = "bundle") -> dict[str, Any]:
    """Everything a template may use (plain data; profile values are never template source)."""
    p = profile.normalised()
    categories = {c["category"]: c for c in p["data_classification"]}
    # Categories that hold customer data: those that need commercial/infrastructure
    # terms (in the example, category 2 "customer data, source code, ..."), plus any
    # whose description mentions customer data.
    sensitive = {
        n
        for n, c in categories.items()
        if c["ai_use"] in SENSITIVE_USE
        or (c["ai_use"] != "prohibited" and "customer" in f"{c['name']} {c.get('description') or ''}".lower())
    }
    deps = [_deployment_facts(d, categories, sensitive) for d in p["deployments"]]
    cats = []
    for n, c in sorted(categories.items()):
        cats.append({**c, "customer": n in sensitive, "deployments": [d["id"] for d in deps if n in d["data_categories"]]})
    controls = p["controls"]
    from questionnaire.profile import Agents, CodingAgents

    return {
        "p": p,
        "org": p["organization"],
        "product": p["organization"].get("product") or p["organization"]["name"],
        "deps": deps,
        "cust": [d for d in deps if d["customer"]],
        "aws": [d for d in deps if d["is_aws"]],
        "cust_aws": [d for d in deps if d["customer"] and d["is_aws"]],
        "cust_private_path": _all_or_none([d["private_path"] for d in deps if d["customer"]]),
        "cats": cats,
        "cust_cats": [c for c in cats if c["customer"]],
        "prohibited_cats": [c for c in cats if c["ai_use"] == "prohibited"],
        "c": controls,
        "coding": controls.get("coding_agents") or CodingAgents().model_dump(mode="json"),
        "agents": controls.get("agents") or Agents().model_dump(mode="json"),
        "secrets": controls.get("secrets"),
        "logging": controls.get("logging"),
        "documents": p.get("documents") or [],
        "source": source,
    }


def _render(template: str, ctx: dict[str, Any]) -> str:
    from questionnaire.rendering import template as compiled

    text = compiled(template).render(**ctx)
    return " ".join(text.split())


def _eval(expr: str, ctx: dict[str, Any]) -> Any:
    from questionnaire.rendering import expression

    return expression(expr)(**ctx)


def _where(f: Finding) -> str:
    return ", ".join(x for x in (f.deployment, f.region) if x and x != "-")


def _observed_sentence(f: Finding) -> str:
    msg = " ".join(str(f.message or "").split()).rstrip(".")
    if not msg:
        msg = f"{f.check_id} failed (declared {f.declared!r}, observed {f.observed!r})"
    where = _where(f)
    return f"{msg} ({where})" if where else msg


def _scope(entry, ctx: dict[str, Any]) -> list[dict[str, Any]]:
    """The deployments a per-deployment entry speaks about (none for other entries)."""
    mode = getattr(entry, "per_deployment", "")
    return ctx["deps"] if mode == "all" else ctx["cust"] if mode else []


def _short(message: str) -> str:
    msg = " ".join(str(message or "").split()).rstrip(".")
    return msg[:157] + "..." if len(msg) > 160 else msg


def _by_deployment(scope: list[dict[str, Any]], relevant: list[Finding]) -> list[dict[str, Any]]:
    """Each deployment's part of the answer: contradicted if a finding about it FAILed, verified if it has
    findings and all PASS, else declared (with the reason)."""
    out: list[dict[str, Any]] = []
    ids = [d["id"] for d in scope]
    if ids:  # a deployment outside the scope whose finding FAILed contradicts the answer too: name it
        ids += sorted({f.deployment for f in relevant if f.status == Status.FAIL and f.deployment and f.deployment not in ids})
    for dep_id in ids:
        mine = [f for f in relevant if f.deployment == dep_id]
        failed = [f for f in mine if f.status == Status.FAIL]
        if failed:
            status, why = "contradicted", _short(failed[0].message)
        elif mine and all(f.status == Status.PASS for f in mine):
            status, why = "verified", ""
        else:
            open_ = [f for f in mine if f.status == Status.UNKNOWN]
            status, why = "declared", _short(open_[0].message) if open_ else "no check covers it"
        out.append({"deployment": dep_id, "status": status, "checks": sorted({f.check_id for f in mine}), "why": why})
    return out


def _parts_note(parts: list[dict[str, Any]]) -> str:
    """"Verified for a (checks); declared for b: why." for an answer whose deployments differ."""
    done = [p for p in parts if p["status"] == "verified"]
    if not done or len(done) == len(parts):
        return ""
    rest = [p for p in parts if p["status"] != "verified"]
    ok = join_and(f"{p['deployment']} ({', '.join(p['checks'])})" for p in done)
    return f" Verified for {ok}; not for {join_and(p['deployment'] for p in rest)}."


def _declared_note(source: str, all_checks: tuple[str, ...], relevant: list[Finding], covered: set[str],
                   scope: list[dict[str, Any]], uncovered: list[str], parts: list[dict[str, Any]]) -> str:
    """Why an answer is declared, not verified."""
    if source == "profile":
        return DECLARED_NOTE
    if not all_checks:
        return UNVERIFIABLE_NOTE
    # the check of deployments no provider verifies (imported here: answers read back from the user cache
    # need no check registry)
    from questionnaire.checks.aws.declared import ID as NOT_VERIFIABLE

    unknown = [c for c in all_checks if c not in covered and not scope] + sorted(
        {f.check_id for f in relevant if f.status == Status.UNKNOWN and f.check_id != NOT_VERIFIABLE}
    )
    reasons = []
    off_aws = sorted({f.deployment for f in relevant if f.check_id == NOT_VERIFIABLE and f.deployment})
    if off_aws:
        reasons.append(f"{join_and(off_aws)} cannot be checked against AWS")
    if uncovered:
        reasons.append(f"no check of this covers {join_and(uncovered)}")
    if unknown:
        reasons.append(f"{', '.join(dict.fromkeys(unknown))} could not be confirmed")
    return f"Declared, not verified: {'; '.join(reasons) or 'no finding covers this'}.{_parts_note(parts)}"


def _answer(entry, ctx: dict[str, Any], by_check: dict[str, list[Finding]] | None, source: str,
            idle: frozenset[str] = frozenset()) -> Answer:
    # checks + the prerequisites it requires, less those of providers that verify no deployment here
    all_checks = tuple(c for c in getattr(entry, "all_checks", entry.checks) if c not in idle)
    base = dict(id=entry.id, topic=entry.topic, question=entry.question, kind=entry.kind, checks=list(all_checks),
                asserts=getattr(entry, "asserts", None))
    if entry.applies and not _eval(entry.applies, ctx):
        text = _render(entry.template, ctx)
        return Answer(**base, value=None, text=text, status="not_applicable", needs_review=False)

    text = _render(entry.template, ctx)
    value: str | None = None
    if entry.kind == "yes_no":
        raw = _eval(entry.value, ctx)
        value = None if raw is None else "Yes" if raw else "No"
    claims = entry.kind == "yes_no" and entry.claim is not None and value == entry.claim

    relevant: list[Finding] = []
    if by_check is not None:
        for c in all_checks:
            relevant.extend(by_check.get(c, []))
    evidence = [f.id for f in relevant]
    failed = [f for f in relevant if f.status == Status.FAIL]
    # a claim about the deployments in scope is verified only if a cited check covers each one
    scope = _scope(entry, ctx)
    uncovered = [d["id"] for d in scope if d["id"] not in {f.deployment for f in relevant}]
    if by_check is not None:
        base["deployments"] = _by_deployment(scope, relevant)

    if source == "bundle" and failed:
        observed = "; ".join(_observed_sentence(f) for f in failed)
        checks = join_and(sorted({f.check_id for f in failed}))
        text = (
            f"Needs review: the observed configuration does not match the declared one. "
            f"Observed: {observed}. Failed check(s): {checks}."
        )
        return Answer(**base, value=None, text=text, status="contradicted", needs_review=True,
                      evidence=[f.id for f in failed] + [e for e in evidence if e not in {f.id for f in failed}])

    if value is not None:
        text = f"{value}. {text}"
    covered = {f.check_id for f in relevant}
    # the checks prove the entry's claim, never its negation: a "No" where the claim is "Yes" stays declared
    proves_value = entry.kind != "yes_no" or entry.claim is None or claims
    # per deployment, the cited checks are alternatives (one provider's check each): every deployment in scope
    # covered is what counts; otherwise every cited check must have findings
    complete = not uncovered if scope else bool(all_checks) and all(c in covered for c in all_checks)
    if source == "bundle" and proves_value and relevant and complete and all(f.status == Status.PASS for f in relevant):
        cited = sorted(covered) if scope else all_checks
        text = f"{text} Verified (checks: {', '.join(cited)})."
        return Answer(**base, value=value, text=text, status="verified", needs_review=False, evidence=evidence)

    note = _declared_note(source, all_checks, relevant, covered, scope, uncovered, base.get("deployments", []))
    if entry.kind == "yes_no" and value is None:  # the profile cannot tell: no Yes/No is written
        return Answer(**base, value=None, status="declared", needs_review=True, evidence=evidence,
                      text=f"Needs review: the profile does not say enough to answer Yes or No. {text} {note}")
    return Answer(**base, value=value, text=f"{text} {note}", status="declared", needs_review=claims, evidence=evidence)


class AnswerSet(Mapping):
    """Catalog id -> Answer, each rendered the first time it is asked for (``fill`` renders only
    the entries its questions matched); iterating renders all, in catalog order.

    ``remember=True`` (``fill``): answers rendered by an earlier run from the same catalog, profile
    (every field), findings, source, code and shipped data (``templates/``, and botocore, whose region
    names templates use) are read back from the user cache (``match_memo``) instead of rendered;
    ``save_memo()`` keeps new ones."""

    def __init__(self, profile: Profile, findings: list[Finding] | None, *, source: str = "bundle",
                 entries: list | None = None, remember: bool = False):
        if source not in SOURCES:
            raise UserInputError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
        if source == "profile":
            findings = None
        if entries is None:
            from questionnaire.catalog import load_catalog

            entries = load_catalog()
        self.entries = list(entries)
        self._entries = {e.id: e for e in self.entries}
        self._by_check: dict[str, list[Finding]] | None = None
        if findings is not None:
            self._by_check = {}
            for f in findings:
                self._by_check.setdefault(f.check_id, []).append(f)
        elif source == "bundle":
            source = "profile"  # no findings: nothing is verified
        self._profile, self.source = profile, source
        self._findings = findings
        self._done: dict[str, Answer] = {}
        self._ctx: dict[str, Any] | None = None
        self._idle: frozenset[str] = frozenset()
        self._remember = remember
        self._memo = None

    def __getitem__(self, entry_id: str) -> Answer:
        a = self._done.get(entry_id)
        if a is None:
            entry = self._entries[entry_id]  # KeyError: no such entry
            memo = self._memory()
            known = memo.get(entry_id) if memo is not None else None
            if known is not None:
                a = Answer(*known)
            else:
                a = self.render(entry)
                if memo is not None:
                    memo.put(entry_id, astuple(a))
            self._done[entry_id] = a
        return a

    def _memory(self):
        if self._remember and self._memo is None:
            from questionnaire import knowledge_cache as kc
            from questionnaire.match_memo import Memo

            findings = "-" if self._findings is None else repr(self._findings)
            self._memo = Memo("answers", kc.key("answers", repr(self.entries), self._profile.model_dump_json(),
                                                self.source, findings, kc.data_fingerprint(),
                                                kc.version_file("botocore")))
        return self._memo

    def save_memo(self) -> None:
        """Keep the answers rendered in this run for the next one (``remember=True`` only)."""
        if self._memo is not None:
            self._memo.save()

    def render(self, entry) -> Answer:
        """The answer of one catalog entry (the facts are worked out on the first call)."""
        if self._ctx is None:
            from questionnaire.checks.providers import idle_check_ids  # providers verifying no deployment here

            from questionnaire.profile_memo import unwrap  # a remembered profile is validated here, when first needed

            profile = unwrap(self._profile)
            self._ctx = facts(profile, self.source)
            self._idle = frozenset(idle_check_ids(profile)) - set(self._by_check or ())  # a check with findings is never idle
        return _answer(entry, self._ctx, self._by_check, self.source, self._idle)

    def get(self, entry_id: str, default: Any = None) -> Any:
        return self[entry_id] if entry_id in self._entries else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def build_answers(
    profile: Profile,
    findings: list[Finding] | None,
    *,
    source: str = "bundle",
    entries: list | None = None,
) -> list[Answer]:
    """One Answer per catalog entry, in catalog order."""
    answers = AnswerSet(profile, findings, source=source, entries=entries)
    return [answers.render(e) for e in answers.entries]


def summary(answers: list[Answer]) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for a in answers:
        out[a.status] += 1
    out["needs_review"] = sum(1 for a in answers if a.needs_review)
    out["total"] = len(answers)
    return out


def __getattr__(name: str) -> Any:
    """``answers.NOT_VERIFIABLE`` (the check id of deployments no provider verifies), imported when asked for."""
    if name == "NOT_VERIFIABLE":
        from questionnaire.checks.aws.declared import ID

        return ID
    raise AttributeError(name)
