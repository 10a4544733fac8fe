"""ckanext-kennzahlen: a ckanext-dcat RDF profile for portals kennzahlen publishes to."""
