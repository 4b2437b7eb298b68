"""The DCAT-AP 3 catalogue at /data/catalog.jsonld, parsed with rdflib: the mandatory properties of Catalogue,
Dataset, Distribution and Agent, and the mapping of the GB/T 21063 fields."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from zhizheng.datahub.models import Resource

EU = "http://publications.europa.eu/resource/authority/"
BASE = "http://testserver"
SPATIAL = URIRef(f"{BASE}/data/datasets/10301-000001/")
MACRO = URIRef(f"{BASE}/data/datasets/10401-000001/")
ORG = Namespace("http://www.w3.org/ns/org#")


@pytest.fixture
def graph(client, open_city) -> Graph:
    response = client.get("/data/catalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    parsed = Graph()
    parsed.parse(data=response.content.decode(), format="json-ld")
    return parsed


def _one(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def test_the_catalogue_has_its_mandatory_properties(graph):
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert catalog == URIRef(f"{BASE}/data/")
    assert Literal("开放数据目录", lang="zh-hans") in set(graph.objects(catalog, DCTERMS.title))
    assert list(graph.objects(catalog, DCTERMS.description))
    publisher = _one(graph, catalog, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert list(graph.objects(publisher, FOAF.name))
    datasets = set(graph.objects(catalog, DCAT.dataset))
    assert len(datasets) == 12
    assert datasets == set(graph.subjects(RDF.type, DCAT.Dataset))
    assert URIRef(f"{BASE}/data/datasets/10101-000001/") not in datasets  # population: not open
    assert _one(graph, catalog, DCAT.themeTaxonomy) == URIRef(f"{BASE}/data/themes.jsonld")


def test_every_dataset_distribution_and_agent_has_its_mandatory_properties(graph):
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        assert isinstance(_one(graph, dataset, DCTERMS.title), Literal)
        assert isinstance(_one(graph, dataset, DCTERMS.description), Literal)
        publisher = _one(graph, dataset, DCTERMS.publisher)
        assert (publisher, RDF.type, FOAF.Agent) in graph
        assert (publisher, RDF.type, ORG.Organization) in graph
        assert isinstance(_one(graph, publisher, FOAF.name), Literal)
    distributions = set(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 12  # CSV, JSON and XLSX of the four resources with rows
    for distribution in distributions:
        assert isinstance(_one(graph, distribution, DCAT.accessURL), URIRef)


def test_the_chinese_fields_map_to_dcat_vocabularies(graph):
    spatial = Resource.objects.get(code="10301/000001")
    assert _one(graph, SPATIAL, DCTERMS.identifier) == Literal("10301/000001")
    assert _one(graph, SPATIAL, DCTERMS.title) == Literal(spatial.name, lang="zh-hans")
    assert _one(graph, SPATIAL, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/ANNUAL")
    assert _one(graph, MACRO, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/QUARTERLY")
    air = URIRef(f"{BASE}/data/datasets/20301-000001/")
    assert _one(graph, air, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/DAILY")
    assert _one(graph, SPATIAL, DCTERMS.accessRights) == URIRef(f"{EU}access-right/PUBLIC")
    assert _one(graph, SPATIAL, DCTERMS.publisher) == URIRef(f"{BASE}/data/organizations/ZRZYJ/")
    assert _one(graph, SPATIAL, DCTERMS.issued).toPython() == spatial.published_on
    assert set(graph.objects(SPATIAL, DCAT.keyword)) == {
        Literal("行政区划", lang="zh-hans"),
        Literal("空间地理", lang="zh-hans"),
    }
    theme = _one(graph, SPATIAL, DCAT.theme)
    assert theme == URIRef(f"{BASE}/data/themes.jsonld#base")
    assert (theme, RDF.type, SKOS.Concept) in graph
    assert _one(graph, theme, SKOS.inScheme) == URIRef(f"{BASE}/data/themes.jsonld")
    assert Literal("Base information resources", lang="en") in set(graph.objects(theme, SKOS.prefLabel))

    csv = URIRef(f"{SPATIAL}#csv")
    assert csv in set(graph.objects(SPATIAL, DCAT.distribution))
    assert _one(graph, csv, DCAT.downloadURL) == URIRef(f"{BASE}/data/datasets/10301-000001/download.csv")
    assert _one(graph, csv, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert _one(graph, csv, DCTERMS.format) == URIRef(f"{EU}file-type/CSV")
    assert _one(graph, csv, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    catalogue_only = URIRef(f"{BASE}/data/datasets/20301-000001/")
    assert list(graph.objects(catalogue_only, DCAT.distribution)) == []


def test_the_theme_scheme_is_published_alongside(client, open_city):
    scheme = Graph()
    scheme.parse(data=client.get("/data/themes.jsonld").content.decode(), format="json-ld")
    (uri,) = scheme.subjects(RDF.type, SKOS.ConceptScheme)
    top = set(scheme.objects(uri, SKOS.hasTopConcept))
    assert top == {URIRef(f"{BASE}/data/themes.jsonld#{c}") for c in ("base", "theme", "department")}
    for concept in top:
        labels = {label.language for label in scheme.objects(concept, SKOS.prefLabel)}
        assert labels == {"zh-Hans", "en"}
