"""The embedded default target: a static catalog folder with HTML pages."""
