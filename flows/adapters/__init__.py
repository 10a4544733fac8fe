"""The I/O boundary: publishing targets (local catalog, CKAN)."""
