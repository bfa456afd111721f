"""Semantics of the rules, on small licenses written for each test."""

from __future__ import annotations

import pytest

from conftest import make_reasoner
from reasoner.errors import RequestError

THRESHOLD = """
license big { name "Big" osi yes
  clause "1" "Grant" { grant all }
  clause "2" "Scale" { needs separate license when mau > 999_999_999_999_999 }
  clause "3" "Revenue" { forbid host when revenue >= 10_000_000_000 }
}
"""


def ask(reasoner, licenses, **use):
    return reasoner.ask({"licenses": licenses, "use": use})


@pytest.mark.parametrize("mau, status", [
    (999_999_999_999_998, "permitted"),
    (999_999_999_999_999, "permitted"),       # "greater than": the threshold itself is allowed
    (1_000_000_000_000_000, "forbidden"),
    (3_000_000_000, "permitted"),
    (0, "permitted"),
])
def test_thresholds_compare_exactly_beyond_32_bits(mau, status):
    r = make_reasoner(THRESHOLD)
    assert ask(r, ["big"], acts=["use"], mau=mau).status == status


@pytest.mark.parametrize("revenue, status", [
    (9_999_999_999, "permitted"), (10_000_000_000, "forbidden"), (10_000_000_001, "forbidden"),
])
def test_at_least_includes_the_threshold(revenue, status):
    r = make_reasoner(THRESHOLD)
    assert ask(r, ["big"], acts=["host"], mau=1, revenue_usd=revenue).status == status


def test_unstated_fact_gives_depends_with_the_deciding_threshold():
    r = make_reasoner(THRESHOLD)
    result = ask(r, ["big"], acts=["host"], revenue_usd=1)
    assert result.status == "depends"
    [decider] = result.depends_on
    assert (decider.fact, decider.op, decider.value, decider.clause) == ("mau", ">", 999_999_999_999_999, "2")
    assert decider.kind == "needs_separate_license"


def test_a_held_grant_lifts_a_separate_license_threshold():
    r = make_reasoner(THRESHOLD)
    assert ask(r, ["big"], acts=["use"], mau=10**16, grants=["big"]).status == "permitted"


def test_unknown_license_is_never_permitted():
    r = make_reasoner(THRESHOLD)
    result = ask(r, ["big", "no-such-license"], acts=["use"], mau=1)
    assert result.status == "unknown"
    assert [x.kind for x in result.reasons] == ["unknown_license"]


def test_forbidden_wins_over_unknown():
    r = make_reasoner(THRESHOLD)
    assert ask(r, ["big", "mystery"], acts=["use"], mau=10**17).status == "forbidden"


def test_acts_without_a_grant_are_not_granted():
    r = make_reasoner('license ro { name "Read only" clause "1" "Grant" { grant use } }')
    result = ask(r, ["ro"], acts=["distribute"])
    assert result.status == "forbidden"
    assert result.reasons[0].kind == "not_granted"
    assert ask(r, ["ro"], acts=["use"]).status == "permitted"


NONCOMMERCIAL = 'license nc { name "NC" clause "2.a" "Grant" { grant all when not commercial } }'


def test_a_conditional_grant_depends_on_its_fact_with_negative_polarity():
    r = make_reasoner(NONCOMMERCIAL)
    result = ask(r, ["nc"], acts=["host"])
    assert result.status == "depends"
    [decider] = result.depends_on
    assert (decider.fact, decider.op, decider.value, decider.kind) == ("commercial", "=", True, "not_granted")
    assert ask(r, ["nc"], acts=["host"], commercial=True).status == "forbidden"
    assert ask(r, ["nc"], acts=["host"], commercial=False).status == "permitted"


FAMILY = """
license fam { name "Fam" family phi terms follow finetune
  clause "1" "Grant" { grant all }
  clause "2" "Outputs" { forbid distill unless "own family": target.family = phi }
  clause "3" "Naming" { follows distilled  must name_prefix "Fam" when derived and distribute }
}
"""


def lineage(relation, family=None, name=None, acts=("distribute",), outbound=None):
    child = {"id": "me/child", "mine": True, "derived_from": [{"id": "up/base", "relation": relation}]}
    if family:
        child["family"] = family
    use = {"acts": list(acts)}
    if name:
        use["name"] = name
    if outbound:
        use["outbound_license"] = outbound
    return {"artifacts": [{"id": "up/base", "license": "fam", "family": "phi"}, child], "use": use}


def test_distillation_into_another_family_is_prohibited_and_into_the_same_is_not():
    r = make_reasoner(FAMILY)
    assert r.ask(lineage("distilled", "other")).status == "forbidden"
    assert r.ask(lineage("distilled", "phi", name="Fam-student")).status == "permitted"
    unknown_family = r.ask(lineage("distilled", None, name="Fam-student"))
    assert unknown_family.status == "depends"
    assert unknown_family.depends_on[0].fact == "target.family"
    assert unknown_family.depends_on[0].op == "!="


def test_a_clause_that_follows_distillation_binds_the_student_without_binding_grants():
    r = make_reasoner(FAMILY)
    result = r.ask(lineage("distilled", "phi", name="Student"))
    assert result.status == "forbidden"
    assert [(x.kind, x.clause) for x in result.reasons] == [("violated_duty", "3")]
    applicable = {(a.artifact, a.license): a for a in result.applicable}
    assert applicable[("me/child", "fam")].scope == "clauses"
    assert applicable[("me/child", "fam")].via == ["up/base"] or applicable[("me/child", "fam")].via == ("up/base",)


def test_name_prefix_matching_is_literal_with_case_and_without_skipping_or_word_boundaries():
    r = make_reasoner(FAMILY)
    assert r.ask(lineage("finetune", "phi", name="Fam_chat-7b")).status == "permitted"
    assert r.ask(lineage("finetune", "phi", name="Family-chat")).status == "permitted"
    assert r.ask(lineage("finetune", "phi", name="fam_chat-7b")).status == "forbidden"
    for shifted in ("-Fam-chat", "_Fam-chat", " Fam-chat"):
        assert r.ask(lineage("finetune", "phi", name=shifted)).status == "forbidden", shifted
    undecided = r.ask(lineage("finetune", "phi"))
    assert undecided.status == "permitted"
    assert any(o.duty == "name_prefix" for o in undecided.obligations)


CONFLICTS = """
license a { name "A" osi no terms follow finetune, merge
  clause "1" "Grant" { grant all }
  clause "2" "Name" { must name_prefix "Alpha" when derived and distribute  relicense forbidden }
  clause "3" "Use" { restricts use  restrict purpose {weapons} }
}
license b { name "B" osi no terms follow finetune, merge
  clause "1" "Grant" { grant all }
  clause "2" "Name" { must name_prefix "Beta" when derived and distribute }
}
license gpl { name "GPL" osi yes terms follow finetune, merge
  clause "1" "Grant" { grant all }
  clause "10" "No further restrictions" { no further restrictions relicense copyleft }
}
license perm { name "Permissive" osi yes terms follow finetune, merge
  clause "1" "Grant" { grant all }
  clause "2" "Relicensing" { relicense allowed }
}
"""


def merged(parents, acts=("distribute",), outbound=None, own=None):
    child = {"id": "me/merge", "mine": True,
             "derived_from": [{"id": p, "relation": "merge"} for p in parents]}
    if own:
        child["license"] = own
    arts = [{"id": p, "license": p} for p in parents] + [child]
    use = {"acts": list(acts)}
    if outbound:
        use["outbound_license"] = outbound
    return {"artifacts": arts, "subject": "me/merge", "use": use}


def test_incompatible_name_prefixes_conflict():
    r = make_reasoner(CONFLICTS)
    result = r.ask(merged(["a", "b"]))
    assert result.status == "forbidden"
    assert {(x.kind, x.license, x.clause) for x in result.reasons} == {("conflict", "a", "2"), ("conflict", "b", "2")}
    assert "Alpha" in result.reasons[0].message and "Beta" in result.reasons[0].message


def test_no_further_restrictions_conflicts_with_use_restrictions():
    r = make_reasoner(CONFLICTS)
    result = r.ask(merged(["a", "gpl"]))
    assert result.status == "forbidden"
    assert {(x.license, x.clause) for x in result.reasons if x.kind == "conflict"} == {("gpl", "10"), ("a", "3")}
    # hosting is not distribution: GPL's terms are not triggered
    assert r.ask(merged(["a", "gpl"], acts=("host",))).status == "permitted"


def test_relicensing_conflicts_only_with_licenses_whose_terms_must_travel():
    r = make_reasoner(CONFLICTS)
    relabelled = r.ask(merged(["a"], outbound="perm"))
    assert relabelled.status == "forbidden"
    assert relabelled.reasons[0].kind == "conflict" and relabelled.reasons[0].clause == "2"
    assert r.ask(merged(["perm"], outbound="gpl")).status == "permitted"
    with pytest.raises(RequestError, match="unknown outbound license `mit`"):  # not in this knowledge base
        r.ask(merged(["perm"], outbound="mit"))


def test_a_permissive_license_beside_inherited_terms_is_no_conflict():
    r = make_reasoner(CONFLICTS)
    result = r.ask(merged(["a"], own="perm"))
    assert result.status == "permitted"
    assert any(o.duty == "name_prefix" and o.license == "a" for o in result.obligations)


def test_relabelling_upstream_does_not_remove_inherited_terms():
    r = make_reasoner(CONFLICTS)
    request = {"artifacts": [
        {"id": "up/a", "license": "a"},
        {"id": "third/party", "license": "perm", "derived_from": [{"id": "up/a", "relation": "finetune"}]},
    ], "use": {"acts": ["use"]}}
    result = r.ask(request)
    assert {(a.artifact, a.license) for a in result.applicable} >= {("third/party", "a"), ("third/party", "perm")}
    assert [k.risk for k in result.risks if k.risk == "relabelled"] == ["relabelled"]


def test_stated_restricted_purpose_is_prohibited_otherwise_a_duty():
    r = make_reasoner(CONFLICTS)
    assert ask(r, ["a"], acts=["use"], purposes=["weapons"]).status == "forbidden"
    result = ask(r, ["a"], acts=["use"], purposes=["research"])
    assert result.status == "permitted"
    assert any(o.duty == "use_restrictions" for o in result.obligations)


def test_or_expressions_pick_the_best_alternative():
    r = make_reasoner(CONFLICTS + NONCOMMERCIAL)
    result = ask(r, ["nc OR perm"], acts=["host"], commercial=True)
    assert result.status == "permitted"
    assert result.choice == {"stack": ["perm"]}


def test_deep_lineage_is_answered_without_recursion_errors():
    r = make_reasoner(CONFLICTS)
    depth = 2000
    arts = [{"id": "m0", "license": "a"}]
    for i in range(1, depth):
        arts.append({"id": f"m{i}", "license": "perm", "derived_from": [{"id": f"m{i-1}", "relation": "finetune"}]})
    result = r.ask({"artifacts": arts, "use": {"acts": ["use"]}})
    assert result.subject == f"m{depth - 1}"
    applicable = {(a.artifact, a.license): a for a in result.applicable}
    assert len(applicable[(f"m{depth-1}", "a")].via) == depth - 1


def test_cached_and_uncached_answers_are_identical():
    cached = make_reasoner(THRESHOLD, cache_size=100)
    fresh = make_reasoner(THRESHOLD, cache_size=0)
    for mau in (5, 6, 999_999_999_999_999, 10**15, 10**15 + 7):
        for r in (cached, cached, fresh):
            pass
        a = ask(cached, ["big"], acts=["host"], mau=mau).to_json()
        b = ask(cached, ["big"], acts=["host"], mau=mau).to_json()
        c = ask(fresh, ["big"], acts=["host"], mau=mau).to_json()
        assert a == b == c


def test_a_small_cache_that_evicts_during_a_batch_gives_the_same_answers():
    requests = [{"licenses": ["big"], "use": {"acts": ["host"], "mau": mau}}
                for mau in (1, 10**16, 5, 10**16 + 1, 10**15, 3)] * 2
    tiny = make_reasoner(THRESHOLD, cache_size=2)
    tiny.ask(requests[0])
    fresh = make_reasoner(THRESHOLD, cache_size=0)
    got = [r.to_json() for r in tiny.ask_many(requests, batch_size=2)]
    assert got == [r.to_json() for r in fresh.ask_many(requests)]


def test_the_users_own_license_binds_recipients_not_the_user():
    r = make_reasoner(NONCOMMERCIAL, CONFLICTS)
    mine = {"artifacts": [{"id": "up", "license": "perm"},
                          {"id": "me/bot", "mine": True, "license": "nc",
                           "derived_from": [{"id": "up", "relation": "finetune"}]}],
            "use": {"acts": ["host", "distribute"], "commercial": True}}
    result = r.ask(mine)
    assert result.status == "permitted", result.reasons
    # A third party's model under the same license does bind the user.
    theirs = {"artifacts": [{"id": "up", "license": "perm"},
                            {"id": "them/bot", "license": "nc", "derived_from": [{"id": "up", "relation": "finetune"}]}],
              "use": {"acts": ["host"], "commercial": True}}
    assert r.ask(theirs).status == "forbidden"


def test_a_clash_between_conditional_naming_duties_depends():
    r = make_reasoner("""
    license ca { name "A" clause "1" "G" { grant all } clause "2" "N" { must name_prefix "Alpha" when commercial } }
    license cb { name "B" clause "1" "G" { grant all } clause "2" "N" { must name_prefix "Beta" when commercial } }
    """)
    assert ask(r, ["ca", "cb"], acts=["distribute"]).status == "depends"
    assert ask(r, ["ca", "cb"], acts=["distribute"], commercial=False).status == "permitted"
    assert ask(r, ["ca", "cb"], acts=["distribute"], commercial=True).status == "forbidden"


def test_a_conditional_use_restriction_with_an_unknown_condition_depends():
    r = make_reasoner('license cr { name "R" clause "1" "G" { grant all } '
                      'clause "3" "AUP" { restrict purpose {weapons} when commercial } }')
    assert ask(r, ["cr"], acts=["host"], purposes=["weapons"]).status == "depends"
    assert ask(r, ["cr"], acts=["host"], purposes=["weapons"], commercial=True).status == "forbidden"
    open_duty = ask(r, ["cr"], acts=["host"], purposes=["research"])
    assert open_duty.status == "permitted" and [o.conditional for o in open_duty.obligations] == [True]


def test_relabelling_is_reported_only_when_the_travelling_clause_reaches_the_model():
    r = make_reasoner(FAMILY + 'license pp { name "P" osi yes clause "1" "G" { grant all relicense allowed } }'
                      + 'license tt { name "T" terms follow finetune, distilled clause "1" "G" { grant all } '
                        'clause "2" "Copies" { relicense forbidden } }')
    distilled = {"artifacts": [{"id": "up", "license": "fam", "family": "phi"},
                               {"id": "x", "license": "pp", "derived_from": [{"id": "up", "relation": "distilled"}]}],
                 "subject": "x", "use": {"acts": ["use"]}}
    assert not [k for k in r.ask(distilled).risks if k.risk == "relabelled"]
    carried = {"artifacts": [{"id": "up", "license": "tt"},
                             {"id": "x", "license": "pp", "derived_from": [{"id": "up", "relation": "distilled"}]}],
               "subject": "x", "use": {"acts": ["use"]}}
    assert [k.license for k in r.ask(carried).risks if k.risk == "relabelled"] == ["tt"]


def test_outbound_and_grant_ids_are_read_as_the_knowledge_base_spells_them(reasoner):
    request = {"artifacts": [{"id": "up", "license": "llama3"}], "use": {"acts": ["host"], "mau": 800_000_000,
                                                                          "grants": ["LLAMA3"]}}
    assert reasoner.ask(request).status == "permitted"


def test_complementary_grants_grant_the_act_while_commercial_is_unstated():
    r = make_reasoner('license split { name "Split" clause "II" "Non-commercial" { grant all when not commercial } '
                      'clause "III" "Commercial" { grant all when commercial '
                      'needs separate license when commercial and revenue > 1M } }')
    assert ask(r, ["split"], acts=["host"], revenue_usd=100).status == "permitted"
    big = ask(r, ["split"], acts=["host"], revenue_usd=5_000_000)
    assert big.status == "depends"
    assert [(d.fact, d.op, d.value, d.clause) for d in big.depends_on] == [("commercial", "=", True, "III")]
    # One grant alone is still open.
    assert ask(make_reasoner(NONCOMMERCIAL), ["nc"], acts=["host"]).status == "depends"
