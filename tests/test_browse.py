"""Browsing the catalogue: listings filter by kind, provider, skill and category."""

from __future__ import annotations

from typing import Any

import pytest

from pathplanner.browse import list_resources, list_roles, list_skills
from pathplanner.errors import UnknownNameError
from pathplanner.text import listing_text


def test_resources_filter_and_render(mini: Any) -> None:
    free = list_resources(mini, free=True)
    assert free.ids and all(mini.resources[r].free for r in free.ids)
    docker = list_resources(mini, teaches="docker")
    assert docker.ids and all("docker" in mini.resources[r].teaches for r in docker.ids)
    assert [e["id"] for e in docker.entries()] == docker.ids
    assert docker.to_dict()["kind"] == "resource"
    assert listing_text(docker).startswith("id ")


def test_bad_kind_and_category_name_their_setting(mini: Any) -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'course'") as info:
        list_resources(mini, kind="corse")
    assert info.value.setting == "kind"
    with pytest.raises(UnknownNameError) as cat:
        list_skills(mini, category="zzz-nothing")
    assert cat.value.setting == "category" and "(one of: " in str(cat.value)


def test_roles_listing(mini: Any) -> None:
    listing = list_roles(mini)
    assert listing.ids == list(mini.roles)
    assert "essential" in listing_text(listing)
