"""The API contract is a file: docs/api/openapi.json must match the code."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from zhizheng.web.management.commands.export_openapi import openapi_document

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"


def test_committed_openapi_schema_matches_the_code() -> None:
    generated = openapi_document()

    assert COMMITTED.read_text(encoding="utf-8") == generated, (
        "docs/api/openapi.json is out of date with the API code: run `make openapi` and commit the result."
    )


def test_export_is_deterministic_sorted_and_ends_with_a_newline(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"

    call_command("export_openapi", "--output", str(first))
    call_command("export_openapi", "--output", str(second))

    text = first.read_text(encoding="utf-8")
    assert text == second.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert "/api/v1/health" in json.loads(text)["paths"]


def test_every_operation_id_follows_the_house_pattern() -> None:
    schema = json.loads(openapi_document())
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]

    assert ids, "the schema has no operations"
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert operation_id.count("_") >= 2, f"{operation_id} is not <app>_<noun>_<verb>"


def test_schema_and_docs_are_served_offline(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Zhizheng API"
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "http://" not in html
    assert "https://" not in html
