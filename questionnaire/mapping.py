"""Compliance mappings: check ids and catalog ids -> framework control ids; question ids -> catalog entries.

Data: ``templates/mappings/<framework>.yaml``, one file per framework, with ``framework``, ``name``,
``version``, ``source``, ``controls`` (control id -> short title, our own wording), ``map``
(check or catalog id -> control ids) and, for questionnaires (CAIQ, AI-CAIQ, HECVAT), ``questions``
(question id -> ``catalog_id`` or null for "known out of scope", a ``fingerprint`` (hash of the
normalised question text) and a few ``keywords``; the question text itself is not stored).

Id-based answering (``match_by_question_id``) needs the questionnaire version detected from the file
(``detect_version``) and a question text that agrees with the id's known question: ids are reused
with other meanings across versions (AI-CAIQ 1.1.0 vs 1.0.2). Anything else returns ``None`` and the
caller falls back to text matching.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from questionnaire.errors import InputFileError

__all__ = [
    "Framework",
    "IdMatch",
    "annotate_findings",
    "controls_for",
    "detect_version",
    "detect_workbook_version",
    "fingerprint",
    "framework",
    "keywords",
    "load_mappings",
    "match_by_question_id",
    "validate_mappings",
]

# detected version string "<questionnaire>:<version>" -> mapping file (framework name) + version prefix
QUESTIONNAIRES = {"caiq": "caiq", "ai-caiq": "ai-caiq", "hecvat": "hecvat", "hecvat3": "hecvat3"}
_STOP = frozenset(
    "a an the and or of to for in on at by with is are be been do does did your you yours any all this that these those "
    "from as it its their there which what who how when where will can have has had not no if".split()
)


@dataclass(frozen=True)
class IdMatch:
    catalog_id: str | None  # None = question known to be out of scope of this tool
    confidence: float
    framework: str
    question_id: str
    title: str = ""


@dataclass(frozen=True)
class Framework:
    name: str  # file stem, e.g. "soc2"
    title: str
    version: str
    source: str
    controls: dict[str, str]
    map: dict[str, list[str]]
    questions: dict[str, dict[str, Any]]
    path: Path


def _words(text: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", str(text or "")).lower().replace("’", "'")
    return re.findall(r"[a-z0-9]+", text)


def fingerprint(text: str) -> str:
    """Short hash of the normalised question text (lower-case alphanumeric words)."""
    return hashlib.sha256(" ".join(_words(text)).encode()).hexdigest()[:16]


def keywords(text: str, n: int = 4) -> list[str]:
    """A few distinctive words of a question (the longest non-stop words, in text order)."""
    words = [w for w in dict.fromkeys(_words(text)) if w not in _STOP and len(w) > 3]
    keep = set(sorted(words, key=lambda w: (-len(w), w))[:n])
    return [w for w in words if w in keep]


def _mappings_dir() -> Path:
    from questionnaire.resources import templates_dir

    return Path(templates_dir()) / "mappings"


def _load_file(path: Path) -> Framework:
    from questionnaire.knowledge_cache import DataFileProblem, yaml_file

    try:
        # parsed once (libyaml's loader when present), then read back from the user cache while unchanged
        doc = yaml_file(path)
    except DataFileProblem as e:
        raise InputFileError(f"{path.name}: cannot read mapping: {str(e).splitlines()[0]}") from None
    if not isinstance(doc, dict):
        raise InputFileError(f"{path.name}: mapping is not a mapping")
    for key in ("framework", "name", "version", "source", "controls", "map"):
        if key not in doc:
            raise InputFileError(f"{path.name}: mapping lacks {key!r}")
    controls = {str(k): str(v) for k, v in (doc["controls"] or {}).items()}
    mp = {str(k): [str(c) for c in (v or [])] for k, v in (doc["map"] or {}).items()}
    for k, ids in mp.items():
        for c in ids:
            if c not in controls:
                raise InputFileError(f"{path.name}: {k} maps to unknown control {c!r}")
    questions = {str(k): dict(v) for k, v in (doc.get("questions") or {}).items()}
    for q, spec in questions.items():
        if "catalog_id" not in spec or "fingerprint" not in spec:
            raise InputFileError(f"{path.name}: question {q} needs catalog_id and fingerprint")
    return Framework(
        name=str(doc["framework"]),
        title=str(doc["name"]),
        version=str(doc["version"]),
        source=str(doc["source"]),
        controls=controls,
        map=mp,
        questions=questions,
        path=path,
    )


@lru_cache(maxsize=4)
def _load_all(directory: str) -> dict[str, Framework]:
    out: dict[str, Framework] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        fw = _load_file(path)
        if fw.name != path.stem:
            raise InputFileError(f"{path.name}: framework {fw.name!r} does not match the file name")
        out[fw.name] = fw
    return out


def load_mappings(directory: Path | None = None) -> dict[str, Framework]:
    """Every mapping file, by framework name (file stem)."""
    return _load_all(str(directory or _mappings_dir()))


def framework(name: str) -> Framework:
    fws = load_mappings()
    key = name.strip().lower()
    aliases = {"soc 2": "soc2", "iso 27001": "iso27001", "iso27001:2022": "iso27001", "iso 42001": "iso42001",
               "nist": "nist-ai-rmf", "ai-rmf": "nist-ai-rmf", "eu-ai-act": "eu-ai-act", "ai-act": "eu-ai-act",
               "aicm": "ai-caiq", "hecvat4": "hecvat"}
    key = aliases.get(key, key)
    if key not in fws:
        from questionnaire.errors import UserInputError

        raise UserInputError(f"unknown framework {name!r}; known: {', '.join(sorted(fws))}")
    return fws[key]


def validate_mappings(check_ids: Iterable[str], catalog_ids: Iterable[str], directory: Path | None = None) -> list[str]:
    """Problems: ids referenced that are neither a check nor a catalog entry; checks mapped nowhere."""
    checks, entries = set(check_ids), set(catalog_ids)
    known = checks | entries
    problems: list[str] = []
    mapped: set[str] = set()
    for fw in load_mappings(directory).values():
        for k in fw.map:
            if k not in known:
                problems.append(f"{fw.name}: unknown check or catalog id {k}")
            mapped.add(k)
        for q, spec in fw.questions.items():
            cid = spec.get("catalog_id")
            if cid is not None and cid not in entries:
                problems.append(f"{fw.name}: question {q} maps to unknown catalog id {cid}")
    for c in sorted(checks - mapped):
        problems.append(f"check {c} is mapped to no framework")
    return problems


def controls_for(check_or_entry_id: str) -> dict[str, list[str]]:
    """Framework name -> control ids supporting this check or catalog id (frameworks without any left out)."""
    out: dict[str, list[str]] = {}
    for name, fw in load_mappings().items():
        ids = fw.map.get(check_or_entry_id)
        if ids:
            out[name] = list(ids)
    return out


def annotate_findings(findings: Iterable) -> list:
    """The findings with ``controls`` filled from the mappings (by check id)."""
    import dataclasses

    return [dataclasses.replace(f, controls=controls_for(f.check_id)) for f in findings]


# ------------------------------------------------------------------ version detection

_VERSION_RE = re.compile(r"^v?(\d+\.\d+(?:\.\d+)?)$")


def detect_version(cells: Iterable[Any] = (), sheet_names: Iterable[str] = ()) -> str | None:
    """``"<questionnaire>:<version>"`` from a workbook's first cells and sheet names, or None.

    ``cells``: values such as each sheet's ``A1`` (CAIQ: ``"v4.0.3"``; AI-CAIQ: a JSON blob with
    ``"specification_name": "AI Controls Matrix"`` and ``"caiq_version"``).
    """
    names = [str(s) for s in sheet_names]
    for v in cells:
        if v is None:
            continue
        s = str(v).strip()
        if s.startswith("{"):
            try:
                blob = json.loads(s)
            except ValueError:
                continue
            if isinstance(blob, dict) and "controls matrix" in str(blob.get("specification_name", "")).lower():
                ver = blob.get("caiq_version") or blob.get("specification_version")
                if ver:
                    return f"ai-caiq:{ver}"
            continue
        m = _VERSION_RE.match(s)
        if m and any(n.upper().startswith("CAIQ") for n in names):
            return f"caiq:{m.group(1)}"
    for n in names:
        m = re.match(r"^(AI-)?CAIQ\s*v?(\d+\.\d+(?:\.\d+)?)$", n.strip(), re.I)
        if m:
            return f"{'ai-caiq' if m.group(1) else 'caiq'}:{m.group(2)}"
    if "HECVAT - Full" in names:
        return "hecvat3:3"
    if "START HERE" in names and "AI" in names and "Organization" in names:
        return "hecvat:4"
    return None


def detect_workbook_version(wb) -> str | None:
    """``detect_version`` for a workbook: an openpyxl workbook or ``documents.excel.Workbook``.

    Reads ``A1`` of the first sheet and of sheets whose name mentions CAIQ (where the CAIQ and
    AI-CAIQ keep their version), plus every sheet name.
    """
    cells: list[Any] = []
    if hasattr(wb, "scan") and hasattr(wb, "sheets"):  # questionnaire.documents.excel.Workbook
        names = [s.name for s in wb.sheets]
        for i, sheet in enumerate(wb.sheets):
            if i == 0 or "caiq" in sheet.name.lower():
                try:
                    cells.append(wb.scan(sheet).value(1, 1))
                except Exception:  # a broken sheet part is reported by the question detection
                    continue
        return detect_version(cells, names)
    names = list(wb.sheetnames)
    for i, ws in enumerate(wb.worksheets):
        if i == 0 or "caiq" in ws.title.lower():
            try:
                cells.append(ws["A1"].value)
            except Exception:  # chartsheets and odd sheets have no cells
                continue
    return detect_version(cells, names)


def _version_matches(detected: str, mapping_version: str) -> bool:
    # "4.0.3" must equal; a detected major-only version ("4") matches "4.1.4"; "3" matches "3.00"
    if detected == mapping_version:
        return True
    return "." not in detected and mapping_version.split(".")[0] == detected


def _text_agrees(question_text: str, spec: Mapping[str, Any]) -> bool:
    if fingerprint(question_text) == spec.get("fingerprint"):
        return True
    kws = spec.get("keywords") or []
    if not kws:
        return False
    words = set(_words(question_text))
    return all(k in words for k in kws)


def match_by_question_id(question_id: str | None, question_text: str, detected_version: str | None) -> IdMatch | None:
    """The catalog entry for a known question id (confidence 1.0), ``IdMatch(catalog_id=None)`` when
    the id is known to be out of scope, or None (unknown id, unknown or other version, text disagrees)."""
    if not question_id or not detected_version or ":" not in detected_version:
        return None
    kind, _, version = detected_version.partition(":")
    fw = load_mappings().get(QUESTIONNAIRES.get(kind, ""))
    if fw is None or not _version_matches(version, fw.version):
        return None
    qid = str(question_id).strip().rstrip("*").strip()
    spec = fw.questions.get(qid)
    if spec is None or not _text_agrees(question_text, spec):
        return None
    cid = spec.get("catalog_id")
    return IdMatch(catalog_id=cid, confidence=1.0, framework=fw.name, question_id=qid, title=str(spec.get("title", "")))
