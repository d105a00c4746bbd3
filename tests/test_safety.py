from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from questionnaire.documents import safety
from questionnaire.errors import InputFileError, OutputError
from tests.fixtures_docs import make_tricky_docx, make_tricky_workbook


@pytest.fixture(scope="module")
def good_xlsx(tmp_path_factory) -> Path:
    return make_tricky_workbook(tmp_path_factory.mktemp("safety") / "q.xlsx")


def _err(path: Path) -> str:
    with pytest.raises(InputFileError) as ei:
        safety.check_input(path)
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


def test_good_inputs_pass(good_xlsx, tmp_path):
    assert safety.check_input(good_xlsx) == "xlsx"
    assert safety.check_input(make_tricky_docx(tmp_path / "q.docx")) == "docx"


def test_openpyxl_uses_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_missing_file(tmp_path):
    assert "not found" in _err(tmp_path / "nope.xlsx")


def test_legacy_formats_say_how_to_fix(tmp_path):
    for ext, want in ((".xls", ".xlsx"), (".doc", ".docx")):
        p = tmp_path / f"old{ext}"
        p.write_bytes(safety.OLE2_MAGIC + b"\0" * 600)
        msg = _err(p)
        assert "save it as " + want in msg


def test_encrypted_ole2_container_with_new_extension(tmp_path):
    p = tmp_path / "locked.xlsx"
    p.write_bytes(safety.OLE2_MAGIC + b"\0" * 600)  # Excel stores password-protected xlsx as OLE2
    assert "password" in _err(p)


def test_unsupported_extension(tmp_path):
    p = tmp_path / "q.pdf"
    p.write_bytes(b"%PDF-1.4")
    assert "unsupported" in _err(p)


def test_over_50_mb(tmp_path):
    p = tmp_path / "big.xlsx"
    with p.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(51 * 1024 * 1024)  # sparse: cheap
    assert "50 MB" in _err(p)


def test_truncated_zip(good_xlsx, tmp_path):
    p = tmp_path / "cut.xlsx"
    p.write_bytes(good_xlsx.read_bytes()[: good_xlsx.stat().st_size // 2])
    assert "corrupted or truncated" in _err(p)


def test_not_a_zip(tmp_path):
    p = tmp_path / "text.xlsx"
    p.write_text("hello")
    assert "not a valid" in _err(p)


def test_zip_bomb_refused_from_central_directory(tmp_path):
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert "zip bomb" in _err(p)


def test_xml_entity_bomb_refused(good_xlsx, tmp_path):
    p = tmp_path / "lol.xlsx"
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<worksheet>&lol2;</worksheet>"
    )
    with zipfile.ZipFile(good_xlsx) as zin, zipfile.ZipFile(p, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = bomb.encode()
            zout.writestr(info, data)
    assert "entity" in _err(p)


def test_docx_without_tables(tmp_path):
    from docx import Document

    from questionnaire.documents import word

    p = tmp_path / "plain.docx"
    d = Document()
    d.add_paragraph("Are you secure?")
    d.save(p)
    with pytest.raises(InputFileError, match="no tables"):
        word.detect_questions(word.open_document(p), p)


def test_clean_text_strips_control_characters_and_refuses_long_values():
    assert safety.clean_text("a\x00b\x07c\r\nd\te") == "abc\nd\te"
    assert safety.clean_text("x" * 32_767) == "x" * 32_767
    with pytest.raises(OutputError, match="32767-character"):
        safety.clean_text("x" * 32_768, where="Sheet1!C3")


def test_output_must_not_be_the_input(good_xlsx, tmp_path):
    with pytest.raises(OutputError, match="must not be the input"):
        safety.check_output_path(good_xlsx, good_xlsx)
    link = tmp_path / "link.xlsx"
    os.symlink(good_xlsx, link)
    with pytest.raises(OutputError):
        safety.check_output_path(good_xlsx, link)
    hard = tmp_path / "hard.xlsx"
    os.link(good_xlsx, hard)
    with pytest.raises(OutputError, match="same file"):
        safety.check_output_path(good_xlsx, hard)
    with pytest.raises(OutputError, match="does not exist"):
        safety.check_output_path(good_xlsx, tmp_path / "missing" / "o.xlsx")
    with pytest.raises(OutputError, match="extension"):
        safety.check_output_path(good_xlsx, tmp_path / "o.docx")


def test_safe_write_leaves_nothing_when_verification_fails(good_xlsx, tmp_path):
    out = tmp_path / "out.xlsx"

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"partial")

    def verify(tmp: Path) -> None:
        raise OutputError("check failed")

    with pytest.raises(OutputError):
        safety.safe_write(good_xlsx, out, write, verify)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    safety.safe_write(good_xlsx, out, write)
    assert out.read_bytes() == b"partial"


def test_dtd_hidden_after_a_long_prolog_is_found(good_xlsx, tmp_path):
    p = tmp_path / "padded.xlsx"
    padded = b'<?xml version="1.0"?>' + b"<!-- pad -->" * 2000 + b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>'
    with zipfile.ZipFile(good_xlsx) as zin, zipfile.ZipFile(p, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, padded if info.filename == "xl/worksheets/sheet3.xml" else zin.read(info))
    assert "entity" in _err(p)


def test_sheet_scanner_refuses_entities_itself():
    from questionnaire.documents.excel import scan_sheet_xml

    with pytest.raises(InputFileError, match="entity"):
        scan_sheet_xml(b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet><sheetData/></worksheet>', [])


def test_report_cannot_overwrite_input(good_xlsx, tmp_path):
    from questionnaire.fill import _check_report_path

    with pytest.raises(OutputError, match="must not overwrite"):
        _check_report_path(good_xlsx, tmp_path / "o.xlsx", good_xlsx)
    with pytest.raises(OutputError, match="must not overwrite"):
        _check_report_path(good_xlsx, tmp_path / "o.xlsx", tmp_path / "o.xlsx")
