"""The download formats of an open resource's rows, with their media types and EU file-type codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DownloadFormat:
    extension: str
    label: str
    media_type: str
    file_type: str
    """Code in the EU file-type vocabulary (http://publications.europa.eu/resource/authority/file-type/)."""


FORMATS: dict[str, DownloadFormat] = {
    "csv": DownloadFormat("csv", "CSV", "text/csv", "CSV"),
    "json": DownloadFormat("json", "JSON", "application/json", "JSON"),
    "xlsx": DownloadFormat("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
}
