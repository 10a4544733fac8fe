"""The organization and the theme groups a dataset belongs to, created in the portal if missing.

CKAN refuses a dataset whose organization (`owner_org`) or groups do not exist. Organizations
are created only when the target is allowed to (else the message says what to fix), with the
title and the publisher of the dataset (in an association of municipalities: one organization
per member, describing that member); the EU theme groups are created under the names GovData
uses, titled from the vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckanapi

from flows.errors import NotAuthorizedError, PipelineError, TerminalError
from flows.metadata import vocabularies as voc
from flows.model.bundle import Bundle

ActionCall = Callable[..., Any]
"""`call(action, dataset, files=None, **data)`, as `CkanTarget.call`."""


def ensure_organization(call: ActionCall, bundle: Bundle, *, create: bool) -> None:
    """Make sure the bundle's organization exists in the portal.

    Args:
        call: One CKAN action call (`CkanTarget.call`).
        bundle: The bundle whose `dataset.owner_org` is needed.
        create: Create the organization if it is missing.

    Raises:
        TerminalError: it is missing and `create` is false.
        NotAuthorizedError: it is missing and this account may not create it.
    """
    name, slug = bundle.dataset.owner_org, bundle.dataset.name
    if _exists(call, "organization", slug, name):
        return
    if not create:
        raise TerminalError(
            f"Die Organisation '{name}' gibt es im Portal nicht. Bitte dort anlegen oder "
            "ckan.owner_org in dataset.yaml (bei einem Mitglied: in datapackages/catalog.yaml) "
            "korrigieren.", dataset=slug,
        )
    _create(call, "organization", slug, name,
            f"Die Organisation '{name}' gibt es im Portal nicht, und dieses Konto darf sie "
            "nicht anlegen. Bitte im Portal anlegen lassen.",
            title=bundle.dataset.organization_title, **organization_fields(bundle))


def _exists(call: ActionCall, kind: str, slug: str, name: str) -> bool:
    """Whether the organization or group (`kind`) `name` exists in the portal."""
    try:
        call(f"{kind}_show", slug, id=name, include_datasets=False)
    except ckanapi.NotFound:
        return False
    return True


def _create(call: ActionCall, kind: str, slug: str, name: str, refused: str,
            **fields: Any) -> None:
    """Create the organization or group (`kind`) `name`. A create that fails because another
    run (on another worker) made it just now is no error; `refused` is the message when this
    account may not create it."""
    try:
        call(f"{kind}_create", slug, name=name, **fields)
    except NotAuthorizedError:
        if not _exists(call, kind, slug, name):
            raise NotAuthorizedError(refused, dataset=slug) from None
    except PipelineError:
        if not _exists(call, kind, slug, name):
            raise


def organization_fields(bundle: Bundle) -> dict[str, Any]:
    """What a new organization says of its publisher: a description and the publisher's name,
    URI and ADMS type (and the AGS of a municipality) as extras, taken from the bundle's
    metadata, so the organization of a member of an association describes that member."""
    block = bundle.descriptor.get("dcat") or {}
    publisher = block.get("publisher") or {}
    extras = {"publisher_name": publisher.get("name"), "publisher_uri": publisher.get("uri"),
              "publisher_type": voc.PUBLISHER_TYPE_BASE + publisher["type"]
              if publisher.get("type") else None,
              "political_geocoding_uri": voc.MUNICIPALITY_KEY_BASE + str(block["ags"])
              if block.get("ags") else None}
    name = publisher.get("name") or bundle.dataset.organization_title
    where = f" ({block['place']})" if block.get("place") else ""
    return {"description": f"Offene Kennzahlen der Verwaltung, herausgegeben von {name}{where}.",
            "extras": [{"key": k, "value": str(v)} for k, v in extras.items() if v]}


def ensure_groups(call: ActionCall, wanted: list[dict[str, str]], slug: str) -> None:
    """Create the EU theme groups (as GovData names them) that the portal lacks.

    Args:
        call: One CKAN action call (`CkanTarget.call`).
        wanted: The dataset's groups, each with its `name`.
        slug: The dataset (named in errors).

    Raises:
        NotAuthorizedError: a group is missing and this account may not create it.
    """
    for group in wanted:
        if _exists(call, "group", slug, group["name"]):
            continue
        title = voc.THEMES.get(group["name"].upper(), group["name"])
        _create(call, "group", slug, group["name"],
                f"Die Themengruppe '{group['name']}' ({title}) gibt es im Portal nicht, und "
                "dieses Konto darf sie nicht anlegen. Bitte im Portal anlegen lassen.",
                title=title)
