"""CKAN Action API over the open catalogue: the read actions third parties and CKAN harvesters call.

Mapping (docs/datahub.md has the full table): a published open ``Resource`` is a CKAN *package* (``name`` its
code with "-", ``id`` a UUID5 of the code); each download format of its rows (CSV, JSON, XLSX) is a CKAN
*resource* with ``datastore_active``; the provider department is the *organization* (``name`` its code in lower
case); the catalogue category (基础/主题/部门) is the *group*; tags are tags; 更新周期, 开放属性, 共享属性, 分类码 and
格式 are extras. The actions are in ``ckan_actions``; this module holds the mapping, identifiers and parameter
parsing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from zhizheng.datahub.choices import Category
from zhizheng.datahub.models import Resource
from zhizheng.datahub.opendata import catalogue
from zhizheng.datahub.opendata.formats import FORMATS
from zhizheng.datahub.opendata.rows import has_rows
from zhizheng.orgs.models import Department

CKAN_VERSION = "2.10.4"
"""The CKAN release whose Action API responses these follow."""
NAMESPACE = uuid.UUID("6f1c6a2e-2f0c-5d1e-9a59-7a686968656e")
MAX_ROWS = 1000


class CkanError(Exception):
    """An error in CKAN's envelope: ``__type`` (Not Found / Validation / Authorization Error) and HTTP status."""

    STATUS = {"Not Found Error": 404, "Validation Error": 409, "Authorization Error": 403}

    def __init__(self, kind: str, message: str, *, fields: Mapping[str, list[str]] | None = None, status: int = 0):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.fields = dict(fields or {})
        self.status = status or self.STATUS.get(kind, 400)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"__type": self.kind, "message": self.message}
        error.update(self.fields)
        return error


def not_found(what: str) -> CkanError:
    return CkanError("Not Found Error", f"Not found: {what}")


def invalid(field: str, message: str) -> CkanError:
    return CkanError("Validation Error", f"{field}: {message}", fields={field: [message]})


@dataclass(frozen=True, slots=True)
class Site:
    """Absolute URLs of this server, so results carry links that work for the caller."""

    base: str  # e.g. "https://data.example.gov.cn" (no trailing slash)

    def url(self, name: str, *args: Any) -> str:
        return self.base + reverse(name, args=args)


# --- identifiers -----------------------------------------------------------------------------------------------


def package_id(code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"package:{code}"))


def resource_id(code: str, extension: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"resource:{code}:{extension}"))


def organization_id(code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"organization:{code}"))


def group_id(category: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"group:{category}"))


def tag_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"tag:{name}"))


# --- dictionaries ----------------------------------------------------------------------------------------------


def _time(value: Any) -> str | None:
    return value.replace(tzinfo=None).isoformat() if value else None


def organization_dict(department: Department, *, count: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": organization_id(department.code),
        "name": department.code.lower(),
        "title": department.name,
        "display_name": department.name,
        "description": department.short_name,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "created": None,
    }
    if count is not None:
        result["package_count"] = count
    return result


def group_dict(category: str, *, count: int | None = None) -> dict[str, Any]:
    label = str(Category(category).label)
    result: dict[str, Any] = {
        "id": group_id(category),
        "name": category,
        "title": label,
        "display_name": label,
        "description": "",
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
    }
    if count is not None:
        result["package_count"] = count
    return result


def _tag_dict(name: str) -> dict[str, Any]:
    return {"id": tag_id(name), "name": name, "display_name": name, "vocabulary_id": None, "state": "active"}


def resource_dicts(resource: Resource, site: Site) -> list[dict[str, Any]]:
    """The CKAN resources of a package: one per download format of its rows (none without rows)."""
    if not has_rows(resource):
        return []
    slug = catalogue.slug_of(resource.code)
    return [
        {
            "id": resource_id(resource.code, fmt.extension),
            "package_id": package_id(resource.code),
            "name": f"{resource.name} ({fmt.label})",
            "description": resource.summary,
            "format": fmt.label,
            "mimetype": fmt.media_type,
            "url": site.url("datahub:download", slug, fmt.extension),
            "url_type": None,
            "datastore_active": True,
            "position": position,
            "state": "active",
            "created": _time(resource.created_at),
            "last_modified": _time(resource.updated_at),
        }
        for position, fmt in enumerate(FORMATS.values())
    ]


def package_dict(resource: Resource, site: Site) -> dict[str, Any]:
    """A CKAN package for an open resource (provider, tags and items loaded)."""
    tags = sorted(t.name for t in resource.tags.all())
    resources = resource_dicts(resource, site)
    extras = {
        "identifier": resource.code,
        "class_code": resource.class_code,
        "category": resource.category,
        "format": resource.format,
        "update_cycle": resource.update_cycle,
        "share_type": resource.share_type,
        "open_type": resource.open_type,
        "published_on": resource.published_on.isoformat() if resource.published_on else "",
        "related_codes": ",".join(resource.related_codes),
    }
    return {
        "id": package_id(resource.code),
        "name": catalogue.slug_of(resource.code),
        "title": resource.name,
        "notes": resource.summary,
        "url": site.url("datahub:dataset", catalogue.slug_of(resource.code)),
        "type": "dataset",
        "state": "active",
        "private": False,
        "version": str(resource.version),
        "metadata_created": _time(resource.created_at),
        "metadata_modified": _time(resource.updated_at),
        "author": resource.provider.name,
        "author_email": None,
        "maintainer": resource.provider.name,
        "maintainer_email": None,
        "license_id": settings.DATAHUB_OPEN_LICENSE["id"],
        "license_title": settings.DATAHUB_OPEN_LICENSE["title"],
        "license_url": settings.DATAHUB_OPEN_LICENSE["url"],
        "owner_org": organization_id(resource.provider.code),
        "organization": organization_dict(resource.provider),
        "groups": [group_dict(resource.category)],
        "tags": [_tag_dict(name) for name in tags],
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [{"key": key, "value": value} for key, value in extras.items()],
    }


# --- parameters ------------------------------------------------------------------------------------------------


def param_int(params: Mapping[str, Any], name: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    value = params.get(name, default)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise invalid(name, "Invalid integer") from None
    if number < low:
        raise invalid(name, f"Must be {low} or more")
    return min(number, high) if high is not None else number


def param_bool(params: Mapping[str, Any], name: str, default: bool) -> bool:
    value = params.get(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise invalid(name, "Must be true or false")


def param_list(params: Mapping[str, Any], name: str) -> list[str]:
    """A list given as a JSON list, a JSON-encoded list in a string, or a comma-separated string."""
    value = params.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise invalid(name, "Invalid JSON list") from None
        else:
            return [part.strip() for part in text.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(name, "Must be a list of strings")
    return value


def param_required(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value in (None, "") or not isinstance(value, str | int):
        raise invalid(name, "Missing value")
    return str(value).strip()


def open_package(identifier: str) -> Resource:
    """An open resource by CKAN id, name (slug) or catalogue code."""
    code = catalogue.code_of(identifier) if "/" not in identifier else identifier
    queryset = catalogue.open_resources().prefetch_related("tags", "items")
    found = queryset.filter(code=code).first()
    if found is None and len(identifier) == 36:  # a package id: UUID5 of the code, so compare over the codes
        codes = catalogue.open_resources().values_list("code", flat=True)
        match = next((c for c in codes.iterator() if package_id(c) == identifier), None)
        found = queryset.filter(code=match).first() if match else None
    if found is None:
        raise not_found("Dataset")
    return found


def resource_by_id(identifier: str) -> tuple[Resource, str]:
    """The open resource and format extension behind a CKAN resource id."""
    candidates = catalogue.with_rows(catalogue.open_resources())
    for resource in candidates:
        for extension in FORMATS:
            if resource_id(resource.code, extension) == identifier and has_rows(resource):
                return resource, extension
    raise not_found("Resource")
