"""Source adapters: files (delimited CSV, spreadsheets), SQL databases, JSON/HTTP APIs, OParl."""
