"""Hostile review (review3) of `can-i audit`, cards as they are, the typer-free entry and the
engine: each test is a defect found, fixed where it belongs."""

import json
from pathlib import Path

import pytest

from reasoner import audit
from reasoner.audit import Card, audit_cards
from reasoner.profile import Profile


def rows_by_id(report):
    return {row["id"]: row for row in report.rows}


def test_a_profile_grant_for_one_model_does_not_clear_another_of_its_shape():
    # Two models of one shape (their own CC-BY-NC-4.0), a profile granting the first only:
    # the audit answered the shape once, with the grant, and renamed the YES to the second.
    cards = [Card("orga/m", "x.jsonl", 1, {"license": "cc-by-nc-4.0"}),
             Card("orgb/m", "x.jsonl", 2, {"license": "cc-by-nc-4.0"})]
    profile = Profile(facts={"commercial": True, "grants": ["cc-by-nc-4.0:orga/m"]}, source="profile /p/can-i.toml")
    for order in (cards, cards[::-1]):
        rows = rows_by_id(audit_cards(order, profile=profile))
        assert rows["orga/m"]["use_status"] == "permitted"
        assert rows["orgb/m"]["use_status"] == "forbidden"
