"""The fake Discord refuses components as Discord does ("Components > Reference")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.discord_checks import check_components
from tests.fakes.discord_state import ApiError


def _select(**fields: Any) -> list[dict[str, Any]]:
    options = [{"label": f"n°{i}", "value": str(i)} for i in range(25)]
    return [
        {"type": 1, "components": [{"type": 3, "custom_id": "m", "options": options, **fields}]}
    ]


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        (_select(options=[]), "components.0.components.0.options"),
        (_select(options=[{"label": "x", "value": str(i)} for i in range(26)]), ".options"),
        (_select(options=[{"label": "x" * 101, "value": "v"}]), ".options.0.label"),
        (_select(options=[{"label": "x", "value": "v" * 101}]), ".options.0.value"),
        (_select(custom_id="c" * 101), "components.0.components.0.custom_id"),
        (_select(placeholder="p" * 151), "components.0.components.0.placeholder"),
        (_select(max_values=26), "components.0.components.0.max_values"),
        (
            [{"type": 1, "components": [*_select()[0]["components"], {"type": 2, "style": 1}]}],
            "components.0.components",
        ),
    ],
)
def test_select_menus_are_checked_like_discord(rows: list[dict[str, Any]], where: str) -> None:
    with pytest.raises(ApiError) as refused:
        check_components(rows)
    assert refused.value.code == 50035 and any(where in key for key in refused.value.errors or {})
    check_components(_select(placeholder="p" * 150, min_values=0, max_values=25))
