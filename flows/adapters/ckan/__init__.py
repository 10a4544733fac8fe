"""The CKAN portal target: HTTP client, DCAT mapping, the target itself."""
