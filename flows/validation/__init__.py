"""The columnar Table Schema validator and its parts (the stage is flows/stages/validate.py)."""
