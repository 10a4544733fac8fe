from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.adapters.local import target
from flows.adapters.local.target import LocalCatalog
from flows.metadata.descriptor import load_catalog
from flows.run import sequence
from flows.specs.members import load_association, load_members
from tests.helpers import MONTHLY, ROOT


def _bundle(project: Path, workdir: Path, name: str = "digitalisierung-kosten"):  # noqa: ANN202
    prepared = sequence.prepare(project, name, workdir)
    assert prepared.bundle is not None
    return prepared.bundle


def test_publish_then_unchanged_without_any_write(tmp_path: Path) -> None:
    catalog = LocalCatalog(tmp_path / "catalog")
    bundle = _bundle(ROOT, tmp_path / "w1")
    assert catalog.publish(bundle).status == "published"
    folder = tmp_path / "catalog" / "digitalisierung-kosten"
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert catalog.publish(_bundle(ROOT, tmp_path / "w2")).status == "unchanged"
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert before == after
    assert oct(folder.stat().st_mode & 0o777) == "0o755"


def test_failed_write_keeps_the_last_good_version(project: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = LocalCatalog(tmp_path / "catalog")
    catalog.publish(_bundle(project, tmp_path / "w1"))
    good = (tmp_path / "catalog/digitalisierung-kosten/kosten.csv").read_bytes()
    source = project / "datapackages/digitalisierung-kosten/source/roadmap-kosten.csv"
    source.write_bytes(source.read_bytes().replace(b"8.183,74", b"9.999,99"))
    changed = _bundle(project, tmp_path / "w2")
    calls = {"n": 0}
    real_place = target._place

    def failing_place(src: Path, dst: Path) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real_place(src, dst)

    monkeypatch.setattr(target, "_place", failing_place)
    with pytest.raises(OSError):
        catalog.publish(changed)
    assert (tmp_path / "catalog/digitalisierung-kosten/kosten.csv").read_bytes() == good
    leftovers = [p.name for p in (tmp_path / "catalog").iterdir() if p.name.startswith(".")]
    assert leftovers == []
    monkeypatch.setattr(target, "_place", real_place)
    assert catalog.publish(changed).status == "published"
    assert b"9999.99" in (tmp_path / "catalog/digitalisierung-kosten/kosten.csv").read_bytes()


@pytest.mark.parametrize("linkable", [True, False], ids=["same-file-system", "across"])
def test_data_files_are_linked_or_copied_with_the_bundles_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linkable: bool) -> None:
    if not linkable:  # another file system: os.link fails with EXDEV
        def refuse(src: Path, dst: Path) -> None:
            raise OSError(18, "Invalid cross-device link")
        monkeypatch.setattr(target.os, "link", refuse)
    bundle = _bundle(ROOT, tmp_path / "w1")
    LocalCatalog(tmp_path / "catalog").publish(bundle)
    for item in bundle.files:
        published = tmp_path / "catalog" / "digitalisierung-kosten" / item.path.name
        assert published.read_bytes() == item.path.read_bytes()
        assert published.samefile(item.path) is linkable
        assert published.stat().st_mode & 0o777 == item.path.stat().st_mode & 0o777


def test_a_swap_interrupted_between_renames_is_recovered(tmp_path: Path) -> None:
    catalog = LocalCatalog(tmp_path / "catalog")
    bundle = _bundle(ROOT, tmp_path / "w1")
    catalog.publish(bundle)
    dest = tmp_path / "catalog" / "digitalisierung-kosten"
    dest.rename(tmp_path / "catalog" / ".old-digitalisierung-kosten")  # crash after first rename
    assert catalog.publish(bundle).status == "unchanged"
    assert (dest / "kosten.csv").is_file()


def test_index_lists_every_dataset_accessibly(tmp_path: Path) -> None:
    catalog = LocalCatalog(tmp_path / "catalog", load_catalog(ROOT))
    for name in ("digitalisierung-kosten", "digitalstrategie-massnahmen"):
        catalog.publish(_bundle(ROOT, tmp_path / name, name))
    catalog.finish()
    page = (tmp_path / "catalog" / "index.html").read_text()
    assert '<html lang="de">' in page and page.count("<h1>") == 1
    assert "<strong>Stadt Musterstadt</strong>" in page  # the municipality in the header
    assert 'href="digitalisierung-kosten/kosten.csv"' in page
    assert 'href="digitalstrategie-massnahmen/massnahmen.xlsx"' in page
    assert "Lizenz: Datenlizenz Deutschland" in page
    assert '<h2 id="thema-0">Regierung und öffentlicher Sektor</h2>' in page
    assert 'href="https://www.musterstadt.example/impressum">Impressum</a>' in page
    records = json.loads((tmp_path / "catalog" / "catalog.json").read_text())
    assert [r["name"] for r in records] == ["digitalisierung-kosten",
                                            "digitalstrategie-massnahmen"]
    assert records[1]["frequency"] == "vierteljährlich"
    assert records[1]["themes"] == ["Regierung und öffentlicher Sektor"]
    assert "member" not in records[0] and 'id="mitglied"' not in page  # no members given
    marker = json.loads((tmp_path / "catalog/digitalisierung-kosten/.kennzahlen.json").read_text())
    assert set(marker["files"]) == {"kosten.csv", "kosten.json", "kosten.xlsx"}
    mtime = (tmp_path / "catalog" / "index.html").stat().st_mtime_ns
    catalog.finish()
    assert (tmp_path / "catalog" / "index.html").stat().st_mtime_ns == mtime


def test_with_members_the_index_filters_by_member_and_pages_name_it(tmp_path: Path) -> None:
    catalog = LocalCatalog(tmp_path / "catalog", load_catalog(ROOT), load_members(ROOT),
                           load_association(ROOT))
    for name in ("digitalisierung-kosten", "bibliothek-ausleihen"):  # association, beispielburg
        catalog.publish(_bundle(ROOT, tmp_path / name, name))
    catalog.finish()
    root = tmp_path / "catalog"
    records = {r["name"]: r for r in json.loads((root / "catalog.json").read_text())}
    assert (records["bibliothek-ausleihen"]["member"],
            records["bibliothek-ausleihen"]["member_name"],
            records["bibliothek-ausleihen"]["publisher"]) == (
        "beispielburg", "Stadt Beispielburg (Beispiel)", "Stadt Beispielburg")
    assert records["digitalisierung-kosten"]["member"] == ""
    page = (root / "index.html").read_text()
    assert ('<label for="mitglied">Mitglied</label><select id="mitglied"><option value="">alle'
            '</option><option value="beispielburg">Stadt Beispielburg (Beispiel)</option>'
            '<option value="-">gemeinsame Datensätze (Stadtverbund Musterland (Beispiel))'
            '</option></select>') in page
    assert "Herausgeber: Stadt Beispielburg · " in page
    for member in ("musterstadt", "beispielburg", "weiterdorf"):
        assert f'href="mitglieder/{member}/catalog.ttl"' in page
        assert (root / "mitglieder" / member / "catalog.ttl").is_file()
    own = (root / "bibliothek-ausleihen" / "index.html").read_text()
    assert ("<dt>Herausgeber</dt><dd>Stadt Beispielburg</dd><dt>Verbund</dt><dd>Stadt "
            "Beispielburg (Beispiel), Mitglied im Stadtverbund Musterland (Beispiel)</dd>") in own
    joint = (root / "digitalisierung-kosten" / "index.html").read_text()
    assert ("<dt>Verbund</dt><dd>gemeinsamer Datensatz aller Mitglieder im Stadtverbund "
            "Musterland (Beispiel)</dd>") in joint


def test_each_dataset_has_a_page_documenting_its_fields(tmp_path: Path) -> None:
    catalog = LocalCatalog(tmp_path / "catalog")
    catalog.publish(_bundle(ROOT, tmp_path / "w", MONTHLY))
    catalog.finish()
    page = (tmp_path / f"catalog/{MONTHLY}/index.html").read_text()
    assert '<html lang="de">' in page and page.count("<h1>") == 1
    assert ('<th scope="row">Anzahl der Fälle<span class="name">anzahl</span></th>'
            "<td>ganze Zahl</td>") in page
    assert "einer von: online, Schalter, Post" in page and "gesperrten Wert" in page
    assert 'href="fallzahlen.csv"' in page and 'href="../index.html"' in page
    assert 'href="fallzahlen.xlsx"' in page
    index = (tmp_path / "catalog/index.html").read_text()
    assert f'href="{MONTHLY}/index.html"' in index
    # without catalog.yaml the legal links are named as missing, not left out silently
    assert "Impressum: noch nicht eingetragen (catalog.yaml, site.impressum)" in index


def test_last_published_reads_back_exactly_what_was_published(tmp_path: Path) -> None:
    catalog = LocalCatalog(tmp_path / "catalog")
    bundle = _bundle(ROOT, tmp_path / "w1")
    resource = bundle.dataset.resources[0]
    assert catalog.last_published(bundle.dataset.name, resource) is None
    catalog.publish(bundle)
    table = catalog.last_published(bundle.dataset.name, resource)
    assert table is not None
    with (bundle.directory / resource.path).open(encoding="utf-8", newline="") as handle:
        import csv

        written = list(csv.reader(handle))
    assert [table.fields, *table.rows] == written
    # while another run swaps the folder, the previous version is still readable, and reading
    # does not touch the swap
    folder = tmp_path / "catalog" / bundle.dataset.name
    folder.rename(tmp_path / "catalog" / f".old-{bundle.dataset.name}")
    again = catalog.last_published(bundle.dataset.name, resource)
    assert again is not None and again.rows == table.rows
    assert not folder.exists()


def test_the_catalog_rdf_is_built_again_only_when_something_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.metadata import dcat
    from flows.metadata.descriptor import load_catalog

    catalog = LocalCatalog(tmp_path / "catalog", load_catalog(ROOT))
    catalog.publish(_bundle(ROOT, tmp_path / "w1"))
    catalog.finish()
    turtle = tmp_path / "catalog" / "catalog.ttl"
    assert "digitalisierung-kosten" in turtle.read_text(encoding="utf-8")
    built = []
    real = dcat.catalog_graph
    monkeypatch.setattr(dcat, "catalog_graph", lambda *a: built.append(1) or real(*a))
    catalog.finish()
    assert built == []  # nothing changed: not built again
    turtle.write_text("# verändert\n", encoding="utf-8")
    catalog.finish()
    assert built == [1] and "digitalisierung-kosten" in turtle.read_text(encoding="utf-8")
    catalog.publish(_bundle(ROOT, tmp_path / "w2", "digitalstrategie-massnahmen"))
    before = len(built)
    catalog.finish()
    assert len(built) == before + 1
    assert "digitalstrategie-massnahmen" in turtle.read_text(encoding="utf-8")
