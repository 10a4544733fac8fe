"""Credentials handed down from settings: read once, never shown."""

from __future__ import annotations

import pytest

from flows.errors import ConfigError
from flows.model.secrets import Secrets, redact
from flows.settings import Settings


def test_a_block_is_loaded_once_and_its_value_never_shown() -> None:
    calls: list[str] = []

    def load(name: str) -> str:
        calls.append(name)
        return "s3cr3t-value-from-block"

    secrets = Secrets({"DB_URL": "sqlite://"}, load_block=load)
    assert secrets.block("db-password") == secrets.block("db-password") == "s3cr3t-value-from-block"
    assert calls == ["db-password"]
    assert secrets.env("DB_URL") == "sqlite://" and secrets.env("MISSING") == ""
    assert "s3cr3t" not in repr(secrets)
    assert secrets.values() == ["s3cr3t-value-from-block"]
    assert redact("Fehler mit s3cr3t-value-from-block", secrets.values()) == "Fehler mit ***"


def test_without_a_loader_or_with_a_failing_block_the_error_names_the_block_not_a_value() -> None:
    with pytest.raises(ConfigError, match="'db-password' \\(password_block\\)"):
        Secrets({}).block("db-password")

    def broken(name: str) -> str:
        raise ValueError("no block named db-password with value hunter2")

    with pytest.raises(ConfigError) as raised:
        Secrets({}, load_block=broken).block("db-password")
    assert "hunter2" not in raised.value.message and "ValueError" in raised.value.message


def test_settings_take_the_ckan_token_from_a_block_and_never_show_it(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CKAN_API_TOKEN_BLOCK", "ckan-token")
    settings = Settings.from_env(load_block=lambda name: f"token-of-{name}-0123456789")
    assert settings.token() == "token-of-ckan-token-0123456789"
    assert "0123456789" not in repr(settings)
    with pytest.raises(ConfigError, match="CKAN_API_TOKEN_BLOCK"):
        Settings.from_env().token()


def test_the_smtp_password_comes_from_the_environment_or_a_block_and_is_never_shown(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("KENNZAHLEN_SMTP_HOST", "KENNZAHLEN_SMTP_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    assert Settings.from_env().smtp() is None  # no host: no e-mail
    monkeypatch.setenv("KENNZAHLEN_SMTP_HOST", "mail.musterstadt.example")
    monkeypatch.setenv("KENNZAHLEN_SMTP_PASSWORD_BLOCK", "smtp-password")
    settings = Settings.from_env(load_block=lambda name: f"pw-of-{name}-0123456789")
    server = settings.smtp()
    assert server is not None and server.password == "pw-of-smtp-password-0123456789"
    assert (server.host, server.port, server.security) == ("mail.musterstadt.example", 587,
                                                           "starttls")
    assert "0123456789" not in repr(settings) + repr(server)
    assert "pw-of-smtp-password-0123456789" in settings.credentials()
    monkeypatch.setenv("KENNZAHLEN_SMTP_PASSWORD", "aus-der-umgebung-42")
    assert Settings.from_env().smtp().password == "aus-der-umgebung-42"
    monkeypatch.setenv("KENNZAHLEN_SMTP_SECURITY", "tls13")
    with pytest.raises(ConfigError, match="KENNZAHLEN_SMTP_SECURITY"):
        Settings.from_env()
