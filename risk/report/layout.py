"""The page: fonts, running header, page numbers, and safe text helpers for the snapshot PDF.

Every string that came from outside (news sentences, supplier names, feed titles) goes
through `clean()` and is written as plain text: markdown and HTML rendering stay off, so
no input can inject markup, links or styling into the report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from fpdf import FPDF

from risk.errors import ReportError
from risk.settings import PROJECT_ROOT

FONT_DIR = PROJECT_ROOT / "data" / "fonts"
BODY = "DejaVu"
FALLBACK = "NotoSansSC"

INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (31, 78, 121)
RULE = (206, 212, 218)
HEAD_FILL = (231, 238, 245)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean(value: Any, *, limit: int | None = None, one_line: bool = True) -> str:
    """Plain printable text: control characters dropped, odd spaces folded, length capped."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN from pandas
            return ""
    except (TypeError, ValueError):
        pass
    text = unicodedata.normalize("NFC", str(value))
    if one_line:
        text = text.replace("\r", " ").replace("\n", " ")
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text


class ReportPDF(FPDF):
    """A4 portrait with a running header, 'Page X of Y' and bundled Unicode fonts."""

    def __init__(self, *, header_text: str, footer_text: str, cjk: bool = True) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.header_text = header_text
        self.footer_text = footer_text
        self.set_margins(15, 18, 15)
        self.set_auto_page_break(True, margin=16)
        self._add_fonts(cjk)
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)

    def _add_fonts(self, cjk: bool) -> None:
        files = {
            (BODY, ""): FONT_DIR / "DejaVuSans.ttf",
            (BODY, "B"): FONT_DIR / "DejaVuSans-Bold.ttf",
        }
        if cjk:  # parsing the 10 MB CJK font costs ~1.4 s: only when some text needs it
            files[(FALLBACK, "")] = FONT_DIR / "NotoSansSC-Regular.ttf"
        for (family, style), path in files.items():
            if not path.is_file():
                raise ReportError(
                    f"bundled font {path.name} is missing",
                    where=str(path),
                    hint="reinstall the project: data/fonts/ ships with it",
                )
            self.add_font(family, style, str(path))
        if cjk:  # the CJK font has no bold cut: let bold text fall back to it too
            self.set_fallback_fonts([FALLBACK], exact_match=False)
        self.set_font(BODY, size=10)

    # -- page furniture ------------------------------------------------------------------
    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(8)
        self.set_font(BODY, size=7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self.header_text, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*RULE)
        self.line(self.l_margin, 13, self.w - self.r_margin, 13)
        self.set_text_color(*INK)
        self.set_y(18)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(BODY, size=7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*INK)

    # -- text helpers --------------------------------------------------------------------
    def h1(self, text: str) -> None:
        self.set_font(BODY, "B", 16)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, 8, clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.ln(1)

    def h2(self, text: str) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2)
        self.set_font(BODY, "B", 11.5)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, 6, clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.ln(0.5)

    def para(self, text: str, *, size: float = 9.5, muted: bool = False, bold: bool = False) -> None:
        self.set_font(BODY, "B" if bold else "", size)
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, clean(text, one_line=False), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def key_values(self, rows: Sequence[tuple[str, str]], *, key_width: float = 55) -> None:
        for key, value in rows:
            self.set_font(BODY, "B", 9.5)
            self.cell(key_width, 5.5, clean(key))
            self.set_font(BODY, "", 9.5)
            self.multi_cell(0, 5.5, clean(value), new_x="LMARGIN", new_y="NEXT")

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        widths: Sequence[float],
        align: Sequence[str] | None = None,
        size: float = 8,
    ) -> None:
        """A table whose heading row repeats on every page; every cell plain, wrapped text.

        Drawn with plain cells rather than fpdf2's table(): that one measured 6-10 s for a
        350-supplier list, this one well under a second.
        """
        aligns = [a[0].upper() for a in (align or ["L"] * len(headings))]
        head = [clean(h) for h in headings]
        self._grid_row(head, widths, aligns, size, header=True)
        for values in rows:
            cells = [clean(v, limit=400) for v in values]
            if not self._grid_row(cells, widths, aligns, size, header=False, dry=True):
                self.add_page()
                self._grid_row(head, widths, aligns, size, header=True)
            self._grid_row(cells, widths, aligns, size, header=False)
        self.ln(2)

    def _grid_row(self, cells: Sequence[str], widths: Sequence[float], aligns: Sequence[str],
                  size: float, *, header: bool, dry: bool = False) -> bool:
        """Draw one row (or, with dry, only say whether it fits on this page)."""
        pad, lh = 0.9, size * 0.45
        self.set_font(BODY, "B" if header else "", size)
        wrapped = [self._wrap(text, w - 2 * pad) for text, w in zip(cells, widths)]
        height = max(len(lines) for lines in wrapped) * lh + 2 * pad
        fits = self.get_y() + height <= self.page_break_trigger
        if dry:
            return fits
        if not fits:
            self.add_page()
        x0, y0, total = self.l_margin, self.get_y(), sum(widths)
        if header:
            self.set_fill_color(*HEAD_FILL)
            self.rect(x0, y0, total, height, style="F")
        x = x0
        for lines, w, a in zip(wrapped, widths, aligns):
            for i, line in enumerate(lines):
                self.set_xy(x + pad, y0 + pad + i * lh)
                self.cell(w - 2 * pad, lh, line, align=a)
            x += w
        self.set_draw_color(*RULE)
        self.line(x0, y0 + height, x0 + total, y0 + height)
        self.set_xy(x0, y0 + height)
        return True

    def _wrap(self, text: str, width: float) -> list[str]:
        """Greedy word wrap by measured width; a word wider than the column is cut by characters."""
        if not text or self.get_string_width(text) <= width:
            return [text]
        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            candidate = f"{current} {word}" if current else word
            if self.get_string_width(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            while self.get_string_width(word) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and self.get_string_width(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        if current:
            lines.append(current)
        return lines


@lru_cache(maxsize=1)
def body_coverage() -> frozenset[int]:
    """Code points DejaVu Sans (regular and bold) can draw."""
    from fontTools.ttLib import TTFont

    cover: set[int] = set()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with TTFont(FONT_DIR / name, lazy=True) as font:
            cover &= set(font.getBestCmap()) if cover else set(font.getBestCmap())
    return frozenset(cover)


def needs_fallback(texts: Iterable[str]) -> bool:
    """Whether any printable character lies outside the body font (and so needs the CJK font)."""
    cover = body_coverage()
    return any(ord(ch) not in cover for text in texts for ch in text if ch.isprintable() and not ch.isspace())


def font_files() -> list[Path]:
    """The bundled font files the report needs (for checks and packaging)."""
    return [FONT_DIR / n for n in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "NotoSansSC-Regular.ttf")]
