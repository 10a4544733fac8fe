"""SQL source: a query or table read through SQLAlchemy, streamed in chunks.

The URL comes from the environment (`url_env`, may contain credentials) or, when that variable
is unset, from the descriptor (`url`, without password) plus `password_env` / `password_block`
(a Prefect Secret block). Neither the
password nor a URL containing it ever appears in provenance, problems or logs.
"""

from __future__ import annotations

from typing import Any

from flows import problems
from flows.errors import ConfigError
from flows.model.secrets import Secrets
from flows.problems import Problem
from flows.specs.datasets import SourceSpec

DEFAULT_CHUNK = 10_000


def read(source: SourceSpec, context: dict[str, Any], secrets: Secrets,
         ) -> tuple[list[str], list[list[Any]], dict[str, Any], list[Problem]]:
    """Run the declared query; returns header, rows, provenance and problems (never raises).

    Args:
        source: the declared source (`url` or `url_env`, `query` or `table`, password options).
        context: dataset, resource and file for problem records.
        secrets: where `url_env`, `password_env` and `password_block` are looked up.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

    options = source.options
    try:
        url, secret = _url(options, secrets)
        shown = make_url(url).render_as_string(hide_password=True)
    except (ValueError, ArgumentError) as exc:
        return [], [], {}, [problems.make("config-error", str(exc), **context)]
    except ConfigError as exc:
        return [], [], {}, [problems.make("config-error", exc.message, **context)]
    query = options.get("query") or f'SELECT * FROM "{options["table"]}"'
    provenance = {"kind": "sql", "location": shown, "query": query}
    try:
        engine = create_engine(url, pool_pre_ping=False)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        return [], [], provenance, [problems.make(
            "config-error", f"Die Datenbank-URL ist ungültig oder ihr Treiber fehlt "
            f"({type(exc).__name__}: {exc}).", **context)]
    rows: list[list[Any]] = []
    try:
        with engine.connect() as connection:
            chunk = int(options.get("chunk_size", DEFAULT_CHUNK))
            result = connection.execution_options(stream_results=True, yield_per=chunk) \
                .execute(text(query))
            header = list(result.keys())
            for partition in result.partitions(chunk):
                rows.extend(list(row) for row in partition)
    except DBAPIError as exc:
        reason = _redact(str(exc.orig).strip().splitlines()[0] if exc.orig else "", secret)
        code = "source-unreachable" if exc.connection_invalidated or _is_connect(exc) \
            else "source-query-error"
        verb = "nicht erreichbar" if code == "source-unreachable" else "lehnt die Abfrage ab"
        return [], [], provenance, [problems.make(
            code, f"Die Datenbank {shown} {verb}: {reason}", **context)]
    except SQLAlchemyError as exc:
        return [], [], provenance, [problems.make(
            "source-query-error", f"Die Datenbankabfrage ist fehlgeschlagen "
            f"({type(exc).__name__}).", **context)]
    finally:
        engine.dispose()
    return header, rows, provenance, []


def _is_connect(exc: Any) -> bool:
    from sqlalchemy.exc import OperationalError

    text = str(exc.orig or "").lower()
    return isinstance(exc, OperationalError) and any(
        word in text for word in ("connect", "password", "authentication", "role", "does not exist",
                                  "unable to open"))


def _url(options: dict[str, Any], secrets: Secrets) -> tuple[str, str]:
    from sqlalchemy.engine import make_url

    if options.get("url_env"):
        name = options["url_env"]
        value = secrets.env(name)
        if value:
            return value, make_url(value).password or ""
        if not options.get("url"):
            raise ValueError(f"Die Umgebungsvariable {name} (Datenbank-URL) ist nicht gesetzt.")
        # else: the declared url is the fallback (e.g. a bundled sample database)
    url = make_url(options["url"])
    if url.password:
        raise ValueError("Die Datenbank-URL in dataset.yaml enthält ein Passwort; bitte "
                         "password_env oder url_env verwenden.")
    secret = ""
    if options.get("password_env"):
        secret = secrets.env(options["password_env"])
        if not secret:
            raise ValueError(f"Die Umgebungsvariable {options['password_env']} (Passwort) ist "
                             "nicht gesetzt.")
    elif options.get("password_block"):
        secret = secrets.block(options["password_block"])
    if secret:
        url = url.set(password=secret)
    return url.render_as_string(hide_password=False), secret


def _redact(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text
