"""Prefect-free wiring: the per-dataset sequence, a batch of datasets, streaming, approval,
locks, validation cache, targets."""
