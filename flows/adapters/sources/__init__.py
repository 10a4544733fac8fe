"""Source adapters for databases and web APIs; file sources live in flows/stages/collect.py."""
