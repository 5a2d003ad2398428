"""One code as data: its id, kind, severity and Chinese and English message templates."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, Optional

import attrs

from .words import Words

__all__ = ["Code", "Kind", "Severity", "finding", "problem"]

Severity = Literal["error", "warning", "info"]
Kind = Literal["problem", "finding"]


def _read_only(variants: Mapping[str, tuple[str, str]]) -> Mapping[str, tuple[str, str]]:
    return MappingProxyType(dict(variants))


@attrs.frozen
class Code:
    """One code: what it is called, how serious it is, and what it says."""

    id: str
    kind: Kind
    severity: Severity
    zh: str
    """Chinese message template (what a reviewer reads first)."""
    en: str
    """English message template."""
    variants: Mapping[str, tuple[str, str]] = attrs.field(factory=dict, converter=_read_only, hash=False)
    """Named (Chinese, English) templates used instead of ``zh`` and ``en`` in a named case."""

    def messages(self, values: Mapping[str, Any], variant: str = "") -> tuple[str, str]:
        """The Chinese and English messages with ``values`` filled in (of ``variant``, if named;
        a KeyError names a variant the code does not have). A value said in :class:`Words`
        fills the Chinese template with its Chinese and the English one with its English."""
        zh, en = self.variants[variant] if variant else (self.zh, self.en)
        if any(type(value) is Words for value in values.values()):
            return zh.format_map(_said(values, "zh")), en.format_map(_said(values, "en"))
        return zh.format_map(values), en.format_map(values)


def _said(values: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {k: getattr(v, lang) if type(v) is Words else v for k, v in values.items()}


def problem(id: str, zh: str, en: str, variants: Optional[Mapping[str, tuple[str, str]]] = None) -> Code:
    return Code(id, "problem", "error", zh, en, variants or {})


def finding(
    id: str, severity: Severity, zh: str, en: str, variants: Optional[Mapping[str, tuple[str, str]]] = None
) -> Code:
    return Code(id, "finding", severity, zh, en, variants or {})
