"""Supplier CSV import: bytes -> decoded text -> records with line numbers -> typed, resolved rows.

    read_suppliers(path or bytes)  -> ImportResult (accepted rows, rejects, flags, notes)
    import_suppliers(store, ...)   -> the same, stored as a named portfolio (replacing it)

A file that cannot be used at all raises SupplierFileError (what, where, what to do);
a bad row is rejected with the physical line its record starts on and the reason; good
rows are always kept. Parsing uses pyarrow's CSV reader when every record is one line
(line number = row number + 2) and Python's csv module otherwise (blank lines, multi-line
quoted cells, ragged rows), which tracks the physical line of each record. The rest is
vectorised (pandas) and country strings are resolved once per distinct value, so a million
rows import in well under a minute; pydantic's `Supplier` rules validate every stored row
(risk.supplier_rows).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from risk.errors import SupplierFileError
from risk.exports import safe_cell
from risk.supplier_rows import OUTPUT_COLUMNS, clean_rows

# Canonical field -> header variants (compared after folding: lower case, '_' for spaces/punctuation).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "supplier", "supplier_name", "company", "company_name", "vendor", "vendor_name",
             "facility", "facility_name", "factory", "factory_name", "supplier_company", "organisation",
             "organization", "legal_name"),
    "country": ("country", "country_code", "country_name", "nation", "iso", "iso2", "iso3",
                "country_iso", "country_iso_code", "land", "pays"),
    "address": ("address", "street", "street_address", "full_address", "address_line", "address_1"),
    "city": ("city", "town", "municipality", "locality", "city_name"),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "annual_spend": ("annual_spend", "spend", "amount", "annual_amount", "spend_amount", "value",
                     "purchase_value", "annual_value", "yearly_spend", "spend_usd", "annual_spend_usd"),
    "currency": ("currency", "ccy", "currency_code"),
    "criticality": ("criticality", "critical", "importance", "priority", "criticality_1_5"),
    "category": ("category", "commodity", "product_category", "product", "segment", "product_type"),
    "tier": ("tier", "supplier_tier", "level"),
    "single_source": ("single_source", "sole_source", "single_sourced", "is_single_source"),
}
_LOOKUP = {variant: canon for canon, variants in HEADER_ALIASES.items() for variant in variants}
SEPARATORS = (",", ";", "\t", "|")
SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class ImportResult:
    """What an import found. `accepted` has the columns of the suppliers table (minus portfolio)."""

    source: str
    encoding: str
    separator: str
    columns: dict[str, str]  # canonical field -> header as written
    ignored_columns: list[str]
    accepted: pd.DataFrame
    rejects: pd.DataFrame  # line, reason, then the raw fields as read
    notes: list[str] = field(default_factory=list)

    @property
    def accepted_count(self) -> int:
        return len(self.accepted)

    @property
    def rejected_count(self) -> int:
        return len(self.rejects)

    def flag_counts(self) -> dict[str, int]:
        """How many accepted rows carry each kind of flag (the part before ':')."""
        flags = self.accepted["flags"].explode().dropna()
        return flags.str.split(":").str[0].value_counts().to_dict() if len(flags) else {}


def _fold_header(h: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", h.strip().lstrip("\ufeff").casefold()).strip("_")


# -- bytes -> text ------------------------------------------------------------------
def decode(raw: bytes, where: str) -> tuple[str, str]:
    """(text, encoding name). UTF-8 (+/- BOM), UTF-16 (BOM or NUL pattern), else a legacy
    single-byte code page chosen by charset-normalizer (Windows-1252 preferred)."""
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SupplierFileError("the file is empty", where=where,
                                hint="export the supplier list again with a header row and at least one supplier")
    if raw[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise SupplierFileError("this is an Excel workbook, not a CSV file", where=where,
                                hint="in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)' and import that file")
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(raw[3:], "utf-8", where), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(raw, "utf-16", where), "utf-16"
    head = raw[:4096]
    half = max(len(head) // 2, 1)
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if max(even, odd) > 0.4 * half and min(even, odd) < 0.05 * half:  # UTF-16 without BOM: NULs alternate
        enc = "utf-16-le" if odd > even else "utf-16-be"
        return _strict(raw, enc, where), enc
    if b"\x00" in head:
        raise SupplierFileError("the file is binary (it contains NUL bytes), not a CSV text file", where=where,
                                hint="export the supplier list as CSV from your spreadsheet")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy(raw)


def _legacy(raw: bytes) -> tuple[str, str]:
    """Windows-1252 when it reads cleanly (most spreadsheet exports), else charset-normalizer's guess."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    try:
        text = raw.decode("cp1252")
        if mess_ratio(text[:100_000], 0.2) < 0.1:
            return text, "cp1252"
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw[:200_000], cp_isolation=["cp1252", "latin_1", "cp1250", "cp1251", "iso8859_15"]).best()
    if best is None or best.encoding in ("latin_1", "ascii"):
        return raw.decode("latin-1"), "latin-1"
    return raw.decode(best.encoding, errors="replace"), best.encoding


def _strict(raw: bytes, enc: str, where: str) -> str:
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as e:
        raise SupplierFileError(f"the file is not valid {enc} (byte {e.start})", where=where,
                                hint="save it again as 'CSV UTF-8' from your spreadsheet") from e


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f" or ch == "\ufffd")
    return bad > max(8, len(sample) // 50)


def sniff_separator(header_line: str) -> str:
    """The separator that splits the header line into the most fields (outside quotes)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])  # ties keep the order: , ; tab |
    return best if counts[best] > 0 else ","


# -- text -> records with line numbers -------------------------------------------------
def _records(text: str, sep: str) -> tuple[list[str], list[list[str]], list[int], list[int]]:
    """Header, rows padded/cut to the header's width, the physical line each record starts on
    (1-based), and the indices of rows that carried extra non-empty fields."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', doublequote=True, strict=False)
    header: list[str] | None = None
    rows: list[list[str]] = []
    starts: list[int] = []
    overflow: list[int] = []
    width = 0
    prev = 0
    for rec in reader:
        start, prev = prev + 1, reader.line_num
        if not "".join(rec).strip():
            continue  # blank line, or separators only
        if header is None:
            header, width = rec, len(rec)
            continue
        if len(rec) != width:
            if len(rec) < width:
                rec = rec + [""] * (width - len(rec))
            else:
                if any(cell.strip() for cell in rec[width:]):
                    overflow.append(len(rows))
                rec = rec[:width]
        rows.append(rec)
        starts.append(start)
    return header or [], rows, starts, overflow


def _column_names(header: list[str]) -> list[str]:
    return [h.strip().lstrip("\ufeff") or f"column_{i + 1}" for i, h in enumerate(header)]


def _slow_records(text: str, sep: str) -> tuple[list[str], pd.DataFrame, pd.Series, list[int]]:
    """Python's csv module: exact physical line numbers for any layout (blank lines, multi-line cells)."""
    header, rows, starts, overflow = _records(text, sep)
    frame = pd.DataFrame(rows, columns=_column_names(header), dtype=object).astype("string[pyarrow]")
    return header, frame, pd.Series(starts, dtype="int64"), overflow


def _fast_records(text: str, sep: str) -> tuple[list[str], pd.DataFrame, pd.Series, list[int]] | None:
    """pyarrow's multi-threaded CSV reader, used when every record is exactly one line (the
    common case), so that line numbers follow from row numbers. None: use the exact reader."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    first, _, _ = text.partition("\n")
    if not first.strip():
        return None  # blank lines before the header
    header = next(csv.reader([first.rstrip("\r")], delimiter=sep))
    names = [f"c{i}" for i in range(len(header))]
    bad: list[object] = []
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=False, ignore_empty_lines=False,
                                              invalid_row_handler=lambda row: bad.append(row) or "skip"),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if bad or table.num_rows != physical - 1:
        return None
    frame = pd.DataFrame({i: pd.arrays.ArrowStringArray(table.column(i)) for i in range(len(header))})
    frame.columns = _column_names(header)
    lines = pd.Series(range(2, table.num_rows + 2), dtype="int64")
    filled = frame.ne("").any(axis=1) if len(frame.columns) else pd.Series(False, index=frame.index)
    blank_like = ~filled  # separators only: skipped like blank lines
    if blank_like.any():
        frame, lines = frame[filled].reset_index(drop=True), lines[filled].reset_index(drop=True)
    return header, frame, lines, []


def _map_header(header: list[str], where: str) -> tuple[dict[str, int], dict[str, str], list[str]]:
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for i, h in enumerate(header):
        canon = _LOOKUP.get(_fold_header(h))
        if canon and canon not in index:
            index[canon], written[canon] = i, h.strip().lstrip("\ufeff")
        elif h.strip():
            ignored.append(h.strip())
    if "name" not in index:
        folded = [_fold_header(h) for h in header]
        close = difflib.get_close_matches("name", folded, n=1, cutoff=0.5) or difflib.get_close_matches(
            "supplier", folded, n=1, cutoff=0.5)
        did_you_mean = f"Did you mean '{header[folded.index(close[0])].strip()}'? " if close else ""
        shown = ", ".join(repr(h.strip()) for h in header[:12]) or "(none)"
        raise SupplierFileError(
            f"no supplier name column among the headers {shown}", where=where,
            hint=f"{did_you_mean}Name the column 'name' (or supplier, company, vendor, facility) and import again")
    if "country" not in index and "city" not in index and not ("lat" in index and "lon" in index):
        raise SupplierFileError(
            "no location column: a supplier needs a country, a city, or latitude and longitude", where=where,
            hint="add a 'country' column (a name, ISO2 or ISO3 code) or 'lat' and 'lon' columns")
    return index, written, ignored


def read_suppliers(source: Path | str | bytes, *, name: str | None = None, max_rows: int | None = None) -> ImportResult:
    """Read, validate and resolve a supplier CSV; raise SupplierFileError if unusable as a whole."""
    if isinstance(source, bytes):
        raw, where = source, name or "upload"
    else:
        path = Path(source)
        where = name or str(path)
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise SupplierFileError(f"cannot read the file: {e.strerror}", where=where,
                                    hint="check the path and permissions") from e
    text, encoding = decode(raw, where)
    if "\r" in text.replace("\r\n", ""):  # classic Mac line ends (CR only): read as lines too
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(text):
        raise SupplierFileError("the file is binary or in an unknown encoding, not CSV text", where=where,
                                hint="export the supplier list as 'CSV UTF-8' from your spreadsheet")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    sep = sniff_separator(first)
    parsed = _fast_records(text, sep) or _slow_records(text, sep)
    header, frame, lines, overflow = parsed
    index, written, ignored = _map_header(header, where)
    if not len(frame):
        raise SupplierFileError("the file has a header but no supplier rows", where=where,
                                hint="add at least one supplier below the header row")
    if max_rows is not None and len(frame) > max_rows:
        raise SupplierFileError(f"the file has {len(frame):,} rows, more than the limit of {max_rows:,}", where=where,
                                hint="split it, or raise [upload] max_rows in risk.toml")
    too_many = None
    if overflow:
        too_many = pd.Series(False, index=frame.index)
        too_many.iloc[overflow] = True
    fields = pd.DataFrame({canon: frame.iloc[:, i] for canon, i in index.items()})
    accepted, rejects = clean_rows(fields, lines, too_many, len(header))
    raw_cols = list(frame.columns)
    rejects = (rejects.join(frame.astype(object), how="left") if len(rejects)
               else pd.DataFrame(columns=["line", "reason", *raw_cols]))
    notes = []
    if ignored:
        notes.append(f"ignored columns: {', '.join(ignored)}")
    return ImportResult(source=where, encoding=encoding, separator=sep, columns=written, ignored_columns=ignored,
                        accepted=accepted[list(OUTPUT_COLUMNS)].reset_index(drop=True),
                        rejects=rejects.reset_index(drop=True), notes=notes)


def rejects_csv(result: ImportResult) -> bytes:
    """The rejects as a UTF-8 (BOM, for Excel) CSV download; formula-like cells neutralised."""
    out = result.rejects.astype(object).map(safe_cell)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def import_suppliers(store: object, source: Path | str | bytes, *, portfolio: str,
                     name: str | None = None, max_rows: int | None = None) -> ImportResult:
    """Read a supplier CSV and store its accepted rows as `portfolio`, replacing any earlier one."""
    from risk.store import Store
    from risk.store import suppliers as sql

    assert isinstance(store, Store)
    portfolio = portfolio.strip()
    if not portfolio:
        raise SupplierFileError("the portfolio name is empty", hint="pass --portfolio NAME")
    result = read_suppliers(source, name=name, max_rows=max_rows)
    with store.transaction() as con:
        sql.replace_portfolio(con, portfolio, result.accepted, source_file=result.source,
                              rejected=result.rejected_count)
    return result
