"""Declarations turned into typed specs: datasets, rules, plausibility, YAML loading."""
