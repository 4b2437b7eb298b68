"""The apply page's side of a generated form: fields laid out from the UI hints (pre-filled, with the server's
errors on each), the posted HTML form turned back into the form's JSON (typed by its schema), material uploads
(type sniffed from the bytes, size limited) and certificates the applicant holds offered instead (免提交)."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.certificates.models import Certificate
from zhizheng.core.errors import ValidationFailed
from zhizheng.govservices.form_schemas import FormDefinition

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


class UploadRefused(ValidationFailed):
    code = "govservices.upload_refused"
    message = _("A file was refused: correct the fields named.")


@dataclass
class Field:
    """One input of the page: ``name`` is the dotted path the server's errors use."""

    name: str
    label: str
    widget: str
    required: bool
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    help: str = ""
    group: str = ""
    show_if: dict[str, str] = field(default_factory=dict)
    certificate_type: str = ""
    consented: bool = False

    @property
    def input_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def _text(value: Any) -> str:
    return str(value) if isinstance(value, str | Promise) else ""


def _held_label(certificate: Certificate) -> str:
    until = certificate.valid_until
    validity = (
        _("valid until %(date)s") % {"date": until.date().isoformat()} if until else str(_("valid without end date"))
    )
    return f"{certificate.type.name} · {certificate.serial} · {certificate.issuing_department.name} · {validity}"


def fields_for(
    definition: FormDefinition,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    certificates: dict[str, list[Certificate]],
    *,
    consented: Collection[str] = (),
) -> list[Field]:
    """The page's inputs in the form's order, with ``values`` filled in and ``errors`` attached. A material the
    applicant holds a certificate for offers it (``choices``), its consent box ticked when ``consented`` names it."""
    schema_props = definition.schema["properties"]
    required_top = set(definition.schema.get("required", []))
    out: list[Field] = []
    for name in definition.ui["order"]:
        hint = definition.ui["fields"][name]
        if "fields" in hint:
            section = schema_props[name]
            section_required = set(section.get("required", []))
            for sub, sub_hint in hint["fields"].items():
                path = f"{name}.{sub}"
                choices = [(str(k), _text(v)) for k, v in (sub_hint.get("choices") or {}).items()]
                if not choices and "items" in section["properties"][sub]:
                    enum = section["properties"][sub]["items"].get("enum", [])
                    choices = [(str(v), str(v)) for v in enum]
                widget = sub_hint.get("widget", "text")
                if name == "materials" and sub_hint.get("certificate_type"):
                    held = certificates.get(sub_hint["certificate_type"], [])
                    choices = [(f"certificate:{c.serial}", _held_label(c)) for c in held]
                out.append(
                    Field(
                        name=path,
                        label=_text(sub_hint.get("label", sub)),
                        widget=widget,
                        required=sub in section_required,
                        value=(values.get(name) or {}).get(sub, ""),
                        errors=errors.get(path, []),
                        choices=choices,
                        help=_text(sub_hint.get("help", "")),
                        group=_text(hint.get("label", "")),
                        show_if=dict(hint.get("show_if") or {}),
                        certificate_type=str(sub_hint.get("certificate_type") or "") if name == "materials" else "",
                        consented=path in consented,
                    )
                )
        else:
            choices = [(str(k), _text(v)) for k, v in (hint.get("choices") or {}).items()]
            allowed = schema_props[name].get("enum")
            if allowed is not None:
                choices = [c for c in choices if c[0] in allowed]
            out.append(
                Field(
                    name=name,
                    label=_text(hint.get("label", name)),
                    widget=hint.get("widget", "text"),
                    required=name in required_top,
                    value=values.get(name, ""),
                    errors=errors.get(name, []),
                    choices=choices,
                )
            )
    for path, messages in errors.items():  # errors of fields the page does not show (e.g. a whole section)
        if not any(f.name == path or f.name.startswith(path + ".") for f in out):
            out.insert(0, Field(name=path, label=path, widget="none", required=False, errors=messages))
    return out


def _coerce(schema: dict[str, Any], widget: str, raw: str, many: list[str]) -> Any:
    if widget == "checkboxes":
        return many
    if widget == "checkbox":
        return raw == "on"
    if widget == "table":
        try:
            return json.loads(raw) if raw.strip() else []
        except ValueError:
            return raw
    kind = schema.get("type")
    if kind in ("integer", "number") and raw.strip():
        try:
            return int(raw) if kind == "integer" else float(raw)
        except ValueError:
            return raw
    return raw.strip()


def _store_upload(upload: UploadedFile) -> str:
    head = upload.read(16)
    upload.seek(0)
    extension = next((ext for magic, ext in SIGNATURES.items() if head.startswith(magic)), None)
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(field_errors={"_": [_("The file is larger than 10 MB.")]})
    if extension is None:
        raise UploadRefused(field_errors={"_": [_("Upload a PDF, JPEG or PNG file.")]})
    token = secrets.token_urlsafe(24)
    default_storage.save(f"applications/{token}.{extension}", ContentFile(upload.read()))
    return f"upload:{token}"


UPLOAD_REFERENCE = re.compile(r"^upload:([A-Za-z0-9_-]{32})$")
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def upload_stored(reference: object) -> tuple[str, str] | None:
    """The storage path and content type of an uploaded material (``upload:<token>`` as the form holds it), or None
    when the reference is not an upload or its file is gone. The token is random and checked against its pattern,
    so no path can be smuggled in."""
    match = UPLOAD_REFERENCE.match(reference) if isinstance(reference, str) else None
    if match is None:
        return None
    for extension in SIGNATURES.values():
        path = f"applications/{match.group(1)}.{extension}"
        if default_storage.exists(path):
            return path, CONTENT_TYPES[extension]
    return None


def data_from_post(
    definition: FormDefinition, post: QueryDict, files: MultiValueDict[str, UploadedFile]
) -> dict[str, Any]:
    """The form's JSON from a posted page: empty optional inputs left out, types from the schema, uploads stored
    (``UploadRefused`` names the material when a file is refused)."""
    data: dict[str, Any] = {}
    problems: dict[str, list[str | Promise]] = {}
    for name in definition.ui["order"]:
        hint = definition.ui["fields"][name]
        schema = definition.schema["properties"][name]
        if "fields" in hint:
            section: dict[str, Any] = {}
            for sub, sub_hint in hint["fields"].items():
                path = f"{name}.{sub}"
                upload = files.get(path)
                if upload is not None:
                    try:
                        section[sub] = _store_upload(upload)
                    except UploadRefused as exc:
                        problems[path] = exc.field_errors["_"]
                    continue
                raw = post.get(path, "")
                widget = sub_hint.get("widget", "text")
                if raw == "" and widget not in ("checkbox", "checkboxes"):
                    continue
                section[sub] = _coerce(schema["properties"][sub], widget, raw, post.getlist(path))
            if section or name in definition.schema.get("required", []):
                data[name] = section
        else:
            raw = post.get(name, "")
            if raw != "":
                data[name] = _coerce(schema, hint.get("widget", "text"), raw, post.getlist(name))
    for name in definition.ui["order"]:  # a section shown only for the other kind of applicant is left out
        show_if = definition.ui["fields"][name].get("show_if") or {}
        if any(data.get(key) != value for key, value in show_if.items()):
            data.pop(name, None)
    if problems:
        raise UploadRefused(field_errors=problems)
    if "remarks" in definition.schema["properties"] and "remarks" not in data:
        data["remarks"] = ""
    return data
