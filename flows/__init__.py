"""kennzahlen: publish the key figures of a municipal administration as open data."""

__version__ = "0.1.0"
