"""Check DCAT-AP.de RDF against the official SHACL shapes with pyshacl, as GovData's validator does.

Profiles (GovData's validator configuration):
- `v20_de_spec_implr`: DCAT-AP 2.1.1 shapes + German messages, additions, deprecations and the
  conventions of the Konventionenhandbuch. What GovData checks for DCAT-AP.de 2.0 deliveries.
- `dcat_ap_211`: the DCAT-AP 2.1.1 base shapes only (what a stock ckanext-dcat can reach).

The vocabularies are merged into the data graph (the shapes test `skos:inScheme` on the value
nodes; given as `ont_graph` they would yield false violations), but only the part reachable from
the data's nodes: no shape follows an edge backwards, so what is left out cannot change a finding
about the data, and the check does not grow with the size of the downloaded tables.

Some authority tables (EU language, frequency, access rights, ADMS publisher types, political
geocoding) are not in the reference folder unless downloaded; for those, and only for values
that kennzahlen has checked against its own code lists (flows/vocabularies.py), a stand-in
`skos:inScheme` triple is added. A value that is not on those lists gets no stand-in, so the
shape still reports it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rdflib
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS

from flows.metadata import reference
from flows.metadata import vocabularies as voc

PROFILES = {
    "v20_de_spec_implr": ("dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap-spec-german-messages.ttl",
                          "dcat-ap-spec-german-additions.ttl", "dcat-ap-de-deprecated.ttl",
                          "dcat-ap-konventionen.ttl"),
    "dcat_ap_211": ("dcat-ap_2.1.1_shacl_shapes.ttl",),
}
STAND_IN_TABLES = {  # scheme → (base of the value URIs, the codes kennzahlen knows)
    voc.LANGUAGE_BASE.rstrip("/"): (voc.LANGUAGE_BASE, voc.LANGUAGES),
    voc.FREQUENCY_BASE.rstrip("/"): (voc.FREQUENCY_BASE, voc.FREQUENCIES),
    voc.ACCESS_RIGHTS_BASE.rstrip("/"): (voc.ACCESS_RIGHTS_BASE, voc.ACCESS_RIGHTS),
    voc.PUBLISHER_TYPE_SCHEME: (voc.PUBLISHER_TYPE_BASE, voc.PUBLISHER_TYPES),
    voc.LEVEL_SCHEME: (voc.LEVEL_BASE, voc.LEVELS),
    "http://publications.europa.eu/resource/authority/planned-availability": (
        "http://publications.europa.eu/resource/authority/planned-availability/",
        {"AVAILABLE": "", "EXPERIMENTAL": "", "STABLE": "", "TEMPORARY": ""}),
}


@dataclass(frozen=True)
class Finding:
    severity: str
    """`error` (sh:Violation) or `warning` (sh:Warning, sh:Info)."""
    message: str
    focus: str
    path: str
    value: str


class ShapesMissingError(Exception):
    """The reference folder with the shapes was not found."""


@cache
def _shapes(folder: Path, profile: str) -> Graph:
    graph = Graph()
    for name in PROFILES[profile]:
        graph.parse(folder / "dcat-ap-de" / "v2.0" / name)
    return graph


@cache
def _vocabularies(folder: Path) -> Graph:
    """The vocabularies as one graph: parsed once (0.3–0.4 s, a tenth of a small dataset's
    publication) and kept as a pickle in the user's cache (`parsed_cache`) for the next
    process."""
    files = [path for path in sorted((folder / "dcat-ap-de" / "vocab").glob("*"))
             if path.suffix in (".rdf", ".ttl")]
    digest = hashlib.sha256(f"{rdflib.__version__} {sys.version_info[:2]}".encode())
    for path in files:
        digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
    cached = parsed_cache() / f"vocabularies-{digest.hexdigest()[:32]}.pickle"
    try:
        graph = pickle.loads(cached.read_bytes())
        if isinstance(graph, Graph):
            return graph
    except Exception:  # noqa: BLE001, S110 - missing or unreadable: parse instead
        pass
    graph = Graph()
    for path in files:
        graph.parse(path, format="xml" if path.suffix == ".rdf" else "turtle")
    _keep(graph, cached)
    return graph


def _keep(graph: Graph, cached: Path) -> None:
    """Write the pickle atomically; without a writable cache the next process parses again."""
    temporary = None
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, prefix=".tmp-", delete=False) as out:
            temporary = Path(out.name)
            out.write(pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, cached)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is no error
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def parsed_cache() -> Path:
    """Where parsed vocabularies are kept: next to the downloaded reference data in the user's
    cache (`XDG_CACHE_HOME`, else `~/.cache`), as pip and uv keep theirs. Named by the files'
    content, rdflib's and Python's version, so a changed file is parsed again; only this user
    writes there, as with Python's own `__pycache__`."""
    return reference.cache_dir().parent / "parsed"


def stand_ins(data: Graph, vocabularies: Graph) -> Graph:
    """`skos:inScheme` triples for values of tables missing from `vocabularies`, limited to codes
    on kennzahlen's own lists; also municipality keys of the form checked by flows/metadata.py."""
    present = set(vocabularies.objects(None, SKOS.inScheme))
    extra = Graph()
    values = {o for o in data.objects() if isinstance(o, URIRef)}
    for scheme, (base, codes) in STAND_IN_TABLES.items():
        if URIRef(scheme) in present:
            continue
        for value in values:
            if str(value).startswith(base) and str(value).removeprefix(base) in codes:
                extra.add((value, SKOS.inScheme, URIRef(scheme)))
    if URIRef(voc.MUNICIPALITY_KEY_SCHEME) not in present:
        for value in values:
            key = str(value).removeprefix(voc.MUNICIPALITY_KEY_BASE)
            if (str(value).startswith(voc.MUNICIPALITY_KEY_BASE) and key.isdigit()
                    and len(key) == 8 and key[:2] in voc.STATES):
                extra.add((value, SKOS.inScheme, URIRef(voc.MUNICIPALITY_KEY_SCHEME)))
    return extra


def reachable(data: Graph, vocabularies: Graph) -> Graph:
    """The triples of `vocabularies` reachable from a node of `data` along outgoing edges
    (a concept's scheme and labels, a class's superclasses …)."""
    found = Graph()
    todo = [n for n in {*data.subjects(), *data.predicates(), *data.objects()}
            if not isinstance(n, Literal)]
    seen = set(todo)
    while todo:
        node = todo.pop()
        for predicate, value in vocabularies.predicate_objects(node):
            found.add((node, predicate, value))
            for step in (predicate, value):
                if not isinstance(step, Literal) and step not in seen:
                    seen.add(step)
                    todo.append(step)
    return found


def validate(data: Graph, reference: Path | None,
             profile: str = "v20_de_spec_implr") -> list[Finding]:
    """Validate `data`; returns the top-level results (nested sh:detail results are left out).

    Raises:
        ShapesMissingError: no reference folder with the shapes.
    """
    os.environ.pop("PYSHACL_USE_FULL_MIXIN", None)  # the full mix-in crashes with rdflib 7.6
    from pyshacl import validate as run

    if reference is None:
        raise ShapesMissingError
    vocabularies = _vocabularies(reference)
    combined = Graph()
    combined += data
    combined += reachable(data, vocabularies)
    combined += stand_ins(data, vocabularies)
    _conforms, results, _text = run(combined, shacl_graph=_shapes(reference, profile),
                                    inference="none", advanced=True, do_owl_imports=False,
                                    allow_warnings=True)
    return findings(results, data)


def findings(results: Graph, data: Graph) -> list[Finding]:
    nested = set(results.objects(None, SH.detail))
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if result in nested:
            continue
        focus = results.value(result, SH.focusNode)
        if (focus, None, None) not in data and focus not in set(data.objects()):
            continue  # a result about the merged vocabularies, not about our data
        severity = results.value(result, SH.resultSeverity)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        if value is None and path == SKOS.inScheme:
            value = focus  # vocabulary checks run on the value node itself
        found.append(Finding(
            severity="error" if severity == SH.Violation else "warning",
            message=_message(results, result),
            focus=str(focus),
            path=_short(data, path),
            value=str(value or ""),
        ))
    return sorted(found, key=lambda f: (f.severity, f.path, f.message, f.value))


def _message(results: Graph, result: object) -> str:
    messages = list(results.objects(result, SH.resultMessage))
    german = [m for m in messages if isinstance(m, Literal) and m.language == "de"]
    chosen = german or messages
    return str(chosen[0]) if chosen else "Regel verletzt"


def _short(graph: Graph, path: object) -> str:
    if path is None or not isinstance(path, URIRef):
        return ""  # none, or a path expression (alternative/sequence)
    try:
        return graph.namespace_manager.normalizeUri(path)
    except Exception:  # noqa: BLE001 - a path that is not a plain IRI (e.g. a blank node)
        return str(path)
