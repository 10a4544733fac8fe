"""DCAT-AP.de metadata: descriptor completion, RDF graph, SHACL, MQA, vocabularies and
reference data."""
