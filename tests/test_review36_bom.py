"""Review 36's BOM findings, fixed: the mutations of a forbidden (or denied) request tried through
the BOM paths while fixing them, each kept as a guard.

- a BOM `--cyclonedx` writes carries every fact an artifact states (`can-i:name`, `can-i:family`,
  `can-i:modalities`, `can-i:publisher`, `can-i:kind`), so that read back it answers as its source;
- a hand-written BOM states those facts the same way, and a misstated one is an input error (exit
  2), never dropped;
- a model or dataset a BOM lists with no link to its subject is named in a `bom_unlinked` note;
- `--cyclonedx` carries the profile's policy verdict and exits as the other outputs do."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import run_cli  # noqa: E402

L3 = "meta-llama/Meta-Llama-3-8B"
L31 = "meta-llama/Llama-3.1-8B"
_USE = {"commercial": True, "release_mau": 1000, "domicile": ["US"], "role": "licensee"}
_FLAGS = ("--commercial", "--release-mau", "1000", "--domicile", "US", "--role", "licensee")


def _write(path: Path, doc) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _student(parent, relation="distilled", **kw):
    return {"id": "acme/student", "mine": True, "license": "apache-2.0", "family": "mistral",
            "derived_from": [{"id": parent, "relation": relation}], **kw}


def _round_trip(capsys, tmp_path, artifacts, domicile="US"):
    """(the JSON request's status, the status of the BOM `--cyclonedx` writes for it, read back)."""
    doc = {"artifacts": artifacts, "subject": "acme/student",
           "use": {"acts": ["distribute"], **_USE, "domicile": [domicile]}}
    src = _write(tmp_path / "lineage.json", doc)
    direct = run_cli(capsys, "--request", src, "--json", "--no-profile").json()["status"]
    path = tmp_path / "lineage.cdx.json"
    path.write_text(run_cli(capsys, "distribute", src, "--cyclonedx", "--no-profile").out, encoding="utf-8")
    flags = [f if f != "US" else domicile for f in _FLAGS]
    back = run_cli(capsys, "distribute", path, "--json", "--no-remedies", "--no-profile", *flags).json()["status"]
    return direct, back


VISION = {"id": "x/vision", "license": "llama3.2", "family": "llama", "modalities": ["text", "image"]}


@pytest.mark.parametrize("artifacts, domicile, status", [
    # the Llama 3.1 naming sentence: "Student" is NO, a name starting "Llama" is not
    ([{"id": L31}, _student(L31, name="Student")], "US", "forbidden"),
    ([{"id": L31}, _student(L31, name="Llama-Student")], "US", "permitted"),
    # the naming sentence on an intermediate model of the user's own, not the subject
    ([{"id": L31}, {"id": "acme/mid", "mine": True, "license": "apache-2.0", "family": "mistral", "name": "Mid",
                    "derived_from": [{"id": L31, "relation": "distilled"}]},
      _student("acme/mid", "finetune", name="Llama-Student")], "US", None),
    # Llama 3 §1.b.v: another family is NO, a Llama one is not
    ([{"id": L3}, _student(L3, name="Llama 3-x")], "US", "forbidden"),
    ([{"id": L3}, _student(L3, name="Llama 3-x", family="llama")], "US", None),
    # the Llama 3.2 EU paragraph: multimodal is NO, text-only is not
    ([VISION, _student("x/vision", "finetune", family="llama", name="Llama-x", modalities=["text", "image"])],
     "DE", "forbidden"),
    ([VISION, _student("x/vision", "finetune", family="llama", name="Llama-x", modalities=["text"])], "DE", None),
    # a dataset of the user's own stated as one, with its publisher
    ([{"id": L3}, {"id": "acme/syn", "mine": True, "kind": "dataset", "license": "mit", "publisher": "Acme",
                   "derived_from": [{"id": L3, "relation": "distilled"}]},
      _student("acme/syn", "trained_on", name="Llama 3-x")], "US", None),
])
def test_a_bom_written_back_answers_as_its_source(tmp_path, capsys, artifacts, domicile, status):
    direct, back = _round_trip(capsys, tmp_path, artifacts, domicile)
    assert status is None or direct == status
    assert back == direct



@pytest.mark.parametrize("lic, status", [("gpl", "permitted"), ("lgpl", "permitted"),
                                         ("some-unknown-license", "unknown")])
def test_a_license_id_no_name_resolves_is_written_back_as_the_id(tmp_path, capsys, lic, status):
    """Written as a license *name*, `gpl` (a family whose versions the question weighs, each giving
    the same answer here) read back as `other` so named: UNKNOWN where the question was YES."""
    arts = [{"id": "x/base", "license": "mit"},
            {"id": "acme/student", "license": lic, "derived_from": [{"id": "x/base", "relation": "finetune"}]}]
    doc = {"artifacts": arts, "subject": "acme/student", "use": {"acts": ["distribute"]}}
    src = _write(tmp_path / "l.json", doc)
    direct = run_cli(capsys, "--request", src, "--json", "--no-profile").json()["status"]
    path = tmp_path / "l.cdx.json"
    path.write_text(run_cli(capsys, "distribute", src, "--cyclonedx", "--no-profile").out, encoding="utf-8")
    back = run_cli(capsys, "distribute", path, "--json", "--no-remedies", "--no-profile").json()["status"]
    assert (direct, back) == (status, status)

def test_the_written_bom_states_each_fact_once_per_value(tmp_path, capsys):
    arts = [VISION, _student("x/vision", "finetune", family="llama", name="Llama-x", publisher="Acme",
                             modalities=["text", "image"])]
    src = _write(tmp_path / "l.json", {"artifacts": arts, "subject": "acme/student",
                                       "use": {"acts": ["distribute"], "release_mau": 1000}})
    bom = json.loads(run_cli(capsys, "distribute", src, "--cyclonedx", "--no-profile").out)
    props = [(p["name"], p["value"]) for p in bom["metadata"]["component"]["properties"]
             if p["name"] in ("can-i:name", "can-i:family", "can-i:publisher", "can-i:modalities")]
    assert sorted(props) == [("can-i:family", "llama"), ("can-i:modalities", "image"), ("can-i:modalities", "text"),
                             ("can-i:name", "Llama-x"), ("can-i:publisher", "Acme")]



def _verb_round_trip(capsys, tmp_path, args, flags):
    """(the verb's --json status, the status of the BOM its --cyclonedx writes, read back)."""
    common = (*flags, "--no-profile", "--no-remedies")
    direct = run_cli(capsys, *args, *common, "--json").json()["status"]
    path = tmp_path / "verb.cdx.json"
    path.write_text(run_cli(capsys, *args, *common, "--cyclonedx").out, encoding="utf-8")
    return direct, run_cli(capsys, "distribute", path, *common, "--json").json()["status"]


@pytest.mark.parametrize("name, status", [("Student", "forbidden"), ("Llama-Student", "permitted")])
def test_a_verbs_name_option_is_written_back(tmp_path, capsys, name, status):
    """`--name` states the created model's name in the use, not on the artifact: written on the
    subject all the same (left out, `distill Llama 3.1 --name Student --and distribute`, NO, read
    back YES)."""
    args = ("distill", L31, "--into", "mistral", "--name", name, "--and", "distribute")
    assert _verb_round_trip(capsys, tmp_path, args, ("--release-mau", "1K")) == (status, status)


def test_a_verbs_modalities_are_written_back(tmp_path, capsys):
    args = ("finetune", "meta-llama/Llama-3.2-11B-Vision", "--modality", "text", "--modality", "image",
            "--name", "Llama-x", "--and", "distribute")
    flags = ("--release-mau", "1K", "--domicile", "DE", "--role", "licensee")
    assert _verb_round_trip(capsys, tmp_path, args, flags) == ("forbidden", "forbidden")


def test_a_cards_model_name_is_written_back(tmp_path, capsys):
    card = tmp_path / "card" / "README.md"
    card.parent.mkdir()
    card.write_text(f"---\nlicense: mit\nbase_model: {L31}\nmodel_name: Student\n---\n", encoding="utf-8")
    flags = ("--release-mau", "1K", "--no-profile", "--no-remedies")
    assert run_cli(capsys, "distribute", card, "--mine", *flags, "--json").json()["status"] == "forbidden"
    path = tmp_path / "card.cdx.json"
    path.write_text(run_cli(capsys, "distribute", card, "--mine", *flags, "--cyclonedx").out, encoding="utf-8")
    assert run_cli(capsys, "distribute", path, *flags, "--json").json()["status"] == "forbidden"


def test_a_profiles_name_is_written_back(tmp_path, capsys):
    """A profile's name fills the unstated name of the model asked about: the BOM keeps it, so read
    back without the profile it answers as its source did with it (unnamed, the naming sentence is
    a duty to meet: YES; named "Student" by the profile, NO)."""
    prof = tmp_path / "p.toml"
    prof.write_text('name = "Student"\n', encoding="utf-8")
    doc = {"artifacts": [{"id": L31}, _student(L31)], "subject": "acme/student",
           "use": {"acts": ["distribute"], "release_mau": 1000}}
    src = _write(tmp_path / "l.json", doc)
    assert run_cli(capsys, "--request", src, "--no-profile", "--json").json()["status"] == "permitted"
    assert run_cli(capsys, "--request", src, "--profile", prof, "--json").json()["status"] == "forbidden"
    path = tmp_path / "l.cdx.json"
    path.write_text(run_cli(capsys, "distribute", src, "--profile", prof, "--cyclonedx").out, encoding="utf-8")
    back = run_cli(capsys, "distribute", path, "--release-mau", "1000", "--no-profile", "--no-remedies", "--json")
    assert back.json()["status"] == "forbidden"

# --- a hand-written BOM stating the facts -------------------------------------------------------

def _own_bom(path, *props, ancestor=L31, data=False):
    parent = {"type": "machine-learning-model", "name": ancestor.split("/")[1], "group": ancestor.split("/")[0],
              "purl": f"pkg:huggingface/{ancestor}",
              "properties": [{"name": "can-i:derived-by", "value": "distilled"}]}
    mine = {"type": "data" if data else "machine-learning-model", "group": "acme", "name": "student",
            "licenses": [{"license": {"id": "Apache-2.0"}}], "pedigree": {"ancestors": [parent]},
            "properties": [{"name": "can-i:mine", "value": "true"}, *({"name": n, "value": v} for n, v in props)]}
    return _write(path, {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                         "metadata": {"component": mine}, "components": []})


def _distribute(capsys, path, *flags):
    run = run_cli(capsys, "distribute", path, "--release-mau", "1K", "--json", "--no-remedies", "--no-profile", *flags)
    return run.code, (run.json().get("status") if run.code != 2 else run.err)


def test_a_stated_name_in_a_bom_binds(tmp_path, capsys):
    """The Llama 3.1 naming sentence read from `can-i:name`, as from a request's `name`."""
    assert _distribute(capsys, _own_bom(tmp_path / "a.json", ("can-i:name", "Student")))[1] == "forbidden"
    assert _distribute(capsys, _own_bom(tmp_path / "b.json", ("can-i:name", "Llama-Student")))[1] == "permitted"


@pytest.mark.parametrize("props, data, says", [
    # two names for one model: which is meant cannot be told
    ((("can-i:name", "Llama-Student"), ("can-i:name", "Student")), False, "give one"),
    # a modality can-i does not know is refused with its place, never dropped
    ((("can-i:name", "Student"), ("can-i:modalities", "imgae")), False, "unknown modality `imgae`"),
    # a model stated a dataset, or data stated a model: the type and the property disagree
    ((("can-i:kind", "dataset"),), False, "can-i:kind"),
    ((("can-i:kind", "model"),), True, "can-i:kind"),
    # a misspelt fact's name
    ((("can-i:nmae", "Llama-Student"),), False, "can-i:name"),
    ((("can-i:modality", "text"),), False, "can-i:modalities"),
])
def test_a_misstated_fact_in_a_bom_is_an_input_error(tmp_path, capsys, props, data, says):
    code, err = _distribute(capsys, _own_bom(tmp_path / "c.json", *props, data=data))
    assert code == 2 and says in err and "Traceback" not in err, (code, err)
    assert len(err.strip().splitlines()) == 1, err


def test_a_name_on_an_ancestor_entry_and_its_component_must_agree(tmp_path, capsys):
    """The same model listed twice (a component and a pedigree entry) states one name."""
    doc = json.loads(_own_bom(tmp_path / "d.json").read_text())
    mid = {"type": "machine-learning-model", "group": "acme", "name": "mid", "bom-ref": "acme/mid",
           "properties": [{"name": "can-i:mine", "value": "true"}, {"name": "can-i:name", "value": "Mid"}]}
    entry = {**mid, "properties": [*mid["properties"][:1], {"name": "can-i:name", "value": "Llama-Mid"}]}
    del entry["bom-ref"]
    doc["components"] = [mid]
    doc["metadata"]["component"]["pedigree"]["ancestors"].append(entry)
    code, err = _distribute(capsys, _write(tmp_path / "d.json", doc))
    assert code == 2 and "state it once" in err, (code, err)


# --- --cyclonedx under a license policy ---------------------------------------------------------

def _policy(tmp_path, text):
    prof = tmp_path / "p.toml"
    prof.write_text(text, encoding="utf-8")
    return prof


def _bom_props(run) -> dict:
    props = json.loads(run.out)["metadata"]["component"].get("properties", [])
    out: dict = {}
    for p in props:
        out.setdefault(p["name"], []).append(p["value"])
    return out


@pytest.mark.parametrize("policy, args, code, verdict", [
    ('[policy]\ndeny = ["mit"]\n', ("use", "mit"), 1, "denied"),
    ('[policy]\nreview = ["mit"]\n', ("use", "mit"), 3, "review"),
    ('[policy]\nallow = ["mit"]\n', ("use", "mit"), 0, "allowed"),
    # a NO stays 1 under an allowing policy; a denied policy does not lower it
    ('[policy]\nallow = ["llama3"]\n', ("host", "llama3", "--release-mau", "800M", "--role", "licensee"), 1, "allowed"),
    # the denied license reaches through the lineage: a fine-tune of Llama 3 relabelled MIT
    ('[policy]\ndeny = ["llama3"]\n', ("use", "llama3", "--release-mau", "1K"), 1, "denied"),
])
def test_cyclonedx_exits_and_states_as_the_json_answer(tmp_path, capsys, policy, args, code, verdict):
    prof = _policy(tmp_path, policy)
    as_json = run_cli(capsys, *args, "--profile", prof, "--json", "--no-remedies")
    run = run_cli(capsys, *args, "--profile", prof, "--cyclonedx", "--no-remedies")
    assert (as_json.code, run.code) == (code, code)
    props = _bom_props(run)
    assert props["can-i:policy"] == [verdict] == [as_json.json()["policy"]["status"]]
    assert len(props.get("can-i:policy-finding", [])) == len(as_json.json()["policy"]["findings"])


def test_cyclonedx_of_a_bom_keeps_the_policy_verdict(tmp_path, capsys):
    """A BOM asked about under a denying policy, answered as a BOM: denied, exit 1, and the BOM
    written back (its `can-i:policy` property an answer, which says nothing read back) asked again
    is denied too."""
    prof = _policy(tmp_path, '[policy]\ndeny = ["llama3.1"]\n')
    src = _own_bom(tmp_path / "s.json", ("can-i:name", "Llama-Student"))
    run = run_cli(capsys, "distribute", src, "--release-mau", "1K", "--profile", prof, "--cyclonedx", "--no-remedies")
    assert run.code == 1 and _bom_props(run)["can-i:policy"] == ["denied"]
    finding = _bom_props(run)["can-i:policy-finding"]
    assert any(f.startswith("llama3.1 ") and "deny" in f for f in finding), finding
    back = _write(tmp_path / "back.json", json.loads(run.out))
    again = run_cli(capsys, "distribute", back, "--release-mau", "1K", "--profile", prof, "--json", "--no-remedies")
    assert again.code == 1 and again.json()["policy"]["status"] == "denied"
    assert again.json()["status"] == "permitted"   # the licenses alone: Llama-Student meets the naming sentence


# --- a model or dataset a BOM lists with no link to its subject ---------------------------------
# Noted, not judged as part of the subject (bom._Lineage._note_unlinked says why): the answer for
# the subject stays what its own lineage says, and the note names every model it did not judge.

_LLAMA3_COMPONENT = {"type": "machine-learning-model", "group": "meta-llama", "name": "Meta-Llama-3-8B",
                     "purl": f"pkg:huggingface/{L3}", "bom-ref": L3}
_BOT = {"type": "machine-learning-model", "group": "acme", "name": "bot", "bom-ref": "acme/bot",
        "licenses": [{"license": {"id": "Apache-2.0"}}]}


def _cdx(components, dependencies=None, subject=_BOT):
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": {"component": subject},
           "components": components}
    if dependencies is not None:
        doc["dependencies"] = dependencies
    return doc


def _at_800m(capsys, path):
    run = run_cli(capsys, "distribute", path, "--release-mau", "800M", "--role", "licensee", "--json",
                  "--no-remedies", "--no-profile")
    answer = run.json()
    return run.code, answer["status"], [n["message"] for n in answer["notes"] if n["code"] == "bom_unlinked"]


def test_an_unlinked_model_component_is_named(tmp_path, capsys):
    code, status, notes = _at_800m(capsys, _write(tmp_path / "u.json", _cdx([_LLAMA3_COMPONENT])))
    assert status == "permitted" and len(notes) == 1 and f"`{L3}`" in notes[0], notes
    assert "`acme/bot`" in notes[0] and "dependencies" in notes[0]


def test_an_unlinked_data_component_is_named(tmp_path, capsys):
    data = {"type": "data", "name": "chats", "group": "acme", "bom-ref": "acme/chats"}
    _, _, notes = _at_800m(capsys, _write(tmp_path / "d.json", _cdx([data])))
    assert len(notes) == 1 and "`acme/chats`" in notes[0], notes


def test_a_linked_model_component_is_judged_and_not_noted(tmp_path, capsys):
    """Depended on, nested, or an ancestor: Llama 3 §2 binds (NO), and nothing is unlinked."""
    depends = _cdx([_LLAMA3_COMPONENT], [{"ref": "acme/bot", "dependsOn": [L3]}])
    nested = _cdx([], subject={**_BOT, "components": [_LLAMA3_COMPONENT]})
    ancestor = _cdx([_LLAMA3_COMPONENT], subject={**_BOT, "pedigree": {"ancestors": [
        {k: v for k, v in _LLAMA3_COMPONENT.items() if k != "bom-ref"}]}})
    for name, doc in (("dep", depends), ("nest", nested), ("anc", ancestor)):
        assert _at_800m(capsys, _write(tmp_path / f"{name}.json", doc)) == (1, "forbidden", []), name


def test_a_model_made_from_the_subject_is_named_too(tmp_path, capsys):
    """A model derived from the subject is no part of what the subject carries: not judged, named."""
    child = {"type": "machine-learning-model", "group": "acme", "name": "bot-ft", "bom-ref": "acme/bot-ft"}
    doc = _cdx([child], [{"ref": "acme/bot-ft", "dependsOn": ["acme/bot"]}])
    _, status, notes = _at_800m(capsys, _write(tmp_path / "c.json", doc))
    assert status == "permitted" and len(notes) == 1 and "`acme/bot-ft`" in notes[0], notes


def test_many_unlinked_models_are_counted(tmp_path, capsys):
    models = [{**_LLAMA3_COMPONENT, "purl": f"pkg:huggingface/x/m{i}", "bom-ref": f"x/m{i}", "name": f"m{i}",
               "licenses": [{"license": {"id": "MIT"}}]} for i in range(7)]
    _, _, notes = _at_800m(capsys, _write(tmp_path / "m.json", _cdx(models)))
    assert len(notes) == 1 and "(7 in all)" in notes[0], notes


def test_an_unlinked_spdx_model_is_named_and_a_linked_one_judged(tmp_path, capsys):
    from test_hub_bom import ai, rel, spdx3

    lic = {"type": "simplelicensing_LicenseExpression", "spdxId": "urn:apache", "creationInfo": "_:ci",
           "simplelicensing_licenseExpression": "Apache-2.0"}
    parts = (ai("urn:bot", "acme/bot"), ai("urn:llama", L3), lic, rel(1, "hasDeclaredLicense", "urn:bot", "urn:apache"))
    _, status, notes = _at_800m(capsys, _write(tmp_path / "u.spdx3.json", spdx3(*parts, root="urn:bot")))
    assert status == "permitted" and len(notes) == 1 and f"`{L3}`" in notes[0], notes
    linked = spdx3(*parts, rel(2, "descendantOf", "urn:bot", "urn:llama"), root="urn:bot")
    assert _at_800m(capsys, _write(tmp_path / "l.spdx3.json", linked)) == (1, "forbidden", [])
    data = spdx3(*parts, ai("urn:data", "acme/chats", "dataset_DatasetPackage"),
                 rel(2, "descendantOf", "urn:bot", "urn:llama"), root="urn:bot")
    code, status, notes = _at_800m(capsys, _write(tmp_path / "d.spdx3.json", data))
    assert (code, status) == (1, "forbidden") and len(notes) == 1 and "`acme/chats`" in notes[0], notes


def test_a_written_bom_names_the_model_its_question_left_out(tmp_path, capsys):
    """A request whose subject is one of two models: the BOM written for it lists both, and read
    back names the other one as not judged."""
    arts = [{"id": L3}, {"id": "me/m", "mine": True, "license": "mit", "family": "mistral",
                         "derived_from": [{"id": L3, "relation": "distilled"}]}]
    src = _write(tmp_path / "l.json", {"artifacts": arts, "subject": L3, "use": {"acts": ["host"], "release_mau": 1000}})
    path = tmp_path / "l.cdx.json"
    path.write_text(run_cli(capsys, "host", src, "--cyclonedx", "--no-profile").out, encoding="utf-8")
    run = run_cli(capsys, "host", path, "--release-mau", "1000", "--json", "--no-remedies", "--no-profile")
    assert any(n["code"] == "bom_unlinked" and "`me/m`" in n["message"] for n in run.json()["notes"])


def test_an_unlinked_model_of_another_type_is_named(tmp_path, capsys):
    """Weights typed `file` or `library` whose package URL names a Hub model, listed after four
    libraries: named in the unlinked note, not only counted among the left-out components (whose
    note names the first three)."""
    libs = [{"type": "library", "name": f"a{i}", "bom-ref": f"a{i}"} for i in range(4)]
    for kind in ("file", "library"):
        weights = {"type": kind, "name": "zz-weights", "purl": f"pkg:huggingface/{L3}", "bom-ref": "w"}
        run = run_cli(capsys, "distribute", _write(tmp_path / f"{kind}.json", _cdx([*libs, weights])),
                      "--release-mau", "800M", "--role", "licensee", "--json", "--no-remedies", "--no-profile")
        notes = {n["code"]: n["message"] for n in run.json()["notes"]}
        assert f"`{L3}`" in notes["bom_unlinked"] and "4 other components" in notes["bom_left_out"], notes


def test_an_unlinked_spdx_package_naming_a_model_is_named(tmp_path, capsys):
    from test_hub_bom import ai, spdx3

    package = {"type": "software_Package", "spdxId": "urn:w", "creationInfo": "_:ci", "name": "weights",
               "software_packageUrl": f"pkg:huggingface/{L3}"}
    _, status, notes = _at_800m(capsys, _write(tmp_path / "p.spdx3.json", spdx3(ai("urn:bot", "acme/bot"), package,
                                                                                  root="urn:bot")))
    assert status == "unknown" and len(notes) == 1 and f"`{L3}`" in notes[0], notes


def test_a_shard_the_subject_contains_is_not_called_unlinked(tmp_path, capsys):
    """An unlicensed file the model `contains` is part of it (read under its license), not a model
    linked to nothing, though its download address names a Hub model."""
    from test_hub_bom import ai, rel, spdx3

    shard = {"type": "software_File", "spdxId": "urn:shard", "creationInfo": "_:ci", "name": "model-00001.safetensors",
             "software_downloadLocation": "https://huggingface.co/acme/other/resolve/main/model-00001.safetensors"}
    doc = spdx3(ai("urn:bot", "acme/bot"), shard, rel(1, "contains", "urn:bot", "urn:shard"), root="urn:bot")
    assert _at_800m(capsys, _write(tmp_path / "s.spdx3.json", doc))[2] == []


def test_cyclonedx_keeps_a_lineage_files_own_policy(tmp_path, capsys):
    """The `policy` of a lineage file asked about with a verb, answered as a BOM: denied, exit 1."""
    doc = {"artifacts": [{"id": "google/gemma-2-9b"}], "use": {"acts": ["use"], "commercial": True},
           "policy": {"deny": ["gemma"]}}
    run = run_cli(capsys, "use", _write(tmp_path / "pol.json", doc), "--cyclonedx", "--no-remedies", "--no-profile")
    props = _bom_props(run)
    assert run.code == 1 and props["can-i:policy"] == ["denied"], (run.code, props.get("can-i:policy"))
    assert props["can-i:policy-finding"] == ["gemma on google/gemma-2-9b: deny"]
