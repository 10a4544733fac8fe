"""The controlled vocabularies of DCAT-AP.de that metadata is checked against, as code lists.

Only codes and German labels live here (the public authority tables define them); the full SKOS
files and the SHACL shapes are reference data that `kennzahlen reference download` fetches (see
flows/reference.py). Every list names the authority table its URIs belong to.
"""

from __future__ import annotations

DCATDE = "http://dcat-ap.de/def/"
EU = "http://publications.europa.eu/resource/authority/"

LICENCE_BASE = f"{DCATDE}licenses/"
LICENCES = {  # the active entries of http://dcat-ap.de/def/licenses/ with their skos:prefLabel
    # (exactly: GovData's licence register has the same titles, and ckanext-dcat finds a licence
    # in a register by URL or title)
    "dl-by-de/2.0": "Datenlizenz Deutschland Namensnennung 2.0",
    "dl-zero-de/2.0": "Datenlizenz Deutschland – Zero – Version 2.0",
    "dl-by-de/1.0": "Datenlizenz Deutschland Namensnennung 1.0",
    "dl-by-nc-de/1.0": "Datenlizenz Deutschland Namensnennung nicht-kommerziell 1.0",
    "cc-by/4.0": "Creative Commons Namensnennung – 4.0 International (CC BY 4.0)",
    "cc-by-sa/4.0": "Creative Commons Namensnennung - Weitergabe unter gleichen Bedingungen 4.0 "
                    "International (CC-BY-SA 4.0)",
    "cc-by-nd/4.0": "Creative Commons Namensnennung - - Keine Bearbeitung 4.0 International "
                    "(CC BY-ND 4.0)",
    "cc-by-nc/4.0": "Creative Commons Namensnennung - Nicht kommerziell 4.0 International "
                    "(CC BY-NC 4.0)",
    "cc-by-de/3.0": "Creative Commons Namensnennung 3.0 Deutschland (CC BY 3.0 DE)",
    "cc-by-sa-de/3.0": "Creative Commons Namensnennung - Weitergabe unter gleichen Bedingungen "
                       "3.0 Deutschland (CC BY-SA 3.0 DE)",
    "cc-by-nd/3.0": "Creative Commons Namensnennung -- Keine Bearbeitung 3.0 Unported "
                    "(CC BY-ND 3.0)",
    "cc-by-nc-de/3.0": "Creative Commons Namensnennung-Nicht kommerziell 3.0 Deutschland "
                       "(CC BY-NC 3.0 DE)",
    "cc-zero": "Creative Commons CC Zero License (cc-zero)",
    "ccpdm/1.0": "Public Domain Mark 1.0 (PDM)",
    "odbl": "Open Data Commons Open Database License (ODbL)",
    "odby": "Open Data Commons Attribution License (ODC-BY 1.0)",
    "odcpddl": "Open Data Commons Public Domain Dedication and Licence (ODC PDDL)",
    "officialWork": "Amtliches Werk, lizenzfrei nach §5 Abs. 1 UrhG",
    "other-open": "Andere offene Lizenz",
}
ATTRIBUTION_LICENCES = {"dl-by-de/2.0", "dl-by-de/1.0", "dl-by-nc-de/1.0", "cc-by/4.0",
                        "cc-by-sa/4.0", "cc-by-nd/4.0", "cc-by-nc/4.0", "cc-by-de/3.0",
                        "cc-by-sa-de/3.0", "cc-by-nd/3.0", "cc-by-nc-de/3.0", "odby"}
"""Licences that require naming the source (dcatde:licenseAttributionByText, K35)."""

THEME_BASE = f"{EU}data-theme/"
THEMES = {
    "AGRI": "Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel",
    "ECON": "Wirtschaft und Finanzen", "EDUC": "Bildung, Kultur und Sport", "ENER": "Energie",
    "ENVI": "Umwelt", "GOVE": "Regierung und öffentlicher Sektor", "HEAL": "Gesundheit",
    "INTR": "Internationale Themen", "JUST": "Justiz, Rechtssystem und öffentliche Sicherheit",
    "REGI": "Regionen und Städte", "SOCI": "Bevölkerung und Gesellschaft",
    "TECH": "Wissenschaft und Technologie", "TRAN": "Verkehr",
}

FREQUENCY_BASE = f"{EU}frequency/"
FREQUENCIES = {
    "DAILY": "täglich", "WEEKLY": "wöchentlich", "BIWEEKLY": "zweiwöchentlich",
    "MONTHLY": "monatlich", "BIMONTHLY": "zweimonatlich", "QUARTERLY": "vierteljährlich",
    "ANNUAL_2": "halbjährlich", "ANNUAL": "jährlich", "BIENNIAL": "zweijährlich",
    "TRIENNIAL": "dreijährlich", "IRREG": "unregelmäßig", "CONT": "kontinuierlich",
    "UPDATE_CONT": "ständig aktualisiert", "NEVER": "nie", "UNKNOWN": "unbekannt",
}

LANGUAGE_BASE = f"{EU}language/"
LANGUAGES = {"DEU": "Deutsch", "ENG": "Englisch", "FRA": "Französisch", "DAN": "Dänisch",
             "NLD": "Niederländisch", "POL": "Polnisch", "TUR": "Türkisch", "ARA": "Arabisch",
             "RUS": "Russisch", "UKR": "Ukrainisch", "ITA": "Italienisch", "SPA": "Spanisch",
             "MUL": "mehrsprachig"}

ACCESS_RIGHTS_BASE = f"{EU}access-right/"
ACCESS_RIGHTS = {"PUBLIC": "öffentlich", "RESTRICTED": "eingeschränkt",
                 "NON_PUBLIC": "nicht öffentlich"}

FILE_TYPE_BASE = f"{EU}file-type/"
FILE_TYPES = {"csv": "CSV", "json": "JSON", "html": "HTML", "pdf": "PDF"}
"""Our published formats → EU file-type codes (HTML and PDF: the progress report)."""
NON_PROPRIETARY = {"CSV", "JSON", "GEOJSON", "XML", "ODS", "RDF_TURTLE", "RDF_XML", "TSV", "TXT"}
MACHINE_READABLE = {"CSV", "JSON", "GEOJSON", "XML", "ODS", "XLSX", "RDF_TURTLE", "RDF_XML", "TSV"}
IANA_BASE = "https://www.iana.org/assignments/media-types/"
AVAILABILITY_BASE = f"{EU}planned-availability/"

PUBLISHER_TYPE_BASE = "http://purl.org/adms/publishertype/"
PUBLISHER_TYPE_SCHEME = "http://purl.org/adms/publishertype/1.0"
PUBLISHER_TYPES = {"LocalAuthority": "Kommune", "RegionalAuthority": "Land",
                   "NationalAuthority": "Bund", "SupraNationalAuthority": "überstaatlich"}
"""The subset DCAT-AP.de allows (Konventionenhandbuch K37)."""

LEVEL_BASE = f"{DCATDE}politicalGeocoding/Level/"
LEVEL_SCHEME = f"{DCATDE}politicalGeocoding/Level"
LEVELS = {"international": "international", "european": "europäisch", "federal": "Bund",
          "state": "Land", "administrativeDistrict": "Kreis", "municipality": "Gemeinde"}
MUNICIPALITY_KEY_BASE = f"{DCATDE}politicalGeocoding/municipalityKey/"
MUNICIPALITY_KEY_SCHEME = f"{DCATDE}politicalGeocoding/municipalityKey"
STATES = {f"{n:02d}" for n in range(1, 17)}
"""The first two digits of an AGS are the state (01 Schleswig-Holstein … 16 Thüringen)."""

CONTRIBUTOR_BASE = f"{DCATDE}contributors/"
MUSTERDATENSATZ_BASE = "https://musterdatenkatalog.de/def/musterdatensatz/"


def licence_register() -> list[dict[str, str]]:
    """The dcat-ap.de licences as a CKAN licence register (`licenses_group_url`).

    The id is the licence URI, as in GovData's register, so `license_id` means the same on both
    portals; `url` is the URI too, because ckanext-dcat finds a harvested dataset's licence by the
    register's url (or title), and the title is the German label the RDF gives the licence node.
    """
    return [{"id": LICENCE_BASE + code, "title": title, "url": LICENCE_BASE + code,
             "status": "active", "od_conformance": "approved", "osd_conformance": "not reviewed"}
            for code, title in sorted(LICENCES.items())]
