"""Review of many files: folders expanded, each file read (each table of a Word or Excel form)
and reviewed in turn. A batch never loses a file: :func:`review_files` yields one
:class:`FileReview` per input, with either a review or the file's own error."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Optional, Union

import attrs

from ..errors import PerfscoreError
from ..evaluations import OFFICE_SUFFIXES, read_evaluations
from ..rules import Ruleset
from .run import Review, review

__all__ = ["EVALUATION_SUFFIXES", "FileReview", "evaluation_files", "review_files"]

EVALUATION_SUFFIXES = (".toml", ".json", *OFFICE_SUFFIXES)


@attrs.frozen
class FileReview:
    """One file of a batch: reviewed, or the reason it could not be."""

    path: str
    review: Optional[Review] = None
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "error": self.error,
            "review": self.review.to_dict() if self.review else None,
        }


def evaluation_files(paths: Union[str, Path, Iterable[Union[str, Path]]]) -> list[Path]:
    """Files named, and the entries named like evaluation files (.toml, .json, .docx, .xlsx...)
    inside folders named, in order. ``paths`` is one path or several.

    Inside a folder every such entry is kept, whatever it is (a FIFO, a dangling link, a
    directory named ``x.toml``): reading it reports why it cannot be read, so none is lost."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            try:
                out += sorted(p for p in path.rglob("*") if p.suffix.lower() in EVALUATION_SUFFIXES)
            except OSError:
                out.append(path)  # cannot be listed: reported as the folder's own error
        else:
            out.append(path)
    return out


def review_files(
    files: Union[str, Path, Iterable[Union[str, Path]]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
    region: str = "",
    form: str = "",
    year: int = 0,
    strict: bool = False,
) -> Iterator[FileReview]:
    """Review each file in turn (each table of a Word or Excel form); a file that cannot be read
    or scored comes back with its error, and the rest go on. ``region``, ``form`` and ``year``
    fill in what a form does not say; ``strict`` is :func:`review`'s.

    ``files`` is one path or a list of them; a folder stands for the evaluation files inside it
    (see :func:`evaluation_files`). Every input comes back: reviewed, or with its own error."""
    for file in evaluation_files(files):
        try:
            found = read_evaluations(file, region=region, form=form, year=year)
        except PerfscoreError as exc:
            yield FileReview(path=str(file), error=str(exc))
            continue
        except OSError as exc:  # gone, or made unreadable, while the batch ran
            yield FileReview(path=str(file), error=f"cannot read: {exc.strerror or exc}")
            continue
        for n, evaluation in enumerate(found, 1):
            name = str(file) if len(found) == 1 else f"{file} [{n}/{len(found)}]"
            try:
                yield FileReview(path=name, review=review(evaluation, ruleset, paths=paths, strict=strict))
            except PerfscoreError as exc:
                yield FileReview(path=name, error=str(exc))
