"""Answer slots in Word: what an answer box holds and how an answer goes into it.

A slot is a list of WordprocessingML elements (a table cell ``w:tc``, or the paragraphs /
block content controls after a question paragraph). Inside it, in this order:
- checkboxes beside labels ("☐ Yes ☐ No"): Unicode box characters, Wingdings ``w:sym`` boxes,
  ``w14:checkbox`` content controls and legacy FORMCHECKBOX fields. The options are the labels;
  an answer checks the box of its label (the symbol / state is toggled, no text is added);
- a legacy FORMTEXT field: the answer replaces the field's result;
- a content control (``w:sdt``): the answer replaces its text (a dropdown's items are the options);
- a label ("Answer:", "Response:") with nothing after it: the answer goes after the label;
- a form prompt ("[Insert response]"): replaced; else the first empty paragraph gets a run.

`read` gives the answer already in a slot (labels, prompts, empty fields and placeholders do
not count), so pre-filled answers are recognised and never changed.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from questionnaire.documents.docx_xml import XML_SPACE, child, qn
from questionnaire.documents.vocab import is_placeholder, pick_option

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
UNCHECKED = "☐□▢"
CHECKED = "☒☑■"
_SYM_UNCHECKED = {"F06F", "F0A8", "F071", "F0A3", "F072"}
_SYM_CHECKED = {"F0FE", "F0FD", "F078", "F0FC"}
ANSWER_LABEL = re.compile(
    r"^\s*(?:your |vendor |supplier |agency )?(?:answer|response|reply)s?\s*(?:\([^)]{0,40}\))?\s*[:\-–]\s*", re.I
)
_BLANKS = re.compile(r"[\s\u2002\u2003\u00a0_.]*")
# a label with nothing after it, colon or not: "Answer", "Response:", "Your answer (max 200 words):"
LABEL_ONLY = re.compile(
    r"\s*(?:your |vendor |supplier |agency )?(?:answer|response|reply)s?\s*(?:\([^)]{0,40}\))?\s*[:\-–]?\s*", re.I
)
# "Yes / No" or "Yes | No | N/A" left in the cell to be deleted as appropriate: a prompt, not an answer
_CHOICE_PROMPT = re.compile(r"\s*(yes|no|n/?a|not applicable)(\s*[/|]\s*(yes|no|n/?a|not applicable))+\s*", re.I)


# guidance in brackets where the answer goes: "[Describe the data used to train the system]"
_BRACKETED = re.compile(r"\s*(\[[^\[\]]{1,300}\]|<[^<>]{1,300}>)\s*")


def is_prompt(text: str) -> bool:
    """Form text that is not an answer: a prompt, an empty label, a "Yes / No" to delete as appropriate,
    bracketed guidance."""
    t = (text or "").strip()
    return bool(t) and (is_placeholder(t) or LABEL_ONLY.fullmatch(t) is not None
                        or _CHOICE_PROMPT.fullmatch(t) is not None or _BRACKETED.fullmatch(t) is not None)


def _w14(tag: str) -> str:
    return f"{{{W14}}}{tag}"


@dataclass
class Box:
    kind: str  # char | sym | sdt | field
    el: object
    checked: bool
    label: str = ""
    offset: int = 0


def _paragraphs(els: list) -> list:
    out = []
    for el in els:
        if el.tag == qn("w:p"):
            out.append(el)
        else:
            out.extend(el.iter(qn("w:p")))
    return out


def _box_of_sdt(sdt) -> Box | None:
    pr = sdt.find(qn("w:sdtPr"))
    cb = pr.find(_w14("checkbox")) if pr is not None else None
    if cb is None:
        return None
    st = cb.find(_w14("checked"))
    return Box("sdt", sdt, st is not None and st.get(_w14("val"), "1") in ("1", "true"))


def _box_of_field(fld) -> Box | None:
    ff = fld.find(qn("w:ffData"))
    cb = ff.find(qn("w:checkBox")) if ff is not None else None
    if cb is None:
        return None
    checked = cb.find(qn("w:checked"))
    if checked is not None:
        state = checked.get(qn("w:val"), "1") not in ("0", "false")
    else:
        d = cb.find(qn("w:default"))
        state = d is not None and d.get(qn("w:val"), "0") in ("1", "true")
    return Box("field", cb, state)


def _tokens(node, out: list) -> None:
    """Boxes and text of one paragraph, in document order."""
    for ch in node:
        tag = ch.tag
        if tag == qn("w:sdt"):
            box = _box_of_sdt(ch)
            if box is not None:
                out.append(box)
                continue
        elif tag == qn("w:fldChar") and ch.get(qn("w:fldCharType")) == "begin":
            box = _box_of_field(ch)
            if box is not None:
                out.append(box)
        elif tag == qn("w:sym") and "wingdings" in (ch.get(qn("w:font")) or "").lower():
            code = (ch.get(qn("w:char")) or "").upper()
            if code in _SYM_UNCHECKED | _SYM_CHECKED:
                out.append(Box("sym", ch, code in _SYM_CHECKED))
        elif tag == qn("w:t"):
            text = ch.text or ""
            start = 0
            for i, c in enumerate(text):
                if c in UNCHECKED or c in CHECKED:
                    out.append(text[start:i])
                    out.append(Box("char", ch, c in CHECKED, offset=i))
                    start = i + 1
            out.append(text[start:])
            continue
        elif tag in (qn("w:tab"), qn("w:br")):
            out.append(" ")
        _tokens(ch, out)


def _clean(label: str) -> str:
    return re.sub(r"\s+", " ", label).strip(" :;,.-–\t")


def _label_boxes(toks: list) -> list[Box]:
    """Each box's label: the text after it ("☐ Yes ☐ No"), or before it when it ends the line ("Yes ☐ No ☐")."""
    bx = [t for t in toks if isinstance(t, Box)]
    after = {id(b): "" for b in bx}
    before = {id(b): "" for b in bx}
    current, pending = None, ""
    for tok in toks:
        if isinstance(tok, Box):
            before[id(tok)] = pending
            current, pending = tok, ""
        else:
            pending += tok
            if current is not None:
                after[id(current)] += tok
    use_before = bx and not _clean(after[id(bx[-1])]) and _clean(before[id(bx[0])])
    for b in bx:
        b.label = _clean(before[id(b)] if use_before else after[id(b)])
    return bx


def boxes(els: list) -> list[Box]:
    """Checkboxes of a slot with the label of each one (boxes without a label are dropped)."""
    found: list[Box] = []
    for p in _paragraphs(els):
        toks: list = []
        _tokens(p, toks)
        found += _label_boxes(toks)
    return [b for b in found if b.label]


def has_boxes(els: list) -> bool:
    return bool(boxes(els))


def choice_options(els: list) -> list[str] | None:
    """The labels of a Yes/No checkbox group, or None when the slot has no such group."""
    labels = [b.label for b in boxes(els)]
    if len(labels) >= 2 and pick_option("Yes", labels) and pick_option("No", labels):
        return labels
    return None


def _text(node) -> str:
    parts = []
    for el in node.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        parts.append(el.text or "" if el.tag == qn("w:t") else "\n")
    return "".join(parts)


def _sdt_placeholder(sdt) -> bool:
    pr = sdt.find(qn("w:sdtPr"))
    return pr is not None and pr.find(qn("w:showingPlcHdr")) is not None


def _typed_text(els: list) -> str:
    """Text of the slot without placeholder content controls and empty field results."""
    texts = []
    for p in _paragraphs(els):
        clone = copy.deepcopy(p)
        for sdt in list(clone.iter(qn("w:sdt"))):
            if _sdt_placeholder(sdt) or _box_of_sdt(sdt) is not None:
                sdt.getparent().remove(sdt)
        texts.append(_text(clone))
    return "\n".join(texts).strip()


def _form_dropdown(els: list):
    """The w:ddList of the first legacy FORMDROPDOWN field in the slot, or None."""
    for el in els:
        for dd in el.iter(qn("w:ddList")):
            return dd
    return None


def _dd_entries(dd) -> list[str]:
    return [e.get(qn("w:val"), "") for e in dd.findall(qn("w:listEntry"))]


def _dd_shown(dd) -> str:
    entries = _dd_entries(dd)
    res = dd.find(qn("w:result"))
    if res is None:
        res = dd.find(qn("w:default"))
    i = int(res.get(qn("w:val"), "0")) if res is not None and res.get(qn("w:val"), "0").isdigit() else 0
    shown = entries[i] if 0 <= i < len(entries) else ""
    return "" if not shown.strip() or is_prompt(shown) else shown


def form_dropdown_options(els: list) -> list[str] | None:
    dd = _form_dropdown(els)
    if dd is None:
        return None
    return [e for e in _dd_entries(dd) if e.strip() and not is_prompt(e)] or None


def is_choice(els: list) -> bool:
    """The slot is answered by choosing (ticking a Yes/No box, picking a legacy dropdown entry), not by typing."""
    return choice_options(els) is not None or form_dropdown_options(els) is not None


def is_blank(els: list) -> bool:
    """No text, box, field, symbol or content control anywhere in the slot: ``read`` is '' (the common
    case of an empty answer cell, told without the full reading below)."""
    t, kinds = qn("w:t"), (qn("w:t"), qn("w:sdt"), qn("w:fldChar"), qn("w:sym"), qn("w:ddList"))
    for el in els:
        for node in el.iter(*kinds):
            if node.tag != t or node.text:
                return False
    return True


def read(els: list) -> str:
    """The answer already in a slot ('' when it is empty, a label, a prompt or an unticked box)."""
    if is_blank(els):
        return ""
    bx = boxes(els)
    if bx:  # a box group: the ticked labels are the answer
        return ", ".join(b.label for b in bx if b.checked)
    dd = _form_dropdown(els)
    if dd is not None:
        return _dd_shown(dd)
    text = _typed_text(els)
    text = ANSWER_LABEL.sub("", text, count=1).strip()
    if _BLANKS.fullmatch(text) or is_prompt(text):
        return ""
    return text


def dropdown_options(els: list) -> list[str] | None:
    for el in els:
        for sdt in el.iter(qn("w:sdt")):
            pr = sdt.find(qn("w:sdtPr"))
            if pr is None:
                continue
            lst = pr.find(qn("w:dropDownList"))
            if lst is not None:
                items = [i.get(qn("w:displayText")) or i.get(qn("w:value")) or "" for i in lst.findall(qn("w:listItem"))]
                items = [i for i in items if i.strip() and not is_placeholder(i)]
                return items or None
    return None


def options(els: list) -> list[str] | None:
    return choice_options(els) or form_dropdown_options(els) or dropdown_options(els)


# --------------------------------------------------------------------------- writing


def _tick(box: Box) -> None:
    if box.kind == "char":
        t = box.el.text
        box.el.text = t[: box.offset] + "☒" + t[box.offset + 1:]
    elif box.kind == "sym":
        box.el.set(qn("w:char"), "F0FE")
    elif box.kind == "field":
        for old in box.el.findall(qn("w:checked")):
            box.el.remove(old)
        box.el.append(box.el.makeelement(qn("w:checked"), {}))
    else:
        pr = box.el.find(qn("w:sdtPr"))
        cb = pr.find(_w14("checkbox"))
        st = cb.find(_w14("checked"))
        if st is None:
            st = cb.makeelement(_w14("checked"), {})
            cb.insert(0, st)
        st.set(_w14("val"), "1")
        cs = cb.find(_w14("checkedState"))
        try:
            sym = chr(int(cs.get(_w14("val"), "2612"), 16)) if cs is not None else "☒"
        except (ValueError, OverflowError):
            sym = "☒"
        for t in box.el.iter(qn("w:t")):
            if t.text and any(c in UNCHECKED for c in t.text):
                t.text = "".join(sym if c in UNCHECKED else c for c in t.text)
                break


def choose(els: list, label: str) -> bool:
    """Tick the box labelled `label`, or select that entry of a legacy dropdown; False if there is none."""
    for b in boxes(els):
        if b.label == label and not b.checked:
            _tick(b)
            return True
    dd = _form_dropdown(els)
    if dd is not None and label in _dd_entries(dd):
        res = dd.find(qn("w:result"))
        if res is None:
            res = dd.makeelement(qn("w:result"), {})
            dd.insert(0, res)
        res.set(qn("w:val"), str(_dd_entries(dd).index(label)))
        return True
    return False


def _form_text_field(els: list):
    """(separate fldChar run, end fldChar run) of the first FORMTEXT field, or None."""
    for p in _paragraphs(els):
        runs = p.findall(".//" + qn("w:r"))
        for i, r in enumerate(runs):
            fc = r.find(qn("w:fldChar"))
            if fc is None or fc.get(qn("w:fldCharType")) != "begin":
                continue
            ff = fc.find(qn("w:ffData"))
            if ff is None or ff.find(qn("w:textInput")) is None:
                continue
            sep = end = None
            for r2 in runs[i + 1:]:
                f2 = r2.find(qn("w:fldChar"))
                kind = f2.get(qn("w:fldCharType")) if f2 is not None else None
                if kind == "separate" and sep is None:
                    sep = r2
                elif kind == "end":
                    end = r2
                    break
            if sep is not None and end is not None:
                return sep, end
    return None


def _set_run_text(run, text: str) -> None:
    texts = (qn("w:t"), qn("w:br"), qn("w:tab"))
    for el in list(run):
        if el.tag in texts:
            run.remove(el)
    for i, line in enumerate(text.split("\n")):
        if i:
            run.append(run.makeelement(qn("w:br"), {}))
        t = run.makeelement(qn("w:t"), {XML_SPACE: "preserve"})
        t.text = line
        run.append(t)


def _write_field(field, text: str) -> None:
    sep, end = field
    parent = sep.getparent()
    between = []
    el = sep.getnext()
    while el is not None and el is not end:
        between.append(el)
        el = el.getnext()
    result = [r for r in between if r.tag == qn("w:r")]
    if result:
        _set_run_text(result[0], text)
        for r in result[1:]:
            parent.remove(r)
        return
    run = copy.deepcopy(sep)
    for ch in list(run):
        if ch.tag != qn("w:rPr"):
            run.remove(ch)
    _set_run_text(run, text)
    sep.addnext(run)


def _append_run(p, text: str, sep: str = "") -> None:
    runs = p.findall(qn("w:r"))
    run = p.makeelement(qn("w:r"), {})
    rpr = child(runs[-1], qn("w:rPr")) if runs else None
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    _set_run_text(run, sep + text)
    p.append(run)


def set_sdt_text(sdt, text: str) -> bool:
    """Replace the text of a content control (its placeholder flag removed); False if it has no content."""
    pr = sdt.find(qn("w:sdtPr"))
    if pr is not None:
        ph = pr.find(qn("w:showingPlcHdr"))
        if ph is not None:
            pr.remove(ph)
    content = sdt.find(qn("w:sdtContent"))
    if content is None:
        return False
    ts = list(content.iter(qn("w:t")))
    if ts:
        lines = text.split("\n")
        ts[0].text = lines[0]
        ts[0].set(XML_SPACE, "preserve")
        for t in ts[1:]:
            t.text = ""
        run = ts[0].getparent()
        for line in lines[1:]:
            run.append(run.makeelement(qn("w:br"), {}))
            t = run.makeelement(qn("w:t"), {XML_SPACE: "preserve"})
            t.text = line
            run.append(t)
        return True
    p = content.find(".//" + qn("w:p"))
    if p is not None:
        _append_run(p, text)
        return True
    run = content.find(qn("w:r"))
    if run is None:
        run = content.makeelement(qn("w:r"), {})
        content.append(run)
    _set_run_text(run, text)
    return True


def set_cell_text(tc, text: str) -> None:
    """Put `text` into a table cell, keeping its paragraphs' style, run formatting and content controls."""
    sdt = next(tc.iter(qn("w:sdt")), None)  # the first content control in the cell
    if sdt is not None and _box_of_sdt(sdt) is None and set_sdt_text(sdt, text):
        return
    now = _text(tc)
    if is_prompt(now) and not LABEL_ONLY.fullmatch(now):  # "[Insert response]", "Yes / No": replace
        for r in list(tc.iter(qn("w:r"))):
            r.getparent().remove(r)
    p = child(tc, qn("w:p"))
    if p is None:
        p = tc.makeelement(qn("w:p"), {})
        tc.append(p)
    _append_run(p, text)


def write_text(els: list, text: str) -> None:
    """Put a text answer in a slot (see the module docstring for the order)."""
    field = _form_text_field(els)
    if field is not None:
        _write_field(field, text)
        return
    paras = _paragraphs(els)
    for p in paras:
        if ANSWER_LABEL.fullmatch(_text(p)):
            _append_run(p, text, "" if _text(p).endswith(" ") else " ")
            return
        if LABEL_ONLY.fullmatch(_text(p)) and _text(p).strip():  # "Answer" alone: the answer on the next line
            _append_run(p, "\n" + text)
            return
    if len(els) == 1 and els[0].tag == qn("w:tc"):
        set_cell_text(els[0], text)
        return
    for el in els:
        sdts = [el] if el.tag == qn("w:sdt") else list(el.iter(qn("w:sdt")))
        sdts = [x for x in sdts if _box_of_sdt(x) is None]
        if sdts and set_sdt_text(sdts[0], text):
            return
    target = next((p for p in paras if not _text(p).strip() or is_prompt(_text(p))), None)
    if target is None:
        raise ValueError("no empty paragraph in the answer region")
    if is_prompt(_text(target)):
        for r in list(target.iter(qn("w:r"))):
            r.getparent().remove(r)
    _append_run(target, text)
