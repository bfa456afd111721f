"""A card whose `license` is only blanks states no license, as `license: ""` does: UNKNOWN, with
the card's usual note. It was passed on as a license expression and refused as
`artifacts[0].license: empty license expression`, an error that named no file or line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("bundled_kb")

sys.path.insert(0, str(Path(__file__).parent))
from conftest import write_card as card  # noqa: E402


@pytest.mark.parametrize("value", ['" "', '"\\t"', '"  \\n "', '""'])
def test_a_blank_card_license_states_no_license(can_i, tmp_path, value):
    doc = can_i("use", card(tmp_path, "m", f"license: {value}"), "--commercial", "--json", "--no-remedies").json()
    assert doc["status"] == "unknown", doc
    assert any("states no license" in n["message"] for n in doc["notes"]), doc["notes"]
