"""Describe: the DCAT-AP.de RDF of a bundle, checked against the official shapes, and its MQA score.

Runs after the bundle is built (byte sizes and the period covered come from the data) and before
anything is published: a SHACL violation makes the dataset invalid like a bad cell does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from flows import problems
from flows.metadata import dcat, mqa, shacl
from flows.metadata.descriptor import CatalogInfo
from flows.model.bundle import Bundle
from flows.problems import Problem


@dataclass
class Description:
    """The dataset's DCAT-AP.de graph, what its check found, and its MQA score."""

    graph: Graph
    problems: list[Problem] = field(default_factory=list)
    quality: dict[str, Any] | None = None


def describe(bundle: Bundle, catalog: CatalogInfo, reference: Path | None) -> Description:
    """Build the dataset's RDF (inside a catalog, so catalog rules are checked too), validate it
    against GovData's `v20_de_spec_implr` profile and score it.

    Args:
        bundle: the built bundle (its files give byte sizes and reachable download URLs).
        catalog: the catalog metadata from datapackages/catalog.yaml.
        reference: the folder with the official SHACL shapes, or None if they were not found.

    Returns:
        The graph, one problem per SHACL result (a violation is an error; a warning if the
        shapes are missing) and the quality score.
    """
    name = bundle.dataset.name
    graph = bundle.graph(catalog)
    result = Description(graph)
    try:
        found = shacl.validate(dcat.catalog_graph(catalog, [graph], _now()), reference)
    except shacl.ShapesMissingError:
        result.problems.append(problems.make(
            "metadata-shapes-missing",
            f"Metadaten von '{name}' wurden nicht gegen DCAT-AP.de geprüft: die Prüfregeln "
            "(SHACL) wurden nicht gefunden.", dataset=name, severity="warning"))
        found = None
    for finding in found or []:
        code = "metadata-shacl-violation" if finding.severity == "error" else \
            "metadata-shacl-warning"
        where = _where(finding.focus, catalog, name)
        value = f" (Wert: {finding.value})" if finding.value and not finding.value.startswith(
            ("N", "_:")) else ""
        result.problems.append(problems.make(
            code, f"Metadaten von '{name}', {where}, {finding.path}: {finding.message}{value}",
            dataset=name, file="datapackage.yaml", field=finding.path,
            severity=finding.severity))
    conforms = found is not None and not any(f.severity == "error" for f in found)
    names = {item.path.name for item in bundle.files}
    prefix = catalog.dataset_uri(name) + "/"
    result.quality = mqa.score(
        graph, URIRef(catalog.dataset_uri(name)), conforms=conforms,
        reachable=lambda url: url.startswith(prefix) and url.removeprefix(prefix) in names)
    result.quality["shacl_checked"] = found is not None  # pages must not grade what was not run
    return result


def _where(focus: str, catalog: CatalogInfo, name: str) -> str:
    base = catalog.dataset_uri(name)
    if focus == base:
        return "Datensatz"
    if focus.startswith(base + "/") and focus.endswith("#distribution"):
        return f"Datei {focus.removeprefix(base + '/').removesuffix('#distribution')}"
    if focus == catalog.uri:
        return "Katalog (datapackages/catalog.yaml)"
    return f"Knoten {focus}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
