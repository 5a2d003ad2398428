"""Build the committed .xls, .ods, .doc and .pdf fixtures from the .xlsx/.docx fixtures, once.

    python scripts/build_legacy_fixtures.py [OUTDIR]     # default: tests/data/forms

The .xlsx and .docx forms come from scripts/build_form_fixtures.py (built afresh in a temporary
folder); LibreOffice (``soffice`` on PATH) saves each as the formats units really send:

- every workbook as ``.xls`` (Excel 97–2003) and ``.ods``;
- every document as ``.pdf`` with a text layer, and the seed003 ones as ``.doc`` (Word
  97–2003; see :data:`DOC_DOCUMENTS`).

One adjustment is made to the copy LibreOffice converts to PDF, never to the source fixtures,
and it does not change what the form says: every table row is marked "do not split across pages" on a page tall enough for each table for the
PDF (a row broken over a page break reads as two rows; a merged cell broken over one prints its
text on one page only). The PDF needs a CJK font installed (e.g. fonts-wqy-microhei): without
one LibreOffice writes glyphs without their text.

tests/test_formats.py reads each fixture back to the evaluation of its source; the files are
committed, so the tests need neither LibreOffice nor the fonts.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable, Optional, cast

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "tests" / "data" / "forms"

WORKBOOKS = ("seed003.xlsx", "sichuan-project.xlsx", "merged-blocks.xlsx")
DOCUMENTS = ("seed003-department.docx", "seed003-projects.docx", "sichuan-project.docx", "merged-blocks.docx")
DOC_DOCUMENTS = ("seed003-department.docx", "seed003-projects.docx")
"""Saved as .doc too. LibreOffice's .doc export writes the other two (a table whose first row is
one cell across the whole table) as plain paragraphs, losing the table: what Word would write
cannot be made here."""


def _build_sources(folder: Path) -> None:
    cast(Callable[[Path], dict[str, Path]], _script("build_form_fixtures").build_all)(folder)


def _rewrite_document(source: Path, target: Path, change: Callable[[str], str]) -> Path:
    """A copy of a .docx with its word/document.xml changed by ``change``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            copy.writestr(info, data)
    return target


def _one_page(xml: str) -> str:
    """Rows never split over a page, and a page tall enough (22 inches, Word's largest) for each
    table to stand on one: a table broken over pages reads its rows in order, but a cell merged
    across the break prints its text on one page only."""
    xml = re.sub(r"<w:pgSz [^>]*/>", '<w:pgSz w:w="16838" w:h="31680"/>', xml)
    xml = re.sub(r"<w:trPr>", "<w:trPr><w:cantSplit/>", xml)
    return re.sub(
        r"<w:tr(\s[^>]*)?>(?!<w:tblPrEx|<w:trPr)",
        lambda m: m.group(0) + "<w:trPr><w:cantSplit/></w:trPr>",
        xml,
    )


def _script(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _convert(program: str, profile: Path, source: Path, target: str, out: Path) -> None:
    """``source`` saved as ``target`` into ``out`` (build_format_fixtures.convert, one file)."""
    _script("build_format_fixtures").convert(program, profile, [source], target, out)


def build(out: Path) -> list[Path]:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if not program:
        raise SystemExit("LibreOffice (soffice) is needed to build these fixtures")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="perfscore-fixtures-") as folder:
        work = Path(folder)
        sources, staged = work / "sources", work / "staged"
        staged.mkdir()
        _build_sources(sources)
        profile = work / "profile"
        for name in WORKBOOKS:
            for target in ("xls", "ods"):
                _convert(program, profile, sources / name, target, staged)
        for name in DOCUMENTS:
            stem = Path(name).stem
            if name in DOC_DOCUMENTS:
                _convert(program, profile, sources / name, "doc", staged)
            pdf_dir = work / "pdf"
            pdf_dir.mkdir(exist_ok=True)
            for_pdf = _rewrite_document(sources / name, pdf_dir / f"{stem}.docx", _one_page)
            _convert(program, profile, for_pdf, "pdf", staged)
        for path in sorted(staged.iterdir()):
            written.append(Path(shutil.copy(path, out / path.name)))
    return written


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else DEFAULT_OUT
    for path in build(out):
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size:,} bytes"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
