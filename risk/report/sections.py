"""The snapshot's sections, in reading order: cover, map and top countries, exposure,
contingency actions, all suppliers, evidence. Each takes the PDF and the gathered data."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd

from risk import INDICATOR_LABELS
from risk.report import maps
from risk.report.data import TOP_EXPOSURES, ReportData, supplier_columns
from risk.report.layout import ACCENT, BODY, MUTED, ReportPDF, clean


def _num(value: Any, fmt: str = "{:.1f}") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    try:
        return fmt.format(float(value))
    except (TypeError, ValueError):
        return clean(value)


def _change(value: Any) -> str:
    if value is None or value != value:
        return "new" if value is None else "-"
    v = float(value)
    if abs(v) < 0.05:
        return "0.0"
    sign = "+" if v > 0 else "\u2212"
    return f"{sign}{abs(v):.1f}"


def cover(pdf: ReportPDF, data: ReportData) -> None:
    pdf.add_page()
    pdf.set_y(45)
    pdf.set_font(BODY, "B", 26)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, 12, "Regional risk snapshot", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(BODY, "", 13)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 7, f"Scores as of {data.as_of:%d %B %Y}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    n_scored = int(data.scores["composite"].notna().sum())
    n_high = int((data.scores["composite"] >= data.high_risk).sum())
    rows = [
        ("Date of scores", f"{data.as_of:%Y-%m-%d}"),
        ("Generated", f"{data.generated_at:%Y-%m-%d %H:%M} UTC"),
        ("Scope", f"{n_scored} countries scored; {n_high} at or above the high-risk mark "
                  f"({data.high_risk:.0f})"),
        ("Portfolio", data.portfolio or "none selected: country risk only"),
    ]
    if data.portfolio and len(data.suppliers):
        rows.append(("Suppliers", f"{len(data.suppliers)} in the portfolio"))
    if data.previous is not None:
        rows.append(("Compared with", f"snapshot #{data.previous.id} of "
                                      f"{data.previous.created_at:%Y-%m-%d %H:%M} UTC"))
    else:
        rows.append(("Compared with", "no earlier snapshot: changes start from this one"))
    pdf.key_values(rows, key_width=40)
    pdf.ln(8)
    if len(data.top):
        pdf.h2("Highest risk now")
        for _, r in data.top.head(5).iterrows():
            pdf.para(f"{clean(r['name'])} ({r['iso3']}): {r['composite']:.1f}   {clean(r['driver'])}", size=10.5)
    pdf.ln(6)
    pdf.h2("Contents")
    for line in ("World map and the highest-risk countries", "Portfolio exposure and concentration",
                 "Contingency actions", "All suppliers", "Evidence: the sentences behind the scores"):
        pdf.para(f"\u2022 {line}", size=10)
    for note in data.notes:
        pdf.ln(2)
        pdf.para(note, muted=True, size=9)


def map_and_countries(pdf: ReportPDF, data: ReportData, map_png: bytes | None) -> str:
    """The map page; returns which renderer drew the map ('kaleido' or 'vector')."""
    pdf.add_page()
    pdf.h1("Where the risk is")
    scores = {str(r.iso3): float(r.composite) for r in data.scores.itertuples() if pd.notna(r.composite)}
    x, y, w = pdf.l_margin, pdf.get_y() + 1, pdf.epw
    if map_png is not None:
        h = w * 760 / 1600
        pdf.image(io.BytesIO(map_png), x=x, y=y, w=w, h=h, alt_text="World map of composite risk")
        renderer = "kaleido"
    else:
        h = maps.draw_vector(pdf, scores, x=x, y=y, w=w)
        maps.draw_legend(pdf, x=x + 4, y=y + h + 2)
        h += 10
        renderer = "vector"
    pdf.set_y(y + h + 2)
    pdf.para("Composite risk, 0 (none) to 100. Countries in grey carry no score.", size=8, muted=True)
    pdf.h2("Highest-risk countries")
    since = (f"change since snapshot #{data.previous.id} ({data.previous.created_at:%Y-%m-%d})"
             if data.previous else "no earlier snapshot to compare with")
    pdf.para(f"Top {len(data.top)} by composite score; {since}.", size=8.5, muted=True)
    rows = [
        [str(i + 1), r["name"], r["iso3"], _num(r["composite"]),
         _change(r["change"]) if data.previous else "-", r["driver"], r.get("region") or ""]
        for i, r in data.top.iterrows()
    ]
    pdf.grid(["#", "Country", "ISO3", "Score", "Change", "Strongest indicator", "Region"], rows,
             widths=[7, 42, 13, 15, 16, 52, 35],
             align=["RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT", "LEFT"])
    return renderer


def exposure(pdf: ReportPDF, data: ReportData) -> None:
    pdf.add_page()
    pdf.h1("Portfolio exposure")
    if not data.portfolio:
        pdf.para("No portfolio was chosen for this snapshot. Run 'risk snapshot --portfolio NAME' "
                 "to include suppliers.", muted=True)
        return
    sup = data.suppliers
    if sup is None or not len(sup):
        pdf.para(f"Portfolio '{data.portfolio}' has no exposure figures.", muted=True)
        return
    cols = supplier_columns(sup)
    risk = pd.to_numeric(sup[cols["risk"]], errors="coerce") if cols["risk"] else pd.Series(dtype=float)
    expo = pd.to_numeric(sup[cols["exposure"]], errors="coerce") if cols["exposure"] else pd.Series(dtype=float)
    total = float(expo.sum()) if len(expo) else 0.0
    n_high = int((risk >= data.high_risk).sum()) if len(risk) else 0
    countries = sup[cols["iso3"]].nunique() if cols["iso3"] else 0
    summary = [
        ("Suppliers", f"{len(sup)} in {countries} countries"),
        ("In high-risk countries", f"{n_high} (score {data.high_risk:.0f} or more)"),
        ("Total exposure", _num(total)),
    ]
    if len(data.by_country) and total > 0:
        bc = data.by_country
        ecol = supplier_columns(bc)["exposure"]
        if ecol:
            shares = pd.to_numeric(bc[ecol], errors="coerce").fillna(0) / total
            summary.append(("Top 3 countries' share", f"{shares.nlargest(3).sum() * 100:.0f}% of exposure"))
            summary.append(("Concentration (HHI)", f"{(shares ** 2).sum() * 10000:.0f} of 10,000 "
                                                   "(above 2,500 is highly concentrated)"))
    pdf.key_values(summary)
    pdf.h2(f"Top {TOP_EXPOSURES} exposures")
    order = expo.sort_values(ascending=False).index[:TOP_EXPOSURES] if len(expo) else sup.index[:TOP_EXPOSURES]
    rows = [[str(i + 1), sup.at[k, cols["name"]], sup.at[k, cols["country"]] if cols["country"] else "",
             _num(risk.get(k)), _num(expo.get(k), "{:.2f}")] for i, k in enumerate(order)]
    pdf.grid(["#", "Supplier", "Country", "Risk", "Exposure"], rows, widths=[8, 92, 40, 20, 20],
             align=["RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT"])
    _concentration(pdf, data.by_country, "By country", total)
    _concentration(pdf, data.by_region, "By region", total)
    if data.assumptions:
        pdf.h2("How exposure is computed")
        for a in data.assumptions:
            pdf.para(f"\u2022 {a}", size=8.5, muted=True)


def _concentration(pdf: ReportPDF, frame: pd.DataFrame, title: str, total: float) -> None:
    if frame is None or not len(frame):
        return
    cols = supplier_columns(frame)
    label = next((c for c in ("country_name", "name", "region", "country", "iso3") if c in frame.columns), None)
    count = next((c for c in ("suppliers", "count", "n") if c in frame.columns), None)
    ecol = cols["exposure"]
    if label is None:
        return
    f = frame.copy()
    if ecol:
        f = f.sort_values(ecol, ascending=False)
    rows = []
    for _, r in f.head(10).iterrows():
        e = float(r[ecol]) if ecol and pd.notna(r[ecol]) else None
        rows.append([r[label], _num(r[count], "{:.0f}") if count else "-", _num(e, "{:.2f}"),
                     f"{e / total * 100:.0f}%" if e is not None and total > 0 else "-"])
    pdf.h2(title)
    pdf.grid([title.split()[-1].capitalize(), "Suppliers", "Exposure", "Share"], rows,
             widths=[90, 30, 30, 30], align=["LEFT", "RIGHT", "RIGHT", "RIGHT"])


def plans(pdf: ReportPDF, data: ReportData) -> None:
    if not data.portfolio:
        return
    pdf.h2("Contingency actions")
    if not data.plans:
        pdf.para("No supplier is exposed enough to need a contingency plan.", muted=True)
        return
    if data.plans_note:
        pdf.para(data.plans_note, size=8.5, muted=True)
    for plan in data.plans[:20]:
        head = clean(plan["title"])
        if plan.get("country"):
            head += f" ({clean(plan['country'])})"
        if plan.get("exposure") is not None:
            head += f", exposure {_num(plan['exposure'], '{:.2f}')}"
        pdf.para(head, bold=True, size=9.5)
        if plan.get("reason"):
            pdf.para(plan["reason"], size=8.5, muted=True)
        for action in plan["actions"]:
            pdf.para(f"\u2022 {action}", size=8.5)
        pdf.ln(1.5)


def all_suppliers(pdf: ReportPDF, data: ReportData) -> None:
    sup = data.suppliers
    if not data.portfolio or sup is None or not len(sup):
        return
    pdf.add_page()
    pdf.h1(f"All suppliers ({len(sup)})")
    cols = supplier_columns(sup)
    get: Callable[[Any, str | None], Any] = lambda r, c: r[c] if c else ""  # noqa: E731
    rows = [[str(i + 1), get(r, cols["name"]), get(r, cols["country"]), _num(get(r, cols["risk"])),
             _num(get(r, cols["exposure"]), "{:.2f}")] for i, (_, r) in enumerate(sup.iterrows())]
    pdf.grid(["#", "Supplier", "Country", "Risk", "Exposure"], rows, widths=[10, 96, 40, 16, 18],
             align=["RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT"], size=7.5)


def evidence(pdf: ReportPDF, data: ReportData) -> None:
    pdf.add_page()
    pdf.h1("Evidence")
    pdf.para("The strongest sentences behind the highest-risk countries' scores, with their sources. "
             "Quoted as extracted; not edited.", size=8.5, muted=True)
    if not data.evidence:
        pdf.para("No news sentences raise these countries' scores: they rest on baselines.", muted=True)
        return
    names = dict(zip(data.scores["iso3"], data.scores["name"]))
    current = None
    for ev in data.evidence:
        if ev["country"] != current:
            current = ev["country"]
            pdf.h2(f"{clean(names.get(current, current))} ({current})")
        when = ev.get("published") or ev.get("day")
        meta = " \u00b7 ".join(x for x in (
            INDICATOR_LABELS.get(str(ev["indicator"]), str(ev["indicator"])),
            f"{when:%Y-%m-%d}" if hasattr(when, "strftime") else clean(when),
            clean(ev.get("title"), limit=90),
            clean(ev.get("url") or ev.get("source"), limit=90),
            f"weight {float(ev['weight']):.2f}" + (f", {ev['modality']}" if ev.get("modality") != "asserted" else ""),
        ) if x)
        pdf.para(f"\u201c{clean(ev['sentence'], limit=600)}\u201d", size=9)
        pdf.para(meta, size=7.5, muted=True)
        pdf.ln(1.2)
