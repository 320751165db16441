"""PDF snapshots: the product's weekly voice to people who read a report, not a dashboard.

    gather (data.py) -> sections (sections.py, on layout.py's page, maps.py's map)
      -> writer.py: temp file, os.replace into place, sha256, recorded in the store

Public API: `write_snapshot`, `snapshot_path`, `default_path`, `SnapshotResult`.
"""

from __future__ import annotations

from risk.report.writer import SnapshotResult, default_path, snapshot_path, snapshots_folder, write_snapshot

__all__ = ["SnapshotResult", "default_path", "snapshot_path", "snapshots_folder", "write_snapshot"]
