"""Per layout shape: questions found, answers written, pre-filled kept, skipped (not part of the tests).

    PYTHONPATH=. .venv/bin/python benchmarks/layout_shapes.py

Builds the generated layout corpus (tests/layout_corpus.py), fills every file with a stand-in
matcher that answers every question (Yes / text / No in turn), and counts per shape. The shape of
a question is read from its answer slot: the sheet's layout note for xlsx, the table layout or the
kind of answer space (checkboxes, content control, form field, empty paragraphs) for docx.
Skipped rows/questions are the ones the detection notes count.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from questionnaire.documents import docx_slots, word  # noqa: E402
from questionnaire.documents.docx_xml import qn  # noqa: E402
from questionnaire.documents.formats import open_questionnaire  # noqa: E402
from questionnaire.documents.layout_docx import BodyRegion  # noqa: E402
from questionnaire.fill import fill  # noqa: E402
from tests import layout_corpus  # noqa: E402
from tests.test_layout_corpus import ANSWERS, Cycle  # noqa: E402


def _docx_shape(doc, q) -> str:
    els = word.slot_elements(doc, q.target)
    if docx_slots.boxes(els):
        kinds = sorted({b.kind for b in docx_slots.boxes(els)})
        kind = "checkboxes (" + ", ".join({"char": "Unicode", "sym": "Wingdings", "sdt": "w14:checkbox",
                                             "field": "FORMCHECKBOX"}[k] for k in kinds) + ")"
    elif any(el.find(".//" + qn("w:ddList")) is not None for el in els):
        kind = "legacy FORMDROPDOWN"
    elif any(el.find(".//" + qn("w:ffData")) is not None for el in els):
        kind = "legacy FORMTEXT field"
    elif any(el.tag == qn("w:sdt") or el.find(".//" + qn("w:sdt")) is not None for el in els):
        kind = "content control"
    else:
        kind = "text cell" if not isinstance(q.target, BodyRegion) else "empty paragraphs / text"
    where = "numbered paragraph" if isinstance(q.target, BodyRegion) else "table"
    return f"docx {where}: {kind}"


def main() -> None:
    rows: dict[str, Counter] = defaultdict(Counter)
    with tempfile.TemporaryDirectory() as d:
        for name, maker in {**layout_corpus.DOCX_MAKERS, **layout_corpus.XLSX_MAKERS}.items():
            src = Path(d) / name
            maker(src)
            result = fill(src, Path(d) / f"out-{name}", answers=ANSWERS, matcher=Cycle())
            by = {it.location: it for it in result.items}
            with open_questionnaire(src, "docx" if name.endswith(".docx") else "xlsx") as qf:
                qs = qf.questions()
                notes = {n.where: n.layout for n in qf.detections}
                doc = getattr(qf, "doc", None)
                for q in qs:
                    if doc is not None:
                        shape = _docx_shape(doc, q)
                    else:
                        sheet_note = notes.get(f"sheet {q.target.sheet!r}", "")
                        shape = "xlsx: " + ("answer column by Yes/No dropdown" if "dropdown" in sheet_note
                                            else "answer column by header")
                        shape += ", blocks" if "blocks" in sheet_note else ""
                    it = by[q.location]
                    c = rows[f"{name}: {shape}"]
                    c["found"] += 1
                    c["written"] += it.answer is not None or it.comment is not None
                    c["kept"] += it.kept
                    c["not written (other reason)"] += (it.answer is None and it.comment is None and not it.kept)
            for n in result.detection:
                if n.get("skipped"):
                    rows[f"{name}: skipped"]["skipped: " + n["skipped"]] += 1
    for shape, c in sorted(rows.items()):
        print(f"{shape:<84} " + ", ".join(f"{k} {v}" for k, v in c.items()))


if __name__ == "__main__":
    main()
