"""Pure, Prefect-free stage modules: collect, transform, validate, publish, report."""
