"""The layer order of docs/architecture.md holds: an app imports only apps below it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_apps_import_only_lower_layers():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_domain_modules_never_import_interface_modules():
    """models/services/selectors/permissions must not import api, schemas, views or forms (STYLE.md §2)."""
    offenders = []
    for path in (ROOT / "zhizheng").rglob("*.py"):
        if path.stem not in {"models", "services", "selectors", "permissions"} and path.parent.name not in {
            "models",
            "services",
        }:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if not stripped.startswith(("import ", "from ")):
                continue
            for name in ("api", "schemas", "views", "forms"):
                if f".{name} import" in stripped or stripped.endswith(f".{name}") or f" {name} import" in stripped:
                    if stripped.startswith(("from ninja", "from django")):
                        continue
                    offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []
