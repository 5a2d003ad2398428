"""Build tests/data/formats: every regional form of the tests, saved by LibreOffice in the
formats units really send, once.

    python scripts/build_format_fixtures.py [--all] [OUTDIR]     # default: tests/data/formats

``--all`` writes every converted file, not only those committed (:func:`committed`).

The sources are the realistic regional forms the tests write (tests/test_form_gaps_sweep.py
FORMS, tests/test_form_gaps.py's 广东 scoring-standard table and its budget-after forms,
tests/test_column_inputs.py's 重庆 list, the layout forms of tests/data/layouts), as .xlsx and
.docx. LibreOffice (``soffice`` on PATH) saves each as a reviewer would receive it:

- every workbook as ``.xls`` (Excel 97–2003), ``.ods`` and ``.pdf`` (a unit printing its sheet);
- every document as ``.doc`` (Word 97–2003), ``.odt`` and ``.pdf``.

The copies converted are made as a unit's form is, never the sources, and what the form says is
not changed (:func:`as_sent`): a Word document ends with a paragraph (Word cannot save one that
ends with a table; LibreOffice's .doc export of one drops every table), and the tables of the
copies printed to PDF have ruling lines (Word's "Table Grid"; cell borders, wrapped text and a
page as wide as the sheet in Excel), on the default page otherwise, so long texts wrap in their
cells and a table may run over a page break. The PDF needs a CJK font installed (e.g.
fonts-wqy-microhei). The .doc and .odt are not committed: reading them converts them through
LibreOffice again, so their tests build them afresh and skip where LibreOffice is absent.

tests/test_format_matrix.py reads each committed file back to the evaluation of its source and
reviews it; it needs neither LibreOffice nor the fonts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "tests" / "data" / "formats"
LAYOUTS = ROOT / "tests" / "data" / "layouts"
ALL = {".xlsx": ("xls", "ods", "pdf", "wide"), ".docx": ("doc", "odt", "pdf")}
"""``wide``: the sheet printed as it stands, portrait and not fitted to the page, so a sheet
wider than the page prints over several (Excel's "down, then over"), saved as NAME.wide.pdf."""
PRINTED_SHEETS = ("chongqing", "gd-standard")
"""The workbooks whose PDF printed one page wide is committed too (each ~40 KB: its CJK font
subset)."""
WIDE = (
    "layout-flat-list",
    "layout-goal-blocks",
    "layout-split-sign-unit",
    "sweep-beijing",
    "sweep-score-below-merged",
    "sweep-two-row",
    "sweep-yuan-line",
)
"""The workbooks whose PDF printed over several pages (``wide``) is committed."""
SAME_IN_WORD = ("sweep-bj-zero", "sweep-score-below-merged")
"""Documents whose PDF is not committed: laid out in Word as another one is (北京, the score
below the rows)."""
WORD_97 = ("gd-standard", "sweep-two-row")
"""The documents whose .doc is committed (their test needs LibreOffice to read them)."""

UNRULED = "sweep-score-below.docx"
"""Saved as ``unruled.pdf`` with its tables unruled (python-docx's default table style)."""


def committed(name: str) -> bool:
    """Whether the converted file ``name`` is committed (about 1.5 MB in all): every .xls and
    .ods, the document PDFs but those of :data:`SAME_IN_WORD`, the sheet PDFs of
    :data:`PRINTED_SHEETS` and :data:`WIDE`, the .doc of :data:`WORD_97` (the tests read .odt
    and the other .doc only here: reading one converts it through LibreOffice, seconds each)."""
    stem, _, kind = name.partition(".")
    return (
        (kind in ("xls", "ods") or (kind == "docx.pdf" and stem not in SAME_IN_WORD))
        or (kind == "xlsx.pdf" and stem in PRINTED_SHEETS)
        or (kind == "wide.pdf" and stem in WIDE)
        or (kind == "doc" and stem in WORD_97)
    )


def _tests() -> None:
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)


def sources(folder: Path) -> dict[str, Path]:
    """Every source form written into ``folder``: name → path (``name.xlsx`` / ``name.docx``)."""
    _tests()
    import test_column_inputs
    import test_form_gaps
    import test_form_gaps_sweep
    from gap_forms import write_docx, write_xlsx

    folder.mkdir(parents=True, exist_ok=True)
    forms: dict[str, Any] = {f"sweep-{name}": parts for name, parts in test_form_gaps_sweep.FORMS.items()}
    forms["gd-standard"] = test_form_gaps._gd_form()
    forms["budget-after"] = test_form_gaps.AFTER
    forms["budget-between"] = test_form_gaps._budget_between()
    written: dict[str, Path] = {}
    for name, parts in forms.items():
        written[f"{name}.xlsx"] = write_xlsx(folder / f"{name}.xlsx", parts)
        written[f"{name}.docx"] = write_docx(folder / f"{name}.docx", parts)
    written["chongqing.xlsx"] = test_column_inputs._chongqing_form(folder / "chongqing.xlsx")
    for path in sorted(LAYOUTS.glob("*.x*")) + sorted(LAYOUTS.glob("*.docx")):
        written[f"layout-{path.name}"] = Path(shutil.copy(path, folder / f"layout-{path.name}"))
    return written


def _cjk_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _width(sheet: Any, column: int) -> float:
    from openpyxl.utils import get_column_letter

    return float(sheet.column_dimensions[get_column_letter(column)].width or 8)


def _printed_xlsx(source: Path, target: Path, fit: bool = True) -> Path:
    """The workbook as a unit prints it: each table row (two texts or more, or merged) ruled,
    every cell wrapping its text in a column as wide as its texts (at most 24 characters), the
    sheet printed landscape one page wide (with ``fit``; else portrait, over as many pages as
    it needs)."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    book = openpyxl.load_workbook(source)
    thin = Side(style="thin")
    for sheet in book.worksheets:
        width = sheet.max_column
        merged = {r for rng in sheet.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)}
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=width):
            filled = [cell.value for cell in row if cell.value not in (None, "")]
            ruled = len(filled) >= 2 or row[0].row in merged
            for cell in row:
                cell.alignment = Alignment(wrap_text=ruled, vertical="center")
                if ruled:
                    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        for column in range(1, width + 1):
            letter = openpyxl.utils.get_column_letter(column)
            texts: list[str] = [
                str(sheet.cell(row=r, column=column).value or "")
                for r in range(1, sheet.max_row + 1)
                if len([c for c in sheet[r] if c.value not in (None, "")]) >= 2
            ]
            sheet.column_dimensions[letter].width = min(
                24, max([8, *(_cjk_width(text) for text in texts)]) + 1
            )
        for r in range(1, sheet.max_row + 1):  # tall enough for its wrapped lines, as a unit sets it
            lines = max(
                -(-_cjk_width(str(cell.value or "")) // max(1, int(_width(sheet, cell.column or 1)) - 1))
                for cell in sheet[r]
            )
            sheet.row_dimensions[r].height = 15 * max(1, lines)
        if fit:
            sheet.page_setup.orientation = "landscape"
            sheet.page_setup.fitToWidth = 1
            sheet.page_setup.fitToHeight = 0
            sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    book.save(target)
    return target


def _sent_docx(source: Path, target: Path, ruled: bool) -> Path:
    """The document as Word saves it: ending with a paragraph; with ``ruled``, its tables in
    Word's "Table Grid" (every cell ruled)."""
    import docx

    document = docx.Document(str(source))
    if ruled:
        for table in document.tables:
            table.style = document.styles["Table Grid"]
    body = document.element.body
    last = [child for child in body if not child.tag.endswith("}sectPr")][-1]
    if last.tag.endswith("}tbl"):
        document.add_paragraph("")
    document.save(str(target))
    return target


def as_sent(path: Path, kind: str, folder: Path) -> Path:
    """The copy of ``path`` LibreOffice converts to ``kind`` (see the module's docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".docx":
        return _sent_docx(path, folder / path.name, ruled=kind == "pdf")
    if kind in ("pdf", "wide"):
        return _printed_xlsx(path, folder / path.name, fit=kind == "pdf")
    return path


def convert(program: str, profile: Path, paths: Sequence[Path], target: str, out: Path) -> None:
    """Save every file of ``paths`` as ``target`` into ``out``, in one LibreOffice run."""
    command = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        *map(str, paths),
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)


def build(out: Path, every: bool = False) -> list[Path]:
    """The converted files written into ``out``: those :func:`committed`, or ``every`` one."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if not program:
        raise SystemExit("LibreOffice (soffice) is needed to build these fixtures")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perfscore-formats-") as folder:
        work = Path(folder)
        written = sources(work / "sources")
        for suffix, kinds in ALL.items():
            for kind in kinds:
                staged = work / f"{suffix[1:]}-{kind}"
                staged.mkdir()
                sent = work / f"sent-{suffix[1:]}-{kind}"
                paths = sorted(as_sent(p, kind, sent) for p in written.values() if p.suffix == suffix)
                convert(program, work / "profile", paths, "pdf" if kind == "wide" else kind, staged)
                for path in sorted(staged.iterdir()):
                    # a workbook and a document of one name both print to NAME.pdf
                    name = {"pdf": f"{path.stem}{suffix}.pdf", "wide": f"{path.stem}.wide.pdf"}.get(
                        kind, path.name
                    )
                    if every or committed(name):
                        _copy(path, out / name)
        unruled = work / "unruled"  # a Word table with no borders, saved as PDF: refused, said why
        convert(
            program,
            work / "profile",
            [_sent_docx(written[UNRULED], work / "unruled.docx", False)],
            "pdf",
            unruled,
        )
        shutil.copy(unruled / "unruled.pdf", out / "unruled.pdf")
    return sorted(out.iterdir())


def _copy(path: Path, target: Path) -> None:
    """``path`` copied; an .ods without its thumbnail picture (half its size, never read)."""
    if path.suffix != ".ods":
        shutil.copy(path, target)
        return
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            if not info.filename.startswith("Thumbnails/"):
                data = original.read(info)
                if info.filename == "META-INF/manifest.xml":
                    data = re.sub(rb"\s*<manifest:file-entry[^>]*Thumbnails/[^>]*/>", b"", data)
                copy.writestr(
                    info, data, zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
                )


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    every = "--all" in args
    args = [arg for arg in args if arg != "--all"]
    out = Path(args[0]) if args else DEFAULT_OUT
    total = 0
    for path in build(out, every):
        total += path.stat().st_size
        print(f"{path.name}: {path.stat().st_size:,} bytes")
    print(f"total: {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
