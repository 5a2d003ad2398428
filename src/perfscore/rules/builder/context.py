"""What every part of a ruleset's build reads through: the shared :class:`~..reader.Reader`,
located by the origin of each merged value, plus the ruleset's own value kinds (numbers
through the number gate, bilingual texts, source references, formulas, rounding, params)."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import Any, Callable, Optional

from ...decimals import MAX_AMOUNT, MAX_POINTS, ROUNDING_MODES, NumberRefused, gate
from ...errors import FormulaError
from ...formulas import Formula, clear_code_cache, compile_formula
from ..inherit import Origins
from ..model import Rounding, Text
from ..reader import MAX_PROBLEMS, Located, Reader, key_path, show
from ..registry import RulesetInfo
from ..toml import TomlDocument
from .framework_tables import BUDGET_NAMES, NAME, ROW_NAMES, TEXT
from .tables import ROUNDING

__all__ = ["BUDGET_AMOUNTS", "Context", "Scope", "clear_formula_cache"]

#: The budget table's amounts, as derived formulas may name them (编制准确 needs 年初预算).
BUDGET_AMOUNTS = ("budget_initial", "budget_full_year", "budget_executed")


_POINT_KEYS = frozenset({"total", "points", "weight", "min", "max"})
"""Keys read by ``Context.number`` that hold points, weights, totals or grade bounds: within
``MAX_POINTS``. Every other number (params, tolerances, tier bounds) is within ``MAX_AMOUNT``."""

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: How much of a formula's text is scanned for names (the formula checker bounds the length).
MAX_FORMULA_SCAN = 100_000
#: The most names a formula's did-you-mean compares an unknown name with.
MAX_SUGGESTION_POOL = 500


class Scope(Collection[str]):
    """The names a formula may use, as sets looked up in turn (not copied per formula)."""

    def __init__(self, *parts: AbstractSet[str]) -> None:
        self.parts = parts

    def __contains__(self, name: object) -> bool:
        return any(name in part for part in self.parts)

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for part in self.parts:
            for name in part:
                if name not in seen:
                    seen.add(name)
                    yield name

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)


@functools.lru_cache(maxsize=4096)
def _compile(source: str, names: tuple[str, ...], backend: str) -> Formula:
    """Compile once per process: a child and its parent share most formulas (Formula is immutable)."""
    return compile_formula(source, names, backend=backend)


def clear_formula_cache() -> None:
    """Forget every compiled formula, and the code generated for them."""
    _compile.cache_clear()
    clear_code_cache()


def _origin_locator(
    file: str, origins: Origins, docs: Mapping[str, TomlDocument]
) -> Callable[[str], Located]:
    """Where a key path of the merged ruleset is: in the file (and at the key path) it came from."""

    def locate(path: str) -> Located:
        probe = path
        while probe not in origins and probe:
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        source_file, source_path = origins.get(probe, (file, ""))
        doc = docs.get(source_file)
        line, column = doc.position(source_path + path[len(probe) :]) if doc else (None, None)
        return source_file, line, column

    return locate


class Context(Reader):
    """The reader of one ruleset's build, and what its parts share (the file, its parents, the
    other rulesets an alias must not collide with, the source ids declared so far)."""

    def __init__(
        self,
        file: str,
        origins: Origins,
        docs: Mapping[str, TomlDocument],
        parents: tuple[str, ...],
        display: Callable[[str], str],
        backend: str = "compiled",
        others: Sequence[RulesetInfo] = (),
    ) -> None:
        super().__init__(_origin_locator(file, origins, docs), MAX_PROBLEMS)
        self.file = file
        self.origins = origins
        self.parents = parents
        self.display = display
        self.backend = backend
        self.others = others
        self.source_ids: set[str] = set()

    def number(
        self,
        table: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        default: Optional[Decimal] = None,
        positive: bool = False,
    ) -> Optional[Decimal]:
        """A number ≥ 0 (> 0 when ``positive``): points within ``MAX_POINTS``, others ``MAX_AMOUNT``."""
        value = table.get(key)
        if value is None:
            if required:
                self.problem("missing-key", key_path(path, key))
            return default
        number = self.real(value, key_path(path, key), MAX_POINTS if key in _POINT_KEYS else MAX_AMOUNT)
        if number is None:
            return default
        if (positive and number <= 0) or number < 0:
            variant = "positive" if positive else "non-negative"
            self.problem("bad-number", key_path(path, key), variant, found=show(value))
            return default
        return number

    def real(self, value: Any, path: str, limit: Decimal = MAX_AMOUNT) -> Optional[Decimal]:
        """A TOML number as a Decimal, or None with a problem: not a number, or refused by the
        number gate (inf, nan, beyond ``limit``, too many digits or places)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem("wrong-type", path, "number", found=show(value))
            return None
        try:
            return gate(value, limit)
        except NumberRefused as exc:
            self.problem("bad-number", path, found=exc.found, expected=exc.expected, reason=exc.reason)
            return None

    def text(self, value: Any, path: str, fallback: str = "") -> Text:
        """A ``{ zh, en }`` table (``fallback`` when absent; required without one)."""
        if value is None:
            if not fallback:
                expected = '{ zh = "…", en = "…" }'
                self.problem("missing-key", path, expected=expected)
            return Text(fallback)
        table = self.table(value, path)
        self.keys(table, TEXT.keys, path)
        return Text(self.string(table, "zh", path, required=True), self.string(table, "en", path))

    def label(self, table: Mapping[str, Any], path: str) -> Text:
        """``zh`` (required) and ``en`` written in ``table`` itself."""
        return Text(self.string(table, "zh", path, required=True), self.string(table, "en", path))

    def source_ref(self, table: Mapping[str, Any], path: str) -> str:
        """``source = "…"``, which must name a declared source."""
        ref = self.string(table, "source", path)
        if ref and ref not in self.source_ids:
            self.problem(
                "unknown-source",
                key_path(path, "source"),
                found=ref,
                suggestions=self.suggest(ref, self.source_ids),
            )
        return ref

    def numeric(self, source: Any, names: Iterable[str], path: str) -> Optional[Formula]:
        """A formula whose value must be a number (a score, the budget's, a derived value): one
        that can only be a condition is a problem."""
        formula = self.formula(source, names, path)
        if formula is not None and formula.condition:
            self.problem("formula-condition", path, found=formula.source)
            return None
        return formula

    def formula(self, source: Any, names: Iterable[str], path: str) -> Optional[Formula]:
        """A formula over ``names``, compiled; a problem located at ``path`` when refused."""
        if not isinstance(source, (str, int, float)) or isinstance(source, bool):
            self.problem("wrong-type", path, "formula", found=show(source))
            return None
        text = str(source)
        scope = names if isinstance(names, Scope) else Scope(frozenset(names))
        # Only the declared names the text mentions: compiling against every parameter would
        # cost parameters × formulas (and the cache key would be as long as the parameters).
        used = tuple(sorted({w for w in _WORD.findall(text[:MAX_FORMULA_SCAN]) if w in scope}))
        try:
            return _compile(text, used, self.backend)
        except FormulaError as exc:
            if exc.code == "formula-name" and not self.full and len(scope) <= MAX_SUGGESTION_POOL:
                try:  # again with every name, for the did-you-mean of an unknown one
                    _compile(text, tuple(scope), self.backend)
                except FormulaError as full:
                    exc = full
            where = f"formula column {exc.column}: " if exc.column else ""
            self.relay(exc.code, path, where + exc.reason, found=str(source))  # the formula's own words
            return None

    def rounding(self, value: Any, path: str, default: Rounding) -> Rounding:
        """``{ places, mode }``, each defaulting to ``default``'s."""
        if value is None:
            return default
        table = self.table(value, path)
        self.keys(table, ROUNDING.keys, path)
        places = table.get("places", default.places)
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 6:
            self.problem("bad-rounding", key_path(path, "places"), found=show(places))
            places = default.places
        mode = self.string(table, "mode", path, default=default.mode)
        if mode not in ROUNDING_MODES:
            suggestions = self.suggest(mode, ROUNDING_MODES)
            self.problem(
                "bad-rounding",
                key_path(path, "mode"),
                "mode",
                found=mode,
                suggestions=suggestions,
            )
            mode = default.mode
        return Rounding(places, mode)

    def params(self, value: Any, path: str) -> dict[str, Decimal]:
        """``name = number`` parameters (a bad value still declares its name, so the formulas
        that use it are not reported as well; the load fails on the value's own problem)."""
        table = self.table(value if value is not None else {}, path)
        out = {}
        for key in table:
            if not NAME.fullmatch(key) or key in ROW_NAMES or key in BUDGET_NAMES:
                self.problem("bad-param", key_path(path, key), found=key)
                continue
            number = self.real(table[key], key_path(path, key))
            out[key] = number if number is not None else Decimal(0)
        return out
