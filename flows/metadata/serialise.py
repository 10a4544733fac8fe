"""RDF files that change only when their graph changes: one text per graph, one lexical form.

rdflib names blank nodes at random and writes triples in the order its store holds them, so the
same graph serialised twice gives two RDF/XML files, and a catalog would be rewritten every night.
Here blank nodes are named by their content (`rdflib.compare.to_canonical_graph`), triples are
added in sorted order, and Turtle writes a decimal in the lexical form RDF/XML has ("1617", not
Turtle's short form 1617.0), so both files say the same and an unchanged graph gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rdflib import Graph, Literal
from rdflib.compare import to_canonical_graph
from rdflib.namespace import XSD
from rdflib.plugin import Serializer, register
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

FORMATS = {"ttl": "kennzahlen-turtle", "rdf": "pretty-xml"}
"""File suffix → rdflib serialiser."""


class _Turtle(TurtleSerializer):
    """Turtle with decimals as typed literals in their own lexical form."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype == XSD.decimal:
            return node._literal_n3(use_plain=False,
                                    qname_callback=lambda dt: self.get_pname(dt, True))
        return super().label(node, position)


register(FORMATS["ttl"], Serializer, __name__, "_Turtle")


class _Sorted(Graph):
    """A graph that answers every pattern in sorted order (the serialisers walk it by pattern)."""

    def triples(self, triple: Any) -> Iterator[Any]:  # type: ignore[override]
        yield from sorted(super().triples(triple))


def canonical(graph: Graph) -> Graph:
    """The same graph with content-named blank nodes, answering in sorted order."""
    result = _Sorted()
    for prefix, namespace in graph.namespaces():
        result.bind(prefix, namespace, override=True, replace=True)
    for triple in sorted(to_canonical_graph(graph)):
        result.add(triple)
    return result


def serialise(graph: Graph, suffix: str) -> str:
    """The graph as the text of a `.ttl` or `.rdf` file, the same text for the same graph."""
    text = canonical(graph).serialize(format=FORMATS[suffix])
    if suffix != "rdf":
        return text
    # RDF/XML declares its namespaces in the order of a set: sort those lines of the header
    head, rest = text.split("\n>\n", 1)
    first, *declarations = head.split("\n")
    opening = [line for line in declarations if not line.startswith("  xmlns:")]
    names = sorted(line for line in declarations if line.startswith("  xmlns:"))
    return "\n".join([first, *opening, *names]) + "\n>\n" + rest
