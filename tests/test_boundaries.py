"""The architecture is checked, not hoped for: pages call the library, the library never
imports streamlit, all SQL lives in risk/store/."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_pages_never_import_duckdb() -> None:
    files = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]
    offenders = [f.name for f in files if f.exists() and "duckdb" in _imports(f)]
    assert offenders == []


def test_library_never_imports_streamlit() -> None:
    offenders = [str(f.relative_to(REPO)) for f in (REPO / "risk").rglob("*.py") if "streamlit" in _imports(f)]
    assert offenders == []


def test_sql_only_in_the_store() -> None:
    """Statements such as `SELECT ... FROM` or `INSERT INTO` appear only under risk/store/."""
    sql = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+TABLE)\b", re.I)
    offenders = []
    for f in [*(REPO / "risk").rglob("*.py"), *(REPO / "pages").glob("*.py"), REPO / "app.py"]:
        if not f.exists() or "store" in f.relative_to(REPO).parts:
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and sql.search(node.value):
                offenders.append(f"{f.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_import_linter_contract_holds() -> None:
    exe = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(exe)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
