"""The RDF profile `kennzahlen`, run after ckanext-dcat's `euro_dcat_ap_2`.

What the stock profile leaves out or states differently from the local catalog
(flows/metadata/dcat.py):

- the DCAT-AP.de properties kennzahlen keeps in extras and resource fields (the ones GovData's
  ckanext-dcatde reads): dcatde:contributorID, dcatde:politicalGeocodingURI,
  dcatde:politicalGeocodingLevelURI, dct:references (the Musterdatensatz) and, per file,
  dcatde:licenseAttributionByText;
- dcat:mediaType: CKAN serves a resource's `mimetype` as the download's Content-Type, so it holds
  the bare type (`text/csv`); euro_dcat_ap_2 then writes a literal, while DCAT-AP 2.1.1 asks for
  the IANA IRI (a dct:MediaType). This profile states the IRI.
- dcat:byteSize: one lexical form, the integer ("1617"), not the decimal "1617.0".
- dct:license: the licence node gets its title from the portal's licence register (where the
  licence URI is the register entry's id or url), and loses the placeholder licence type
  `UnknownIPR` euro_dcat_ap_2 adds to every licence.

Enable it with `ckanext.dcat.rdf.profiles = euro_dcat_ap_2 kennzahlen` (scripts/ckan-dev does).
"""

from __future__ import annotations

import json
from typing import Any

from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.utils import resource_uri
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

IANA = "https://www.iana.org/assignments/media-types/"
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
LIST_EXTRAS = (("contributorID", DCATDE.contributorID),
               ("politicalGeocodingURI", DCATDE.politicalGeocodingURI),
               ("references", DCTERMS.references))
"""Extras holding a JSON list of URIs, and the property each becomes."""
UNKNOWN_IPR = URIRef("http://purl.org/adms/licencetype/UnknownIPR")


class KennzahlenProfile(RDFProfile):
    """Media type IRIs, integer byte sizes and titled licences (see the module docstring)."""

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> dict[str, Any]:
        return dataset_dict

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        self._dcatde(dataset_dict, dataset_ref)
        titles = _licence_titles()
        for distribution in list(self.g.objects(dataset_ref, DCAT.distribution)):
            self._media_type(distribution)
            self._byte_size(distribution)
            for licence in list(self.g.objects(distribution, DCTERMS.license)):
                self.g.remove((licence, DCTERMS.type, UNKNOWN_IPR))
                title = titles.get(str(licence))
                if title and (licence, DCTERMS.title, None) not in self.g:
                    self.g.add((licence, DCTERMS.title, Literal(title, lang="de")))

    def _dcatde(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        self.g.bind("dcatde", DCATDE)
        extras = {e.get("key"): e.get("value") for e in dataset_dict.get("extras") or []}
        for key, predicate in LIST_EXTRAS:
            try:
                uris = json.loads(extras.get(key) or "[]")
            except ValueError:
                uris = [extras[key]]
            for uri in uris if isinstance(uris, list) else [uris]:
                self.g.add((dataset_ref, predicate, URIRef(str(uri))))
        if extras.get("politicalGeocodingLevelURI"):
            self.g.add((dataset_ref, DCATDE.politicalGeocodingLevelURI,
                        URIRef(extras["politicalGeocodingLevelURI"])))
        for resource in dataset_dict.get("resources") or []:
            text = resource.get("licenseAttributionByText")
            if text:
                self.g.add((URIRef(resource_uri(resource)), DCATDE.licenseAttributionByText,
                            Literal(text)))

    def _media_type(self, distribution: Any) -> None:
        for media in list(self.g.objects(distribution, DCAT.mediaType)):
            if isinstance(media, Literal) and "/" in str(media):
                iri = URIRef(IANA + str(media).strip())
                self.g.remove((distribution, DCAT.mediaType, media))
                self.g.add((distribution, DCAT.mediaType, iri))
                self.g.add((iri, RDF.type, DCTERMS.MediaType))

    def _byte_size(self, distribution: Any) -> None:
        for size in list(self.g.objects(distribution, DCAT.byteSize)):
            try:
                whole = int(size.toPython())
            except (TypeError, ValueError):
                continue
            if whole == size.toPython():
                self.g.remove((distribution, DCAT.byteSize, size))
                self.g.add((distribution, DCAT.byteSize,
                            Literal(str(whole), datatype=XSD.decimal, normalize=False)))


def _licence_titles() -> dict[str, str]:
    """Licence URI (register id or url) → title, from CKAN's licence register."""
    from ckan.model.license import LicenseRegister

    titles: dict[str, str] = {}
    for licence_id, licence in LicenseRegister().items():
        for key in (licence_id, licence.url):
            if key:
                titles[str(key)] = licence.title
    return titles
