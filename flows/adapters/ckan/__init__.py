"""The CKAN portal target: transport (`http`), action calls (`client`), DCAT mapping
(`mapping`), retry policy (`retry`), snapshot cache (`snapshots`), stage-then-switch upload
(`upload`), organization and groups (`owners`), and the target composing them (`target`)."""
