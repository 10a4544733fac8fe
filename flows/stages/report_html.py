"""German HTML pages for staff: one per dataset and run, and a run overview linking them.

Plain, accessible HTML without JavaScript: `lang="de"`, one `h1`, headings in order, tables with
captions and header cells, colours with sufficient contrast and never the only carrier of
meaning. Messages come from the problem records, which never hold a flagged value or a secret.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from flows.problems import problem_type
from flows.stages.report import OK_STATUSES, STATUS_DE, DatasetResult, RunSummary

EXAMPLES = 20
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; background: #fff; line-height: 1.5; }
a { color: #0b4f9c; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid #767676; padding: .3rem .6rem; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: bold; }
.verdict { border-left: .4rem solid #1a1a1a; padding: .5rem 1rem; background: #f2f2f2; }
.ok { border-color: #1e6b2e; } .bad { border-color: #a4161a; }
"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<main>\n{body}\n</main>\n</body>\n</html>\n")


def _table(caption: str, headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                     for row in rows)
    return (f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
            f"<tbody>\n{body}\n</tbody>\n</table>")


def dataset_page(result: DatasetResult) -> str:
    """The report of one dataset: verdict first, then what was read and every problem kind."""
    ok = result.status in OK_STATUSES
    verdict = STATUS_DE.get(result.status, result.status)
    parts = [f"<h1>Prüfbericht: {escape(result.title or result.name)}</h1>",
             f'<p class="verdict {"ok" if ok else "bad"}"><strong>Ergebnis: {escape(verdict)}.'
             f"</strong> {escape(result.reason)}</p>"]
    rows = [[name, count, result.protection.get(name, {}).get("suppressed_primary", 0)
             + result.protection.get(name, {}).get("suppressed_secondary", 0)]
            for name, count in result.rows.items()]
    parts += ["<h2>Überblick</h2>",
              _table("Gelesene Daten je Ressource", ["Ressource", "Zeilen", "Gesperrte Werte"],
                     rows)]
    sources = [[name, p.get("kind", ""), p.get("file") or p.get("location", ""),
                p.get("fetched_at", "")] for name, p in result.provenance.items()]
    if sources:
        parts.append(_table("Herkunft der Daten", ["Ressource", "Art", "Quelle", "Gelesen am"],
                            sources))
    quality = result.metadata_quality
    if quality:
        parts += ["<h2>Metadatenqualität</h2>",
                  f"<p>{quality['score']} von {quality['max']} Punkten nach der Metadaten-"
                  f"Qualitätsbewertung (MQA) von data.europa.eu: <strong>{escape(quality['rating'])}"
                  "</strong> (ab 351 ausgezeichnet, ab 221 gut, ab 121 ausreichend).</p>",
                  _table("Punkte je Bereich", ["Bereich", "Punkte", "Höchstens"],
                         [[d["name"], d["points"], d["max"]] for d in quality["dimensions"]])]
        if quality["missing"]:
            parts.append(_table("Was Punkte kostet", ["Kriterium", "Bereich", "Punkte"],
                                [[m["criterion"], m.get("dimension", ""), m["points"]]
                                 for m in quality["missing"]]))
    counts = Counter(p.code for p in result.problems)
    parts.append("<h2>Probleme</h2>")
    if not counts:
        parts.append("<p>Keine Probleme gefunden.</p>")
    for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        title, hint = _describe(code)
        found = [p for p in result.problems if p.code == code]
        kind = {"warning": "Warnung", "info": "Hinweis"}.get(found[0].severity, "Fehler")
        parts += [f"<h3>{escape(title)} ({count}, {kind})</h3>",
                  f"<p><strong>Was tun?</strong> {escape(hint)}</p>",
                  _table(f"Die ersten Fälle ({min(count, EXAMPLES)} von {count})",
                         ["Zeile", "Feld", "Datei", "Meldung"],
                         [[p.row or "", p.field or "", p.file or "", p.message]
                          for p in found[:EXAMPLES]])]
    return _page(f"Prüfbericht {result.title or result.name}", "\n".join(parts))


def run_page(summary: RunSummary) -> str:
    """The overview of a run, linking every dataset's page."""
    counts = ", ".join(f"{n} {STATUS_DE.get(s, s)}" for s, n in summary.counts().items())
    rows = "\n".join(
        f'<tr><th scope="row"><a href="{escape(r.name)}.html">{escape(r.title or r.name)}</a>'
        f"</th><td>{escape(STATUS_DE.get(r.status, r.status))}</td><td>{len(r.errors)}</td>"
        f"<td>{len(r.problems) - len(r.errors)}</td><td>{escape(r.reason)}</td></tr>"
        for r in summary.results)
    body = (f"<h1>Lauf vom {escape(summary.started_at)}</h1>\n"
            f'<p class="verdict {"ok" if summary.ok else "bad"}"><strong>{escape(counts)}'
            f"</strong>. Ziele: {escape(', '.join(summary.targets) or 'nur Prüfung')}.</p>\n"
            "<table>\n<caption>Datensätze dieses Laufs</caption>\n<thead><tr>"
            '<th scope="col">Datensatz</th><th scope="col">Ergebnis</th>'
            '<th scope="col">Fehler</th><th scope="col">Warnungen</th>'
            f'<th scope="col">Grund</th></tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>')
    return _page(f"Lauf {summary.run_id}", body)


def _describe(code: str) -> tuple[str, str]:
    try:
        ptype = problem_type(code)
    except KeyError:
        return code, ""
    return ptype.title, ptype.hint
