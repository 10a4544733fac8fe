"""Two runs at once (several workers) may both find a theme group missing: the one whose create
the portal rejects because the other just created it goes on; any other rejection stays an
error. The real race runs in tests/integration/test_work_pool.py."""

from __future__ import annotations

from typing import Any

import ckanapi
import pytest

from flows.adapters.ckan.owners import ensure_groups
from flows.errors import PipelineError


class Portal:
    """A call that says: the group is missing, then the create is rejected."""

    def __init__(self, exists_after_create: bool) -> None:
        self.exists_after_create, self.calls = exists_after_create, []

    def __call__(self, action: str, slug: str, **data: Any) -> dict[str, Any]:
        self.calls.append(action)
        if action == "group_create":
            raise PipelineError("Das Portal hat 'group_create' abgelehnt.", dataset=slug)
        if self.calls.count("group_show") == 1 or not self.exists_after_create:
            raise ckanapi.NotFound()
        return {"name": data["id"]}


def test_a_group_another_run_just_created_is_taken() -> None:
    portal = Portal(exists_after_create=True)
    ensure_groups(portal, [{"name": "gove"}], "d")
    assert portal.calls == ["group_show", "group_create", "group_show"]


def test_a_rejected_create_of_a_group_that_still_is_missing_is_an_error() -> None:
    with pytest.raises(PipelineError, match="group_create"):
        ensure_groups(Portal(exists_after_create=False), [{"name": "gove"}], "d")
