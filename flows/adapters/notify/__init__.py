"""Delivering staff notifications: e-mail by SMTP (`smtp`) and JSON to a webhook (`webhook`)."""
