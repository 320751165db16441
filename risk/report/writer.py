"""Write a snapshot: gather, draw, write to a temporary file beside the target, rename it into
place, and record it (time, portfolio, path, sha256, pages, bytes, trigger) in the store.

A crash mid-way leaves no half-written PDF under the final name and no record of one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from risk.errors import InputError, ReportError
from risk.paths import ensure_folder
from risk.report import maps, sections
from risk.report.data import ReportData, gather
from risk.report.layout import ReportPDF, clean, needs_fallback
from risk.settings import PROJECT_ROOT, Settings
from risk.store import Store
from risk.store import snapshots as sql

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class SnapshotResult:
    """What was written and recorded."""

    id: int
    path: Path
    sha256: str
    pages: int
    bytes: int
    created_at: datetime
    portfolio: str | None
    trigger: str
    map_renderer: str
    seconds: float
    missing_glyphs: tuple[str, ...] = ()


def snapshots_folder(settings: Settings) -> Path:
    folder = Path(settings.snapshots.folder)
    return folder if folder.is_absolute() else (PROJECT_ROOT / folder)


def default_path(settings: Settings, when: datetime, portfolio: str | None) -> Path:
    """data/snapshots/<YYYYmmddTHHMMSSZ>[_<portfolio>].pdf, the portfolio part made file-safe."""
    stamp = when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    suffix = ""
    if portfolio:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", portfolio).strip("-.")[:60]
        suffix = f"_{safe}" if safe else ""
    return snapshots_folder(settings) / f"{stamp}{suffix}.pdf"


def _texts(data: ReportData) -> Iterator[str]:
    """Every outside string the report may print, to decide which fonts it needs."""
    for frame in (data.scores, data.suppliers, data.by_country, data.by_region):
        if frame is None or not len(frame):
            continue
        for col in frame.columns:
            if frame[col].dtype == object or str(frame[col].dtype).startswith("str"):
                yield from (clean(v) for v in frame[col].dropna().unique() if isinstance(v, str))
    for ev in data.evidence:
        yield from (clean(ev.get(k)) for k in ("sentence", "title", "url", "source"))
    for plan in data.plans:
        yield clean(plan.get("title"))
        yield clean(plan.get("country"))
        yield clean(plan.get("reason"))
        yield from (clean(a) for a in plan.get("actions", []))
    yield from (clean(n) for n in data.notes + data.assumptions + [data.portfolio or ""])


def _render(data: ReportData, *, browser_map: maps.BrowserMap | None) -> tuple[ReportPDF, str]:
    scope = data.portfolio or "all countries"
    pdf = ReportPDF(
        header_text=clean(f"Regional risk snapshot \u00b7 {scope} \u00b7 scores as of {data.as_of:%Y-%m-%d}"),
        footer_text=f"Generated {data.generated_at:%Y-%m-%d %H:%M} UTC",
        cjk=needs_fallback(_texts(data)),
    )
    pdf.set_title("Regional risk snapshot")
    pdf.set_creator("regional-risk")
    pdf.set_creation_date(data.generated_at)
    sections.cover(pdf, data)
    png = None
    if browser_map is not None:
        scores = {str(r.iso3): float(r.composite) for r in data.scores.itertuples() if r.composite == r.composite}
        try:
            png = browser_map.render(scores)
        except Exception as e:  # noqa: BLE001 - any browser failure falls back to the vector map
            log.warning("map render in Chromium failed (%s); drawing the vector map instead", e)
    renderer = sections.map_and_countries(pdf, data, png)
    sections.exposure(pdf, data)
    sections.plans(pdf, data)
    sections.all_suppliers(pdf, data)
    sections.evidence(pdf, data)
    return pdf, renderer


def write_snapshot(
    store: Store,
    settings: Settings,
    *,
    portfolio: str | None = None,
    out: Path | str | None = None,
    as_of: date | None = None,
    trigger: str = "manual",
    now: Clock = utc_now,
    use_browser: bool = True,
) -> SnapshotResult:
    """Write a PDF snapshot and record it; returns what was written.

    `out` defaults to the snapshots folder (settings.snapshots.folder). `use_browser=False`
    skips kaleido and draws the vector map (faster, no Chromium needed).
    """
    started = time.perf_counter()
    when = now()
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    day = as_of or when.astimezone(timezone.utc).date()
    target = Path(out) if out is not None else default_path(settings, when, portfolio)
    if target.suffix.lower() != ".pdf":
        raise InputError(f"the snapshot file must end in .pdf, not '{target.name}'", hint="use --out FILE.pdf")
    target = target.resolve()
    ensure_folder(target.parent, what=str(target))

    browser = maps.find_browser() if use_browser else None
    browser_map = maps.BrowserMap(browser) if browser else None
    try:
        data = gather(store, settings, portfolio=portfolio, as_of=day, generated_at=when.astimezone(timezone.utc))
        pdf, renderer = _render(data, browser_map=browser_map)
    finally:
        if browser_map is not None:
            browser_map.close()
    try:
        payload = bytes(pdf.output())
    except Exception as e:
        raise ReportError(f"the PDF could not be produced: {e}", where=str(target)) from e
    missing = _missing_glyphs(pdf)
    digest = hashlib.sha256(payload).hexdigest()

    fd, tmp_name = tempfile.mkstemp(prefix=".snapshot-", suffix=".pdf.part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; a report is meant to be shared and served
        os.replace(tmp_name, target)
    except OSError as e:
        Path(tmp_name).unlink(missing_ok=True)
        raise ReportError(f"cannot write the snapshot: {e}", where=str(target), hint="check space and permissions") from e

    top = [(str(r.iso3), str(r.name), float(r.composite)) for r in data.top.itertuples()]
    with store.transaction() as con:
        new_id = sql.record_snapshot(
            con, created_at=when.astimezone(timezone.utc).replace(tzinfo=None), portfolio=portfolio,
            path=str(target), sha256=digest, pages=pdf.pages_count, size=len(payload), trigger=trigger,
            as_of=day, map_renderer=renderer, top=top,
        )
    result = SnapshotResult(
        id=new_id, path=target, sha256=digest, pages=pdf.pages_count, bytes=len(payload),
        created_at=when, portfolio=portfolio, trigger=trigger, map_renderer=renderer,
        seconds=time.perf_counter() - started, missing_glyphs=missing,
    )
    if missing:
        log.warning("snapshot %s lacks glyphs for %s", target.name, "".join(missing))
    log.info("snapshot #%d written: %s (%d pages, %d bytes, %.1f s, map: %s)",
             new_id, target, result.pages, result.bytes, result.seconds, renderer)
    return result


def _missing_glyphs(pdf: ReportPDF) -> tuple[str, ...]:
    """Characters no bundled font could draw (fpdf2 would show them as blank boxes)."""
    seen: set[str] = set()
    fallback_has: set[int] = set()
    for font in pdf.fonts.values():
        if getattr(font, "fontkey", "").lower().startswith("notosans"):
            fallback_has = set(getattr(font, "cmap", {}) or {})
    for font in pdf.fonts.values():
        for code in getattr(font, "missing_glyphs", []) or []:
            if code not in fallback_has:
                seen.add(chr(code))
    return tuple(sorted(seen))


def snapshot_path(store: Store, settings: Settings, snapshot_id: int) -> Path:
    """The file of a recorded snapshot, only if it lies inside the snapshots folder and exists.

    Pages serve files through this: a row pointing elsewhere (edited, or written with --out
    to another folder) is refused rather than served, so no path can be traversed.
    """
    with store.read() as con:
        rec = sql.get_snapshot(con, int(snapshot_id))
    if rec is None:
        raise InputError(f"no snapshot #{snapshot_id}", hint="'risk snapshots list' shows the recorded ones")
    folder = snapshots_folder(settings).resolve()
    path = Path(rec.path).resolve()
    if not path.is_relative_to(folder):
        raise InputError(
            f"snapshot #{snapshot_id} lies outside the snapshots folder",
            where=str(path),
            hint=f"only files under {folder} are served",
        )
    if not path.is_file():
        raise InputError(f"the file of snapshot #{snapshot_id} is gone", where=str(path))
    return path
