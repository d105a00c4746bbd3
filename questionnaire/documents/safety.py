"""Input checks and safe output writing for customer documents.

Inputs: size limit, OLE2 (encrypted / legacy .xls/.doc), corrupted or
truncated zips, zip bombs (judged from the central directory before anything
is decompressed), DTDs / entity declarations in XML parts, Word files without
tables.

Outputs: never the input path (also via links), written to a temp file in the
output's folder, checked by the caller's ``verify`` callback, then moved into
place with ``os.replace``. Cell values are cleaned (control characters
stripped, Excel's 32,767-character limit enforced).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Callable

from questionnaire.errors import InputFileError, OutputError

MAX_INPUT_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_TOTAL = 1024 * 1024 * 1024  # 1 GiB for the whole package
MAX_UNCOMPRESSED_PART = 512 * 1024 * 1024
MAX_RATIO = 200  # per part, for parts bigger than RATIO_MIN_SIZE
RATIO_MIN_SIZE = 10 * 1024 * 1024
MAX_PARTS = 20_000
EXCEL_CELL_LIMIT = 32_767

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SUPPORTED = {".xlsx": "xlsx", ".xlsm": "xlsm", ".docx": "docx"}
LEGACY = {".xls": ".xlsx", ".doc": ".docx", ".xlt": ".xlsx", ".dot": ".docx"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def document_kind(path: Path) -> str:
    """'xlsx', 'xlsm' or 'docx' from the file name; legacy formats get a clear message."""
    ext = path.suffix.lower()
    if ext in LEGACY:
        raise InputFileError(
            f"{path}: {ext} is a legacy binary format; open it in Excel/Word and save it as {LEGACY[ext]}, then retry"
        )
    if ext not in SUPPORTED:
        raise InputFileError(f"{path}: unsupported file type {ext or '(none)'}; use an .xlsx, .xlsm or .docx file")
    return SUPPORTED[ext]


def check_input(path: Path) -> str:
    """Validate a questionnaire file before any parser sees it; return its kind."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: file not found")
    if not path.is_file():
        raise InputFileError(f"{path}: not a file")
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE2_MAGIC:
        ext = path.suffix.lower()
        if ext in LEGACY:
            document_kind(path)  # raises the legacy-format message
        raise InputFileError(
            f"{path}: the file is password-protected/encrypted (or an old .xls/.doc); "
            "remove the password (or save as .xlsx/.docx) and retry"
        )
    kind = document_kind(path)
    if size > MAX_INPUT_BYTES:
        raise InputFileError(
            f"{path}: file is {size / 1048576:.1f} MB, over the {MAX_INPUT_BYTES // 1048576} MB limit; "
            "remove images or unused sheets and retry"
        )
    if size == 0 or not head.startswith(b"PK"):
        raise InputFileError(f"{path}: not a valid {kind} file (not a zip package); re-save it from Excel/Word")
    check_zip(path)
    return kind


def check_zip(path: Path) -> None:
    """Open the central directory only and refuse corrupted packages and zip bombs."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise InputFileError(f"{path}: package has {len(infos)} parts; refusing a possible zip bomb")
            total = 0
            names = set()
            for info in infos:
                names.add(info.filename)
                total += info.file_size
                if info.file_size > MAX_UNCOMPRESSED_PART or (
                    info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1)
                ):
                    raise InputFileError(
                        f"{path}: part {info.filename} expands to {info.file_size} bytes "
                        f"from {info.compress_size}; refusing a possible zip bomb"
                    )
                if info.flag_bits & 0x1:
                    raise InputFileError(f"{path}: the package is encrypted; remove the password and retry")
            if total > MAX_UNCOMPRESSED_TOTAL:
                raise InputFileError(
                    f"{path}: package expands to {total} bytes; refusing a possible zip bomb"
                )
            if "[Content_Types].xml" not in names:
                raise InputFileError(f"{path}: not an Office Open XML package ([Content_Types].xml missing); re-save it")
            for info in infos:
                lname = info.filename.lower()
                if lname.endswith((".xml", ".rels", ".vml")) and _declares_dtd(zf, info):
                    raise InputFileError(
                        f"{path}: part {info.filename} declares a DTD/entities (possible XML entity bomb); refusing it"
                    )
    except InputFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
        raise InputFileError(f"{path}: corrupted or truncated file ({e}); re-save it from Excel/Word") from e
    except Exception as e:  # zlib.error and friends from a damaged deflate stream
        raise InputFileError(f"{path}: corrupted or truncated file ({type(e).__name__}); re-save it") from e


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whole-part search (streamed; bounded by the declared size) for <!DOCTYPE / <!ENTITY.

    OOXML parts never need a DTD; in text content '<' is always escaped, so a hit is markup."""
    tail = b""
    with zf.open(info) as part:
        while True:
            chunk = part.read(1 << 20)
            if not chunk:
                return False
            if _DTD.search(tail + chunk):
                return True
            tail = chunk[-16:]


def clean_text(value: str, *, limit: int = EXCEL_CELL_LIMIT, where: str = "") -> str:
    """Strip control characters and refuse values over the cell limit (never truncate)."""
    text = _CONTROL.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > limit:
        raise OutputError(
            f"answer{(' for ' + where) if where else ''} is {len(text)} characters, over the {limit}-character cell limit; "
            "shorten the answer template"
        )
    return text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_cell(ws, row: int, column: int, value, *, where: str = ""):
    """THE way every xlsx writer puts a value in a cell (openpyxl): control characters stripped, the cell
    limit enforced, and text that a spreadsheet would read as a formula (``= + - @``, tab, CR first)
    stored as text with Excel's quote prefix, never as ``<f>``."""
    if value is None or isinstance(value, (bool, int, float)):
        return ws.cell(row=row, column=column, value=value)
    raw = str(value)
    text = clean_text(raw, where=where)
    cell = ws.cell(row=row, column=column, value=text)
    if raw.startswith(_FORMULA_START) or text.startswith(_FORMULA_START):
        cell.value = text
        cell.data_type = "s"  # a string, not a formula
        cell.quotePrefix = True  # and Excel keeps it a string when the cell is edited
    return cell


def check_output_path(input_path: Path, output_path: Path) -> None:
    input_path = Path(input_path)
    output_path = Path(output_path)
    if os.path.abspath(input_path) == os.path.abspath(output_path) or (
        input_path.resolve() == output_path.resolve()
    ):
        raise OutputError(f"{output_path}: the output must not be the input file; choose another -o path")
    if output_path.exists():
        try:
            if os.path.samefile(input_path, output_path):
                raise OutputError(f"{output_path}: is the same file as the input (link); choose another -o path")
        except OSError:
            pass
        if output_path.is_dir():
            raise OutputError(f"{output_path}: is a folder; give a file name with -o")
    if not output_path.parent.exists():
        raise OutputError(f"{output_path.parent}: folder does not exist; create it first")
    if output_path.suffix.lower() != input_path.suffix.lower():
        raise OutputError(
            f"{output_path}: the output must keep the input's extension {input_path.suffix}; rename the -o path"
        )


def safe_write(
    input_path: Path,
    output_path: Path,
    write: Callable[[Path], None],
    verify: Callable[[Path], None] | None = None,
) -> Path:
    """Write via ``write(tmp)`` into a temp file next to the output, ``verify(tmp)``, then replace."""
    from questionnaire.atomic import atomic_write

    check_output_path(Path(input_path), Path(output_path))
    return atomic_write(output_path, write, inputs=(input_path,), verify=verify)
