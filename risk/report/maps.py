"""The world map of composite scores, drawn offline.

First choice: plotly's choropleth rendered by kaleido in the system Chromium against the
bundled topojson (static/topojson/), one browser per report. When no Chromium is found or
the render fails, the same topojson is drawn as vector polygons straight into the PDF, so a
report always has a map and a machine without a browser still produces one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import shutil
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from functools import lru_cache
from pathlib import Path
from typing import Any

from fpdf import FPDF

from risk.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

TOPOJSON_DIR = PROJECT_ROOT / "static" / "topojson"
WORLD = TOPOJSON_DIR / "world_110m.json"
LAT_RANGE = (-58.0, 84.0)  # Antarctica and the far south carry no supplier risk
NO_DATA = (221, 221, 221)
# YlOrRd, as on the dashboard map: low risk pale, high risk dark red.
STOPS = [(0, (255, 255, 204)), (25, (254, 204, 92)), (50, (253, 141, 60)), (75, (240, 59, 32)), (100, (189, 0, 38))]
PLOTLY_SCALE = [[s / 100, "rgb({},{},{})".format(*c)] for s, c in STOPS]


def colour(value: float | None) -> tuple[int, int, int]:
    """The fill for a 0-100 score, interpolated between the colour stops."""
    if value is None or value != value:
        return NO_DATA
    v = min(max(float(value), 0.0), 100.0)
    for (a, ca), (b, cb) in zip(STOPS, STOPS[1:]):
        if v <= b:
            t = (v - a) / (b - a)
            return tuple(round(x + (y - x) * t) for x, y in zip(ca, cb))  # type: ignore[return-value]
    return STOPS[-1][1]


def find_browser() -> str | None:
    """A Chromium for kaleido: $BROWSER_PATH, else the Debian/Ubuntu binaries on PATH."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit and Path(explicit).is_file():
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _figure(scores: Mapping[str, float]) -> Any:
    import plotly.graph_objects as go

    codes = list(scores)
    fig = go.Figure(
        go.Choropleth(
            locations=codes,
            z=[scores[c] for c in codes],
            locationmode="ISO-3",
            colorscale=PLOTLY_SCALE,
            zmin=0,
            zmax=100,
            marker_line_color="rgb(120,120,120)",
            marker_line_width=0.4,
            colorbar=dict(title=dict(text="Risk"), thickness=22, len=0.8),
        )
    )
    fig.update_geos(
        projection_type="natural earth",
        projection_rotation_lon=0,
        lonaxis_range=[-180, 180],
        lataxis_range=list(LAT_RANGE),
        showframe=False,
        showcoastlines=False,
        showland=True,
        landcolor="rgb({},{},{})".format(*NO_DATA),
        showcountries=True,
        countrycolor="rgb(160,160,160)",
    )
    fig.update_layout(margin=dict(l=0, r=0, t=0, b=0), font=dict(size=26))
    return fig


class BrowserMap:
    """One kaleido browser per report, started early in a thread so its 3-6 s start-up
    overlaps gathering the data; `render(scores)` then takes well under a second."""

    def __init__(self, browser: str, *, width: int = 1600, height: int = 760) -> None:
        self.size = (width, height)
        self._scores: queue.Queue[Mapping[str, float] | None] = queue.Queue()
        self._result: Future[bytes] = Future()
        self._thread = threading.Thread(target=self._run, args=(browser,), name="kaleido", daemon=True)
        self._thread.start()

    def _run(self, browser: str) -> None:
        try:
            self._result.set_result(asyncio.run(self._main(browser)))
        except BaseException as e:  # noqa: BLE001 - handed to the caller of render()
            self._result.set_exception(e)

    async def _main(self, browser: str) -> bytes:
        import kaleido

        async with kaleido.Kaleido(n=1, mathjax=False, path=browser, timeout=60) as k:
            scores = await asyncio.get_running_loop().run_in_executor(None, self._scores.get)
            if scores is None:
                return b""
            return await k.calc_fig(
                _figure(scores),
                opts=dict(format="png", width=self.size[0], height=self.size[1], scale=1),
                topojson=TOPOJSON_DIR.resolve().as_uri() + "/",
            )

    def render(self, scores: Mapping[str, float], timeout: float = 90) -> bytes:
        self._scores.put(dict(scores))
        return self._result.result(timeout=timeout)

    def close(self) -> None:
        """Stop the browser if render() was never called (an error while gathering)."""
        self._scores.put(None)
        self._thread.join(timeout=30)


def render_png(scores: Mapping[str, float], *, browser: str) -> bytes:
    """The choropleth as PNG bytes, with a browser started and stopped for this one call."""
    bm = BrowserMap(browser)
    try:
        return bm.render(scores)
    finally:
        bm.close()


@lru_cache(maxsize=1)
def _country_rings() -> tuple[tuple[str, float, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """(iso3, bbox area, rings of (lon, lat)) per country, decoded from the topojson."""
    topo = json.loads(WORLD.read_text(encoding="utf-8"))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantised
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> tuple[tuple[float, float], ...]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts[1:] if out else pts)
        return tuple(out)

    result = []
    for geom in topo["objects"]["countries"]["geometries"]:
        iso3 = str(geom.get("id") or "")
        if geom["type"] == "Polygon":
            polygons = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polygons = geom["arcs"]
        else:
            continue
        rings = tuple(ring(p[0]) for p in polygons)  # exteriors; enclaves are drawn on top
        lons = [p[0] for r in rings for p in r]
        lats = [p[1] for r in rings for p in r]
        area = (max(lons) - min(lons)) * (max(lats) - min(lats)) if lons else 0.0
        result.append((iso3, area, rings))
    # Largest first, so enclosed countries (Lesotho in South Africa) stay visible.
    result.sort(key=lambda item: -item[1])
    return tuple(result)


def draw_vector(pdf: FPDF, scores: Mapping[str, float], *, x: float, y: float, w: float) -> float:
    """Draw the map as filled polygons at (x, y), `w` mm wide; returns the height used."""
    lat_lo, lat_hi = LAT_RANGE
    h = w * (lat_hi - lat_lo) / 360.0
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.1)
    for iso3, _area, rings in _country_rings():
        if iso3 == "ATA":
            continue
        pdf.set_fill_color(*colour(scores.get(iso3)))
        for r in rings:
            pts = [
                (x + (lon + 180.0) / 360.0 * w, y + (lat_hi - max(min(lat, lat_hi), lat_lo)) / (lat_hi - lat_lo) * h)
                for lon, lat in r
            ]
            if len(pts) >= 3:
                pdf.polygon(pts, style="DF")
    pdf.set_line_width(0.2)
    return h


def draw_legend(pdf: FPDF, *, x: float, y: float, w: float = 80) -> None:
    """A 0-100 colour bar with ticks, and the 'no data' swatch."""
    steps = 50
    step_w = w / steps
    for i in range(steps):
        pdf.set_fill_color(*colour(i * 100 / (steps - 1)))
        pdf.rect(x + i * step_w, y, step_w + 0.05, 3, style="F")
    pdf.set_font_size(7)
    for tick in (0, 25, 50, 75, 100):
        pdf.set_xy(x + tick / 100 * w - 5, y + 3.2)
        pdf.cell(10, 3, str(tick), align="C")
    pdf.set_fill_color(*NO_DATA)
    pdf.rect(x + w + 8, y, 5, 3, style="F")
    pdf.set_xy(x + w + 14, y - 0.2)
    pdf.cell(30, 3.4, "no score")
