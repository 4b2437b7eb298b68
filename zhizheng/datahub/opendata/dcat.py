"""The open catalogue as DCAT-AP 3 JSON-LD (``/data/catalog.jsonld``) and its theme scheme (``/data/themes.jsonld``).

Mapping of the GB/T 21063 fields: 名称 → ``dct:title``, 摘要 → ``dct:description``, 代码 → ``dct:identifier``,
提供方 → ``dct:publisher`` (a ``foaf:Agent`` and ``org:Organization``), 分类 → ``dcat:theme`` in the SKOS scheme
published alongside, 更新周期 → ``dct:accrualPeriodicity`` (EU frequency vocabulary), 开放属性 →
``dct:accessRights`` (EU access-right vocabulary), 发布日期 → ``dct:issued``, tags → ``dcat:keyword``; each
download format of the rows is a ``dcat:Distribution`` with ``dcat:accessURL``/``dcat:downloadURL``, an IANA
``dcat:mediaType``, an EU ``dct:format`` and the licence."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from zhizheng.datahub.choices import DATA_OFFICE, Category, OpenType, UpdateCycle
from zhizheng.datahub.models import Resource
from zhizheng.datahub.opendata import catalogue
from zhizheng.datahub.opendata.ckan import Site
from zhizheng.datahub.opendata.formats import FORMATS
from zhizheng.datahub.opendata.rows import has_rows
from zhizheng.orgs.models import Department

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
FREQUENCY = {
    UpdateCycle.REALTIME: "UPDATE_CONT",
    UpdateCycle.DAILY: "DAILY",
    UpdateCycle.WEEKLY: "WEEKLY",
    UpdateCycle.MONTHLY: "MONTHLY",
    UpdateCycle.QUARTERLY: "QUARTERLY",
    UpdateCycle.HALF_YEARLY: "ANNUAL_2",
    UpdateCycle.YEARLY: "ANNUAL",
}
ACCESS_RIGHTS = {OpenType.OPEN: "PUBLIC", OpenType.CONDITIONAL: "RESTRICTED", OpenType.NOT_OPEN: "NON_PUBLIC"}
THEMES = {
    Category.BASE: ("基础信息资源", "Base information resources"),
    Category.THEME: ("主题信息资源", "Thematic information resources"),
    Category.DEPARTMENT: ("部门信息资源", "Department information resources"),
}
ZH = "zh-Hans"


def _text(value: str, language: str = ZH) -> dict[str, str]:
    return {"@value": value, "@language": language}


def _typed(value: str, datatype: str) -> dict[str, str]:
    return {"@value": value, "@type": datatype}


def _ref(uri: str) -> dict[str, str]:
    return {"@id": uri}


def scheme_uri(site: Site) -> str:
    return site.url("datahub:themes")


def theme_uri(site: Site, category: str) -> str:
    return f"{scheme_uri(site)}#{category}"


def agent_uri(site: Site, department: Department) -> str:
    return site.url("datahub:organization", department.code)


def theme_scheme(site: Site) -> list[dict[str, Any]]:
    """The SKOS concept scheme of the catalogue's categories (分类), with Chinese and English labels."""
    uri = scheme_uri(site)
    scheme = {
        "@id": uri,
        "@type": "skos:ConceptScheme",
        "dct:title": [_text("政务信息资源分类"), _text("Government information resource categories", "en")],
        "skos:hasTopConcept": [_ref(theme_uri(site, c)) for c in THEMES],
    }
    concepts = [
        {
            "@id": theme_uri(site, category),
            "@type": "skos:Concept",
            "skos:prefLabel": [_text(zh), _text(en, "en")],
            "skos:notation": category,
            "skos:inScheme": _ref(uri),
            "skos:topConceptOf": _ref(uri),
        }
        for category, (zh, en) in THEMES.items()
    ]
    return [scheme, *concepts]


def _agent(site: Site, department: Department) -> dict[str, Any]:
    return {
        "@id": agent_uri(site, department),
        "@type": ["foaf:Agent", "org:Organization"],
        "foaf:name": _text(department.name),
        "skos:prefLabel": _text(department.name),
        "dct:identifier": department.code,
        "dct:type": _ref("http://purl.org/adms/publishertype/LocalAuthority"),
    }


def _distributions(site: Site, resource: Resource, dataset_uri: str) -> list[dict[str, Any]]:
    if not has_rows(resource):
        return []
    slug = catalogue.slug_of(resource.code)
    licence = _ref(settings.DATAHUB_OPEN_LICENSE["url"])
    return [
        {
            "@id": f"{dataset_uri}#{fmt.extension}",
            "@type": "dcat:Distribution",
            "dct:title": _text(f"{resource.name}（{fmt.label}）"),
            "dcat:accessURL": _ref(site.url("datahub:download", slug, fmt.extension)),
            "dcat:downloadURL": _ref(site.url("datahub:download", slug, fmt.extension)),
            "dcat:mediaType": _ref(IANA + fmt.media_type),
            "dct:format": _ref(f"{EU}file-type/{fmt.file_type}"),
            "dct:license": licence,
            "dct:modified": _typed(resource.updated_at.isoformat(), "xsd:dateTime"),
        }
        for fmt in FORMATS.values()
    ]


def _dataset(site: Site, resource: Resource) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    uri = site.url("datahub:dataset", catalogue.slug_of(resource.code))
    distributions = _distributions(site, resource, uri)
    dataset: dict[str, Any] = {
        "@id": uri,
        "@type": "dcat:Dataset",
        "dct:identifier": resource.code,
        "dct:title": _text(resource.name),
        "dct:description": _text(resource.summary),
        "dct:publisher": _ref(agent_uri(site, resource.provider)),
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": resource.provider.name,
            **({"vcard:hasTelephone": _ref(f"tel:{resource.provider.phone}")} if resource.provider.phone else {}),
        },
        "dcat:theme": _ref(theme_uri(site, resource.category)),
        "dct:accrualPeriodicity": _ref(f"{EU}frequency/{FREQUENCY[UpdateCycle(resource.update_cycle)]}"),
        "dct:accessRights": _ref(f"{EU}access-right/{ACCESS_RIGHTS[OpenType(resource.open_type)]}"),
        "dcat:landingPage": _ref(uri),
        "dct:modified": _typed(resource.updated_at.isoformat(), "xsd:dateTime"),
        "owl:versionInfo": str(resource.version),
        "dcat:keyword": [_text(t.name) for t in resource.tags.all()],
        "dcat:distribution": [_ref(d["@id"]) for d in distributions],
    }
    if resource.published_on:
        dataset["dct:issued"] = _typed(resource.published_on.isoformat(), "xsd:date")
    return dataset, distributions


def catalog_document(site: Site) -> dict[str, Any]:
    """The DCAT-AP 3 catalogue of every open resource, its publishers, distributions and the theme scheme."""
    resources = list(catalogue.open_resources().prefetch_related("tags", "items").order_by("code"))
    catalogue_uri = site.url("datahub:index")
    office = Department.objects.filter(code=DATA_OFFICE).first()
    publishers = {r.provider.pk: r.provider for r in resources}
    if office is not None:
        publishers[office.pk] = office
        publisher: dict[str, Any] = _ref(agent_uri(site, office))
    else:
        publisher = {"@type": "foaf:Agent", "foaf:name": _text(settings.DATAHUB_SITE_TITLE)}
    graph: list[dict[str, Any]] = []
    for resource in resources:
        dataset, distributions = _dataset(site, resource)
        graph.extend([dataset, *distributions])
    modified = max((r.updated_at for r in resources), default=None)
    catalog: dict[str, Any] = {
        "@id": catalogue_uri,
        "@type": "dcat:Catalog",
        "dct:title": [_text("开放数据目录"), _text("Open data catalogue", "en")],
        "dct:description": [_text(settings.DATAHUB_SITE_DESCRIPTION)],
        "dct:publisher": publisher,
        "foaf:homepage": _ref(catalogue_uri),
        "dct:language": _ref(f"{EU}language/ZHO"),
        "dct:license": _ref(settings.DATAHUB_OPEN_LICENSE["url"]),
        "dcat:themeTaxonomy": _ref(scheme_uri(site)),
        "dcat:dataset": [_ref(site.url("datahub:dataset", catalogue.slug_of(r.code))) for r in resources],
    }
    if modified is not None:
        catalog["dct:modified"] = _typed(modified.isoformat(), "xsd:dateTime")
    agents = [_agent(site, d) for d in sorted(publishers.values(), key=lambda d: d.code)]
    return {"@context": CONTEXT, "@graph": [catalog, *graph, *agents, *theme_scheme(site)]}


def themes_document(site: Site) -> dict[str, Any]:
    return {"@context": CONTEXT, "@graph": theme_scheme(site)}
