"""Reading TOML with positions.

``tomllib`` parses strictly but does not say where a key is. Error messages must, so
:func:`key_positions` scans the same text once and maps every key path it can see
(``blocks[1].points``, ``methods.positive.cases[0].when``) to its 1-based line and column.
The scan follows TOML's lexical rules for strings and comments; it only has to be right for
text that ``tomllib`` has already accepted.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

from ..codes import messages
from ..errors import Problem
from ..files import FileRefused, read_bytes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "TomlDocument",
    "check_nesting",
    "key_positions",
    "parse_toml",
    "read_text",
]

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest ruleset or evaluation file (TOML or JSON) read, in bytes: the largest shipped one
is a few tens of KiB. Only regular files are read, and never more than this many bytes."""
MAX_NESTING = 64
"""Deepest nesting of arrays and tables (``[[[…]]]``, ``{a = {b = …}}``) accepted in a TOML or
JSON file; checked by a scan without recursion before the file is parsed, so a 3,000-deep file
never reaches Python's recursion limit. The formats need 4 or 5 levels."""

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]\}\n#]+")
_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


class TomlDocument:
    """A parsed TOML file and the positions of its keys."""

    def __init__(self, data: dict[str, Any], text: str, file: str) -> None:
        self.data = data
        self.file = file
        self._text = text
        self._positions: Optional[dict[str, tuple[int, int]]] = None

    def position(self, path: str) -> tuple[Optional[int], Optional[int]]:
        """Line and column of ``path``, or of its nearest parent that has one."""
        if self._positions is None:
            self._positions = key_positions(self._text)
        probe = path
        while probe:
            found = self._positions.get(probe)
            if found is not None:
                return found
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return None, None

    def problem(self, code: str, path: str, message: str, **extra: Any) -> Problem:
        line, column = self.position(path)
        return Problem(
            code=code, message=message, file=self.file, line=line, column=column, path=path, **extra
        )


def parse_toml(text: str, file: str) -> TomlDocument:
    """Parse ``text``; a syntax error becomes a ``Problem`` raised inside ``TomlSyntax``, and so
    do nesting beyond :data:`MAX_NESTING` and an integer too long for Python to read."""
    check_nesting(text, file, toml=True)
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError, MemoryError) as exc:
        if not isinstance(exc, tomllib.TOMLDecodeError):
            raise TomlSyntax(parse_failure(text, file, "toml-syntax", exc)) from None
        exc_message = str(exc)
        match = _ERROR_AT.search(exc_message)
        line = int(match.group(1)) if match else None
        column = int(match.group(2)) if match else None
        reason = _ERROR_AT.sub("", exc_message).strip()
        message = messages("toml-syntax", reason=reason)[1]
        raise TomlSyntax(Problem("toml-syntax", message, file=file, line=line, column=column)) from None
    return TomlDocument(data, text, file)


def read_toml(path: Path) -> TomlDocument:
    """Read and parse a TOML file; unreadable files and bad encodings become ``TomlSyntax``."""
    return parse_toml(read_text(path), str(path))


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular file of at most ``limit`` bytes (:func:`perfscore.files.read_bytes`),
    decoded as UTF-8 (a BOM is dropped). A FIFO, a device, a directory, a larger file, an
    unreadable one or one that is not UTF-8 raises ``TomlSyntax`` with the reason."""
    name = str(path)
    try:
        data = read_bytes(path, limit)
    except FileRefused as exc:
        raise TomlSyntax(Problem(exc.code, messages(exc.code, reason=str(exc))[1], file=name)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = messages("file-unreadable", reason="cannot read: not UTF-8 text")[1]
        raise TomlSyntax(Problem("file-unreadable", message, file=name, line=line, column=column)) from None


_TOML_TOKENS = re.compile(r'"""|\'\'\'|"|\'|#|[\[\]{}]')
_JSON_TOKENS = re.compile(r'"|[\[\]{}]')
_BASIC_STRING = re.compile(r'[^"\\\n]*(?:\\.[^"\\\n]*)*', re.DOTALL)  # unrolled: linear
_LONG_DIGITS = re.compile(r"[0-9_]{1000,}")


def check_nesting(text: str, file: str, *, toml: bool) -> None:
    """Raise ``TomlSyntax`` when arrays and tables nest deeper than :data:`MAX_NESTING`.

    One pass with a regular expression and a counter, no recursion: brackets inside strings
    and comments are skipped. Linear in the text; it only has to be right for the depth of
    text the parser would accept, and to never overcount it."""
    depth = 0
    tokens = _TOML_TOKENS if toml else _JSON_TOKENS
    i = 0
    size = len(text)
    while i < size:
        match = tokens.search(text, i)
        if match is None:
            return
        token = match.group()
        i = match.end()
        if token in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                raise TomlSyntax(
                    Problem(
                        "too-deep",
                        messages("too-deep")[1],
                        file=file,
                        line=line,
                        column=column,
                        expected=f"at most {MAX_NESTING} levels",
                    )
                )
        elif token in "]}":
            depth = max(0, depth - 1)
        elif token == "#":
            end = text.find("\n", i)
            i = size if end < 0 else end
        elif token in ('"""', "'''"):
            end = text.find(token, i)
            i = size if end < 0 else end + 3
        elif token == "'":  # a literal string: no escapes
            end = text.find("'", i)
            newline = text.find("\n", i)
            i = size if end < 0 else (end + 1 if newline < 0 or end < newline else newline)
        else:  # a basic string, with backslash escapes: up to its closing quote (or the line's end)
            body = _BASIC_STRING.match(text, i)
            i = body.end() + 1 if body is not None else size


def parse_failure(text: str, file: str, code: str, exc: BaseException) -> Problem:
    """A located problem of ``code`` (``toml-syntax`` or ``json-syntax``) for a parser's
    ``ValueError`` (an integer over Python's digit limit), ``RecursionError`` or
    ``MemoryError``: never one of those out of a reader."""

    def message(reason: str) -> str:
        return messages(code, reason=reason)[1]

    if isinstance(exc, (RecursionError, MemoryError)):
        return Problem(code, message("too deeply nested or too large to read"), file=file)
    long = _LONG_DIGITS.search(text)
    if long is not None:
        line = text.count("\n", 0, long.start()) + 1
        column = long.start() - (text.rfind("\n", 0, long.start()) + 1) + 1
        return Problem(
            code,
            message(f"a number of {long.end() - long.start()} digits"),
            file=file,
            line=line,
            column=column,
            expected="a number of at most 28 significant digits",
        )
    reason = str(exc).split("; use sys.set_int_max_str_digits", 1)[0]
    return Problem(code, message(reason[:200]), file=file)


class TomlSyntax(Exception):
    """Internal: carries the one problem of a file that is not valid TOML."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def key_positions(text: str) -> dict[str, tuple[int, int]]:
    """Map key paths to (line, column), both 1-based."""
    scanner = _Scanner(text)
    scanner.run()
    return scanner.positions


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.positions: dict[str, tuple[int, int]] = {}
        self.array_counts: dict[str, int] = {}
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.line_starts[lo] + 1

    def record(self, path: str, offset: int) -> None:
        self.positions.setdefault(path, self.where(offset))

    # -- lexical helpers -------------------------------------------------------------
    def skip_ws(self, newlines: bool) -> None:
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.i += 1
            elif ch == "#":
                end = text.find("\n", self.i)
                self.i = len(text) if end < 0 else end
            else:
                return

    def read_string(self) -> str:
        text = self.text
        quote = text[self.i]
        triple = text.startswith(quote * 3, self.i)
        if triple:
            end = text.find(quote * 3, self.i + 3)
            while end >= 0 and text.startswith(quote, end + 3):
                end += 1  # up to two quotes may close a multi-line string
            end = len(text) - 3 if end < 0 else end
            value = text[self.i + 3 : end]
            self.i = end + 3
            return value
        j = self.i + 1
        while j < len(text) and text[j] != quote and text[j] != "\n":
            j += 2 if (quote == '"' and text[j] == "\\") else 1
        value = text[self.i + 1 : j]
        self.i = j + 1
        return value

    def read_key(self) -> list[tuple[str, int]]:
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_ws(False)
            start = self.i
            if self.i < len(self.text) and self.text[self.i] in "\"'":
                parts.append((self.read_string(), start))
            else:
                match = _BARE_KEY.match(self.text, self.i)
                if not match:
                    return parts
                parts.append((match.group(0), start))
                self.i = match.end()
            self.skip_ws(False)
            if self.i < len(self.text) and self.text[self.i] == ".":
                self.i += 1
                continue
            return parts

    # -- structure -------------------------------------------------------------------
    def run(self) -> None:
        text = self.text
        prefix = ""
        while True:
            self.skip_ws(True)
            if self.i >= len(text):
                return
            if text[self.i] == "[":
                is_array = text.startswith("[[", self.i)
                self.i += 2 if is_array else 1
                parts = self.read_key()
                prefix = self.join_table(parts, is_array)
                end = text.find("\n", self.i)
                self.i = len(text) if end < 0 else end
                continue
            parts = self.read_key()
            if not parts or self.i >= len(text) or text[self.i] != "=":
                end = text.find("\n", self.i)  # not something we understand: skip the line
                self.i = len(text) if end < 0 else end + 1
                continue
            path = self.key_path(prefix, parts)
            self.i += 1
            self.value(path)

    def key_path(self, prefix: str, parts: list[tuple[str, int]]) -> str:
        path = prefix
        for name, offset in parts:
            path = f"{path}.{name}" if path else name
            self.record(path, offset)
        return path

    def join_table(self, parts: list[tuple[str, int]], is_array: bool) -> str:
        path = ""
        for n, (name, offset) in enumerate(parts):
            path = f"{path}.{name}" if path else name
            last = n == len(parts) - 1
            if last and is_array:
                index = self.array_counts.get(path, 0)
                self.array_counts[path] = index + 1
                self.record(path, offset)
                path = f"{path}[{index}]"
                self.record(path, offset)
            else:
                count = self.array_counts.get(path)
                if count:  # a sub-table of the current element of an array of tables
                    path = f"{path}[{count - 1}]"
                self.record(path, offset)
        return path

    def value(self, path: str) -> None:
        self.skip_ws(False)
        text = self.text
        if self.i >= len(text):
            return
        ch = text[self.i]
        if ch in "\"'":
            self.read_string()
        elif ch == "{":
            self.i += 1
            while True:
                self.skip_ws(True)
                if self.i >= len(text) or text[self.i] == "}":
                    self.i += 1
                    return
                if text[self.i] == ",":
                    self.i += 1
                    continue
                parts = self.read_key()
                if not parts or self.i >= len(text) or text[self.i] != "=":
                    self.i += 1
                    continue
                inner = self.key_path(path, parts)
                self.i += 1
                self.value(inner)
        elif ch == "[":
            self.i += 1
            index = 0
            while True:
                self.skip_ws(True)
                if self.i >= len(text):
                    return
                if text[self.i] == "]":
                    self.i += 1
                    return
                if text[self.i] == ",":
                    self.i += 1
                    index += 1
                    continue
                element = f"{path}[{index}]"
                self.record(element, self.i)
                self.value(element)
        else:
            match = _SCALAR.match(text, self.i)
            self.i = match.end() if match else self.i + 1


def lookup(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted/indexed key path, or None."""
    node: Any = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(node, list) or index >= len(node):
                return None
            node = node[index]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return None
    return node
