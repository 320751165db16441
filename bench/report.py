"""Machine facts, peer ratios, and the results table (Markdown + JSON)."""

from __future__ import annotations

import json
import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, Python: what anyone comparing numbers needs to know."""
    info: dict[str, Any] = {"cores": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform(), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
    try:
        info["load_average_1m"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    try:
        mem = Path("/proc/meminfo").read_text()
        kb = int(re.search(r"MemTotal:\s+(\d+)", mem).group(1))  # type: ignore[union-attr]
        info["memory_gb"] = round(kb / 1024 / 1024, 1)
    except (OSError, AttributeError):
        info["memory_gb"] = None
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        m = re.search(r"model name\s*:\s*(.+)", cpu)
        info["cpu"] = m.group(1).strip() if m else platform.processor() or "unknown"
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    try:
        import duckdb
        import pandas

        info["duckdb"], info["pandas"] = duckdb.__version__, pandas.__version__
    except ImportError:
        pass
    return info


def add_ratios(rows: list[dict[str, Any]]) -> None:
    """Peer rows get `ratio`: peer median / our median (above 1: ours is faster)."""
    ours: dict[str, float] = {}
    for r in rows:
        if r["scenario"].startswith("peer_") and r.get("median_s") and r["name"].endswith("(ours)"):
            ours[r["scenario"]] = r["median_s"]
    for r in rows:
        base = ours.get(r["scenario"])
        if base and r.get("median_s"):
            r["ratio"] = round(r["median_s"] / base, 2)


def _fmt_s(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"


def _fmt_tput(r: dict[str, Any]) -> str:
    t = r.get("throughput")
    if not t:
        return "-"
    return f"{t:,.0f} {r['unit']}/s" if r["items"] > 1 else "-"


def _status(r: dict[str, Any]) -> str:
    if r.get("error"):
        return "not available: " + " ".join(r["error"].split()).replace("|", "/")[:160]
    if r.get("ratio") is not None:
        return "ours" if r["name"].endswith("(ours)") else f"x{r['ratio']:g} our time"
    if r.get("met") is None:
        return "-"
    return f"{r['target']}: **{'pass' if r['met'] else 'FAIL'}**"


def markdown(rows: list[dict[str, Any]], info: dict[str, Any], profile: str | None, quick: bool) -> str:
    lines = [
        "# Benchmark results" + (" (quick smoke run: NOT benchmark numbers)" if quick else ""),
        "",
        f"Machine: {info.get('cpu')}, {info.get('cores')} cores, {info.get('memory_gb')} GB RAM; "
        f"Python {info.get('python')}, DuckDB {info.get('duckdb', '?')}, pandas {info.get('pandas', '?')}; "
        f"{info.get('date')}; load average at start {info.get('load_average_1m')}, "
        f"at end {info.get('load_average_end', '?')}. Command: `make bench` (`python -m bench`).",
        "",
        "| scenario | runs | median wall | throughput | peak RSS | target / ratio |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        rss = f"{r['rss_mb']:,.0f} MB" if r.get("rss_mb") else "-"
        if r.get("rss_of") == "child process" and r.get("rss_mb"):
            rss += " (the command)"
        lines.append(f"| {r['name']} | {r.get('runs', 0)} | {_fmt_s(r.get('median_s'))} | {_fmt_tput(r)} | "
                     f"{rss} | {_status(r)} |")
    warm = [r for r in rows if r["scenario"] == "pages" and "warm_median_s" in r.get("extra", {})]
    if warm:
        lines += ["", "Pages with warm caches (same session, second visit): " + ", ".join(
            f"{r['name'].split(chr(39))[1]} {_fmt_s(r['extra']['warm_median_s'])}" for r in warm) + "."]
    facts = [f"- {r['name']}: " + ", ".join(f"{k} {v}" for k, v in r["extra"].items() if k != "warm_median_s")
             for r in rows if any(k != "warm_median_s" for k in r.get("extra", {}))]
    if facts:
        lines += ["", "What each run did:", *facts]
    if profile:
        lines += ["", "## Profile of the slowest scenario", "", "```", profile.strip()[:6000], "```"]
    return "\n".join(lines) + "\n"


def write(results_dir: Path, rows: list[dict[str, Any]], info: dict[str, Any], profile: str | None,
          quick: bool) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stem = "quick" if quick else "latest"
    md = markdown(rows, info, profile, quick)
    (results_dir / f"{stem}.md").write_text(md, encoding="utf-8")
    (results_dir / f"{stem}.json").write_text(
        json.dumps({"machine": info, "quick": quick, "results": rows}, indent=1, default=str), encoding="utf-8")
    return results_dir / f"{stem}.md"


def worst(rows: list[dict[str, Any]]) -> str | None:
    """The scenario furthest from (or closest to) its target: the one worth profiling."""
    best: tuple[float, str] | None = None
    for r in rows:
        if r.get("median_s") is None or not r.get("target") or r["scenario"] == "pages":
            continue
        nums = re.findall(r"[\d,]+(?:\.\d+)?", r["target"])
        if not nums:
            continue
        limit = float(nums[0].replace(",", ""))
        score = limit / r["throughput"] if r["target"].startswith(">=") else r["median_s"] / limit
        if best is None or score > best[0]:
            best = (score, r["scenario"])
    return best[1] if best else None

