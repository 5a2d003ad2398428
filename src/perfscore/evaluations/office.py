"""Self-evaluation tables read from the forms units send: Word, Excel, WPS, OpenDocument, PDF.

A form is read in three steps, each in its own module. Its kind is found from its content, not
its name (:mod:`.sniff`): a .doc that is really a .docx, or an .xls that is really an .xlsx, is
read as what it is. Its reader turns it into :data:`~.grid.Grid` s, after the zip package is
checked against the limits (:mod:`.package`, :mod:`.limits`) before any XML is parsed:

- Word (.docx/.docm): one grid per document (:mod:`.docx`);
- Excel (.xlsx/.xlsm), Excel 97–2003 and WPS 表格 (.xls/.et), OpenDocument (.ods): one grid
  per worksheet, through python-calamine (:mod:`.sheets`, which says what each format gives);
- Word 97–2003 and WPS 文字 (.doc/.wps), OpenDocument text (.odt): converted to .docx by
  LibreOffice when it is installed (:mod:`.convert`), else a message saying how to convert;
- PDF with a text layer: its ruled tables, through pdfplumber (:mod:`.pdf`); a scanned PDF is
  refused with "扫描件，需要 OCR".

Then every table in the grids is read (:mod:`.tables`). To read another format, write its
reader (bytes to grids), give :func:`~.sniff.sniff` a kind for it and add it to :data:`FORMATS`.

Cell addresses: ``Sheet1!D14`` (worksheet and cell) for workbooks; ``表1 R14C4`` (the document's
first table, row 14, grid column 4, 1-based) for Word, and ``段3`` for its third paragraph;
``页2 表1 R3C4`` and ``页1 行2`` for PDF.

python-docx, python-calamine and pdfplumber (the ``office`` extra) are imported only when a file
is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import localcontext
from pathlib import Path
from typing import NoReturn, Optional, Protocol, Union
from zipfile import ZipFile

from ..codes import Words
from ..decimals import CONTEXT
from ..errors import EvaluationError
from .grid import Grid
from .model import Evaluation
from .package import check_package, open_zip, read_form
from .problems import problem
from .sniff import KINDS, KINDS_ZH, sniff
from .tables import collect_evaluations, not_a_table

__all__ = ["FORMATS", "READERS", "read_evaluations"]


class Reader(Protocol):
    """A format's reader: a file's bytes and the name its problems give it → its grids;
    ``archive`` the bytes already opened as a zip (:func:`~.package.open_zip`) when they are one."""

    def __call__(self, data: bytes, name: str, archive: Optional[ZipFile] = None) -> list[Grid]: ...


def _xlsx(data: bytes, name: str, archive: Optional[ZipFile] = None) -> list[Grid]:
    from .sheets import read_sheets, sheet_part

    parts: dict[str, bytes] = {}
    check_package(data, name, "Excel", keep=parts, archive=archive, whole=sheet_part)
    return read_sheets(data, name, "xlsx", parts, archive)


def _ods(data: bytes, name: str, archive: Optional[ZipFile] = None) -> list[Grid]:
    from .sheets import read_sheets

    return read_sheets(check_package(data, name, "OpenDocument", archive=archive), name, "ods", None, archive)


def _xls(data: bytes, name: str, archive: Optional[ZipFile] = None) -> list[Grid]:
    """Through calamine; a file it cannot read (an old WPS 表格) through LibreOffice."""
    from .convert import convert, office_program
    from .sheets import read_sheets

    try:
        return read_sheets(data, name, "xls")
    except EvaluationError:
        raise
    except Exception:
        if not office_program():
            raise
    return _xlsx(convert(data, name, KINDS["xls"], ".xls", "xlsx"), name)


def _docx(data: bytes, name: str, archive: Optional[ZipFile] = None) -> list[Grid]:
    from .docx import docx_from_bytes, word_parsed

    parts: dict[str, bytes] = {}
    check_package(data, name, "Word", parsed=word_parsed, keep=parts, archive=archive, whole=word_parsed)
    return docx_from_bytes(data, name, parts=parts, archive=archive)


def _doc(data: bytes, name: str, archive: Optional[ZipFile] = None) -> list[Grid]:
    from .convert import convert

    return _docx(convert(data, name, KINDS["doc"], ".doc", "docx"), name)


def _odt(data: bytes, name: str, archive: Optional[ZipFile] = None) -> list[Grid]:
    from .convert import convert

    return _docx(convert(data, name, KINDS["odt"], ".odt", "docx"), name)


def _pdf(data: bytes, name: str, archive: Optional[ZipFile] = None) -> list[Grid]:
    from .pdf import read_pdf

    return read_pdf(data, name)


READERS: Mapping[str, tuple[str, Reader]] = {
    "docx": ("Word", _docx),
    "xlsx": ("Excel", _xlsx),
    "xls": ("Excel 97–2003", _xls),
    "ods": ("OpenDocument", _ods),
    "doc": ("Word 97–2003", _doc),
    "odt": ("OpenDocument", _odt),
    "pdf": ("PDF", _pdf),
}
"""Each kind of form read (a kind :func:`~.sniff.sniff` gives): the name of its format in
messages, and its reader, the file's bytes and the name its problems give it → its grids."""

FORMATS: Mapping[str, str] = {
    ".docx": "docx",
    ".docm": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".et": "xls",
    ".ods": "ods",
    ".doc": "doc",
    ".wps": "doc",
    ".odt": "odt",
    ".pdf": "pdf",
}
"""The suffixes of forms (``OFFICE_SUFFIXES`` in :mod:`.load`, what a folder review picks up)
and the kind each usually holds. The kind read is the one the content shows, whatever the
suffix says."""

_HOW = {
    "encrypted": "password-protected: 请去除密码后另存 (save it without a password as .docx or .xlsx)",
    "ole": "an old-format or password-protected Office file: save it unprotected as .docx or .xlsx",
    "pptx": "a self-evaluation table is a Word, Excel, WPS or PDF form",
    "zip": "a self-evaluation table is a Word, Excel, WPS or PDF form",
    "html": "open it in Excel or WPS and save it as .xlsx",
    "text": "not a zip package, compound file or PDF; an evaluation written as text is named .toml or .json",
    "empty": "nothing to read",
    "unknown": "not a zip package, compound file or PDF: save it as .docx or .xlsx",
}
_HOW_ZH = {
    "encrypted": "设有密码：请去除密码后另存为 .docx 或 .xlsx",
    "ole": "旧格式或设有密码的 Office 文件：请去除保护后另存为 .docx 或 .xlsx",
    "pptx": "自评表应为 Word、Excel、WPS 或 PDF 文件",
    "zip": "自评表应为 Word、Excel、WPS 或 PDF 文件",
    "html": "请在 Excel 或 WPS 中打开并另存为 .xlsx",
    "text": "不是 zip 包、复合文件或 PDF；以文本写成的自评表应命名为 .toml 或 .json",
    "empty": "没有可读取的内容",
    "unknown": "不是 zip 包、复合文件或 PDF：请另存为 .docx 或 .xlsx",
}


def read_evaluations(
    path: Union[str, Path], *, region: str = "", form: str = "", year: int = 0
) -> list[Evaluation]:
    """Every self-evaluation table in a form, in order (附件4 holds one table per 一级项目, so a
    document may hold several). The form's kind is found from its content, whatever its name.

    ``region``, ``form`` and ``year`` are used when given; otherwise form and year are inferred
    from each table's title ("2023 年度项目支出绩效自评表" → project, 2023) and region is "".
    Raises :class:`EvaluationError` listing every problem, each naming the file and cell: the
    file is of a format not read (``unknown-format``, saying what it is and how to convert it),
    cannot be opened, is larger than a ``MAX_*`` limit of :mod:`.limits` (code ``too-large``),
    holds no self-evaluation table, or has number cells (分值, 自评得分, budget amounts) that
    cannot be read as numbers. Amounts are read in :data:`perfscore.decimals.CONTEXT`,
    whatever the caller's decimal context.
    """
    name = str(path)
    data = read_form(Path(path), name)
    archive = open_zip(data)  # opened once: sniffed, checked and read
    try:
        kind = sniff(data, archive)
        if kind == "zip" and FORMATS.get(Path(name).suffix.lower()) in ("docx", "xlsx", "ods"):
            kind = FORMATS[Path(name).suffix.lower()]  # a broken package: its check says what is wrong
        if kind not in READERS:
            _refuse(name, kind)
        with localcontext(CONTEXT):
            grids = _grids(data, name, kind, archive)
    finally:
        if archive is not None:
            archive.close()
    with localcontext(CONTEXT):
        evaluations = [
            evaluation
            for grid in grids
            for evaluation in collect_evaluations(grid, source=name, region=region, form=form, year=year)
        ]
    if not evaluations:
        raise EvaluationError([not_a_table(name)], f"{name}: not a self-evaluation table")
    return evaluations


def _refuse(name: str, kind: str) -> NoReturn:
    """A file of a kind not read: ``file-unreadable`` when its suffix names a form format (it is
    not what it says), ``unknown-format`` otherwise; either says what it is."""
    suffix = Path(name).suffix.lower()
    claimed = READERS[FORMATS[suffix]][0] if suffix in FORMATS else ""
    article = "an" if claimed[:1] in ("E", "O") else "a"
    what = f"not {article} {claimed} file: it is {KINDS[kind]}" if claimed else KINDS[kind]
    what_zh = f"不是 {claimed} 文件，而是{KINDS_ZH[kind]}" if claimed else KINDS_ZH[kind]
    reason = f"{what}: {_HOW[kind]}" if kind != "empty" else f"empty file: {what}"
    said = Words(f"{what_zh}：{_HOW_ZH[kind]}" if kind != "empty" else f"空文件：{what_zh}", reason)
    if claimed:
        refused = problem("file-unreadable", file=name, reason=said)
    else:
        expected = "a Word, Excel, WPS, OpenDocument or PDF form"
        refused = problem("unknown-format", file=name, found=KINDS[kind], expected=expected, reason=said)
    raise EvaluationError([refused], f"{name}: {said}")


def _grids(data: bytes, name: str, kind: str, archive: Optional[ZipFile] = None) -> list[Grid]:
    """The file's grids, read by its format's reader; whatever a broken file makes the reader
    raise is a ``file-unreadable`` problem naming the format."""
    label, reader = READERS[kind]
    try:
        return reader(data, name, archive)
    except EvaluationError:
        raise
    except ImportError as exc:
        reason = (
            f"reading a {label} file needs python-docx, python-calamine and pdfplumber "
            f"(pip install 'perfscore[office]'): {exc}"
        )
        raise EvaluationError([problem("file-unreadable", file=name, reason=reason)]) from None
    except Exception as exc:  # a broken file: zipfile, lxml, calamine's, pdfminer's and docx's own errors
        reason = f"cannot open as {KINDS[kind]}: {type(exc).__name__}: {exc}"[:2000]
        raise EvaluationError([problem("file-unreadable", file=name, reason=reason)]) from None
