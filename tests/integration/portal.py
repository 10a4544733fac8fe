"""Helpers for tests against the real CKAN."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import requests
import yaml

from flows.adapters.ckan.target import CkanTarget
from flows.run import sequence
from flows.specs import harmonised
from flows.specs.members import load_members

_serial = itertools.count(1)
REPORT = ("fortschrittsbericht-html", "fortschrittsbericht-pdf")
"""The progress report's resources of a measures plan (flows/run/progress.py)."""


class Recording(CkanTarget):
    """The real target, remembering which actions it called."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.actions: list[str] = []

    def call(self, action: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        self.actions.append(action)
        return super().call(action, *args, **kwargs)

    def _download(self, url: str, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.actions.append("download")
        super()._download(url, *args, **kwargs)


def ckan_target(portal: dict[str, str], token_key: str = "CKAN_API_TOKEN") -> Recording:
    return Recording(portal["CKAN_URL"], portal[token_key], timeout=30)


def own_copy(project: Path, base: str, org: str | None = None) -> str:
    """A renamed copy of a shipped dataset, so each test starts with its own portal dataset. A
    member's part of a harmonised key figure becomes a dataset of its own (the member's
    declaration); a combined one keeps its members, `<copy>-<member>` (see `in_run_order`)."""
    name = f"{base}-t{next(_serial)}-{os.getpid()}"
    origin = harmonised.find(project / "datapackages", base)
    assert origin is not None, base
    shutil.copytree(origin.folder, project / "datapackages" / name)
    descriptor_path = project / "datapackages" / name / "datapackage.yaml"
    internal_path = project / "datapackages" / name / "dataset.yaml"
    descriptor = yaml.safe_load(descriptor_path.read_text())
    internal = yaml.safe_load(internal_path.read_text())
    if origin.member:
        place = load_members(project)[origin.member].place
        descriptor = harmonised.member_descriptor(descriptor, origin.member, place)
        internal = harmonised.member_internal(internal, origin.member)
    descriptor["name"] = name
    if org:
        internal.pop("member", None)  # a dataset of its own organisation
        internal.setdefault("ckan", {})["owner_org"] = org
    descriptor_path.write_text(yaml.safe_dump(descriptor, allow_unicode=True))
    internal_path.write_text(yaml.safe_dump(internal, allow_unicode=True))
    return name


def in_run_order(project: Path, names: list[str]) -> list[str]:
    """`names` with the members of every combined dataset among them just before it (only
    what they published goes into the combined table)."""
    ordered: list[str] = []
    for name in names:
        origin = harmonised.find(project / "datapackages", name)
        ordered += [f"{name}-{m}" for m in (origin.parts if origin else ())] + [name]
    return ordered


def publish(project: Path, name: str, target: CkanTarget, workdir: Path):  # noqa: ANN202
    return sequence.process(project, name, [target], workdir)


def download(url: str, token: str) -> bytes:
    response = requests.get(url, headers={"Authorization": token}, timeout=30)
    response.raise_for_status()
    return response.content
