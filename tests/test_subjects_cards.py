"""How a typed subject is read: model cards (received unless marked mine), folders that share a
catalog id, catalog models relabelled in a request, the names cards give, and lineage files that
carry their own `use`. Every path keeps a forbidden question forbidden (or makes it an error)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reasoner.errors import RequestError
from reasoner.request import read_request
from reasoner.subjects import Context, build_request

LLAMA3 = "meta-llama/Meta-Llama-3-8B"


pytestmark = pytest.mark.usefixtures("bundled_kb")   # conftest: the bundled knowledge base


from conftest import json_answer as ask  # noqa: E402  (the JSON answer; the exit code follows its status)


def error(can_i, *argv) -> str:
    """The one error line of an input error (exit 2)."""
    code, out, err = can_i(*argv)
    assert code == 2, out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def card(folder: Path, front: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "README.md"
    path.write_text(f"---\n{front.strip()}\n---\n# A model\n", encoding="utf-8")
    return path


def notes(doc: dict) -> dict[str, str]:
    return {n["code"]: n["message"] for n in doc["notes"]}


def reasons(doc: dict) -> set[tuple[str, str, str]]:
    return {(r["license"], r["clause"], r["kind"]) for r in doc["reasons"]}


# --- a model card given as the subject -------------------------------------------------------------

def test_card_given_as_subject_binds_the_user(can_i, tmp_path):
    path = card(tmp_path / "aya", "license: cc-by-nc-4.0")
    doc = ask(can_i, "host", path, "--commercial")
    assert doc["status"] == "forbidden"
    assert ("cc-by-nc-4.0", "2.a.1", "not_granted") in reasons(doc)
    assert "read as a model you received" in notes(doc)["card_received"]
    assert "cc-by-nc-4.0" in notes(doc)["card_received"]
    # the same question about the catalog model gives the same verdict
    assert ask(can_i, "host", "CohereLabs/aya-23-8B", "--commercial")["status"] == "forbidden"


def test_card_note_is_shown_in_human_output(can_i, tmp_path):
    path = card(tmp_path / "aya", "license: cc-by-nc-4.0")
    code, out, _ = can_i("host", path, "--commercial")
    assert code == 1
    assert out.splitlines()[1].startswith("  note: `aya` (")
    assert "read as a model you received" in out.splitlines()[1]


@pytest.mark.parametrize("how", ["flag", "front matter"])
def test_card_marked_mine_binds_only_what_it_inherits(can_i, tmp_path, how):
    front = "license: cc-by-nc-4.0" + ("\nmine: true" if how == "front matter" else "")
    path = card(tmp_path / "aya", front)
    doc = ask(can_i, "host", path, "--commercial", *(["--mine"] if how == "flag" else []))
    assert doc["status"] == "permitted"
    assert "read as your own model" in notes(doc)["card_mine"]
    # a card of the user's own fine-tune still carries Llama's threshold
    path = card(tmp_path / "bot", front + f"\nbase_model: {LLAMA3}")
    doc = ask(can_i, "host", path, "--commercial", "--release-mau", "800M", "--role", "licensee", *(["--mine"] if how == "flag" else []))
    assert doc["status"] == "forbidden"
    assert ("llama3", "2", "needs_separate_license") in reasons(doc)


def test_mine_card_declaring_a_family_license_without_base_model_says_terms_may_be_missed(can_i, tmp_path):
    path = card(tmp_path / "bot", "license: llama3")
    doc = ask(can_i, "host", path, "--mine", "--release-mau", "800M", "--role", "licensee")
    assert "add its base_model" in notes(doc)["card_mine"]


@pytest.mark.parametrize("front, argv", [
    ("license: other\nlicense_name: flux-1-dev-non-commercial-license\nbase_model: black-forest-labs/FLUX.1-dev",
     ["host", "--commercial"]),
    ("license: llama3", ["host", "--commercial", "--release-mau", "800M", "--role", "licensee"]),
    (f"license: llama3\nbase_model: {LLAMA3}", ["host", "--commercial", "--release-mau", "800M", "--role", "licensee"]),
    ("license: cc-by-nc-4.0", ["distribute", "--commercial"]),
])
def test_received_cards_of_restricted_models_are_not_permitted(can_i, tmp_path, front, argv):
    path = card(tmp_path / "m", front)
    doc = ask(can_i, argv[0], path, *argv[1:])
    assert doc["status"] == "forbidden", doc


def test_received_card_without_a_license_is_unknown(can_i, tmp_path):
    path = card(tmp_path / "m", f"base_model: {LLAMA3}")
    doc = ask(can_i, "host", path, "--commercial", "--release-mau", "1M", "--role", "licensee")
    assert doc["status"] == "unknown"
    assert "states no license" in notes(doc)["card_received"]


def test_creating_from_a_received_card_binds_the_new_model(can_i, reasoner, tmp_path):
    path = card(tmp_path / "aya", "license: cc-by-nc-4.0")
    doc = ask(can_i, "finetune", path, "--commercial", "--and", "host")
    assert doc["status"] == "forbidden"
    assert doc["subject"] == "your-model"
    assert {(r["artifact"], r["act"]) for r in doc["reasons"]} == {("aya", "finetune"), ("your-model", "host")}
    request = build_request(reasoner.kb, str(path), "finetune", Context())
    by_id = {a["id"]: a for a in request["artifacts"]}
    assert by_id["your-model"]["mine"] is True and "mine" not in by_id["aya"]
    # non-commercially, fine-tuning a received CC-BY-NC model is granted
    assert ask(can_i, "finetune", path, "--non-commercial")["status"] == "permitted"


@pytest.mark.parametrize("front, message", [
    ("license: mit\nmine: yes please", "`mine` must be true or false"),
    ("license: mit\nmine: 1", "`mine` must be true or false"),
])
def test_card_mine_field_is_checked(can_i, tmp_path, front, message):
    path = card(tmp_path / "m", front)
    line = error(can_i, "host", path)
    assert message in line and f"{path}:3:1" in line


def test_mine_flag_against_a_card_saying_mine_false_is_an_error(can_i, tmp_path):
    path = card(tmp_path / "m", "license: mit\nmine: false")
    assert "say one" in error(can_i, "host", path, "--mine")


@pytest.mark.parametrize("subject, hint", [
    (LLAMA3, "is a catalog model, not your own"),
    ("llama3", "is a license, not a model"),
])
def test_mine_flag_is_only_for_model_cards(can_i, subject, hint):
    line = error(can_i, "host", subject, "--mine", "--release-mau", "800M", "--role", "licensee")
    assert line.startswith("can-i: --mine: ") and hint in line


def test_mine_flag_on_a_lineage_file_is_an_error(can_i, tmp_path):
    path = tmp_path / "lineage.json"
    path.write_text(json.dumps({"artifacts": [{"id": LLAMA3}]}))
    assert "mark your own models in it with `mine: true`" in error(can_i, "host", path, "--mine")


def test_card_note_travels_with_the_request_to_embedders(reasoner, tmp_path):
    path = card(tmp_path / "aya", "license: cc-by-nc-4.0")
    request = build_request(reasoner.kb, str(path), "host", Context(commercial=True))
    assert [n["code"] for n in request["notes"]] == ["card_received"]
    result = reasoner.ask(json.loads(json.dumps(request)))  # a JSON round trip keeps it
    assert result.status == "forbidden"
    assert [n.code for n in result.notes] == ["card_received"]
    assert result.to_json()["notes"][0]["code"] == "card_received"


@pytest.mark.parametrize("notes_value, where", [
    ("a note", "notes"), ([1], "notes[0]"), ([{"code": "x"}], "notes[0].message"),
    ([{"code": "x", "message": "m", "extra": 1}], "notes[0].extra"),
])
def test_request_notes_are_checked(reasoner, notes_value, where):
    with pytest.raises(RequestError) as caught:
        reasoner.ask({"licenses": ["mit"], "use": {"acts": ["use"]}, "notes": notes_value})
    assert caught.value.location == where


def test_answers_without_notes_have_an_empty_list(reasoner):
    assert reasoner.ask({"licenses": ["mit"], "use": {"acts": ["use"]}}).to_json()["notes"] == []


# --- a folder or file that shares a catalog or license id -------------------------------------------

def test_catalog_id_wins_over_a_folder_of_the_same_name_and_says_how_to_read_the_folder(can_i, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    card(tmp_path / "meta-llama" / "Meta-Llama-3-8B", "license: mit")  # as `--local-dir` creates
    doc = ask(can_i, "host", LLAMA3, "--commercial", "--release-mau", "800M", "--role", "licensee")
    assert doc["status"] == "forbidden"
    assert doc["subject"] == LLAMA3
    assert f"write `./{LLAMA3}` to read the folder" in notes(doc)["subject_not_read_as_file"]
    # written as a path, the folder's card is read (a model received under MIT)
    doc = ask(can_i, "host", f"./{LLAMA3}", "--commercial", "--release-mau", "800M", "--role", "licensee")
    assert doc["subject"] == "Meta-Llama-3-8B"
    assert "card_received" in notes(doc) and "subject_not_read_as_file" not in notes(doc)


def test_license_id_wins_over_a_file_of_the_same_name(can_i, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    card(tmp_path / "llama3", "license: mit")
    doc = ask(can_i, "host", "llama3", "--release-mau", "800M", "--role", "licensee")
    assert doc["status"] == "forbidden"
    assert "read as the license id" in notes(doc)["subject_not_read_as_file"]


def test_a_subject_written_as_a_path_is_never_read_as_an_id(can_i, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert error(can_i, "host", "./llama3").endswith("llama3: no such file")
    assert "no such file" in error(can_i, "host", str(tmp_path / "meta-llama" / "Meta-Llama-3-8B"))


def test_a_folder_no_id_matches_is_read_as_a_model_card(can_i, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    card(tmp_path / "aya", "license: cc-by-nc-4.0")
    doc = ask(can_i, "host", "aya", "--commercial")
    assert doc["status"] == "forbidden" and doc["subject"] == "aya"
    assert set(notes(doc)) == {"card_received"}


# --- catalog models relabelled in a request --------------------------------------------------------

FORBIDDEN_USE = {"acts": ["host"], "commercial": True, "release_mau": "800M", "role": "licensee"}


@pytest.mark.parametrize("model_id", [LLAMA3, LLAMA3.upper(), f" {LLAMA3} ", LLAMA3.replace("B", "Ｂ")])
def test_a_catalog_model_cannot_be_marked_mine(reasoner, model_id):
    with pytest.raises(RequestError) as caught:
        reasoner.ask({"artifacts": [{"id": model_id, "mine": True}], "use": FORBIDDEN_USE})
    assert caught.value.location == "artifacts[0].mine"
    assert f"derive it from `{LLAMA3}`" in caught.value.message


def test_a_catalog_model_marked_mine_is_an_input_error_on_the_command_line(can_i):
    request = json.dumps({"artifacts": [{"id": LLAMA3, "mine": True}], "use": FORBIDDEN_USE})
    code, out, err = can_i("--request", "-", stdin=request)
    assert code == 2 and "not your own model" in err


@pytest.mark.parametrize("declared", ["mit", "apache-2.0 OR mit", "llama3.1", "other"])
def test_a_license_declared_for_a_catalog_model_applies_beside_the_catalog_license(reasoner, declared):
    artifact = {"id": LLAMA3, "license": declared}
    if declared == "other":
        artifact["license_name"] = "apache-2.0"
    result = reasoner.ask({"artifacts": [artifact], "use": FORBIDDEN_USE})
    assert result.status == "forbidden"
    assert ("llama3", "2") in {(r.license, r.clause) for r in result.reasons}
    # Llama 3 and 3.1 count release_mau at their own release dates: one stated count read for both.
    expected = ["catalog_license_kept"] + (["count_for_several_dates"] if declared == "llama3.1" else [])
    assert [n.code for n in result.notes] == expected


@pytest.mark.parametrize("artifact", [
    {"id": LLAMA3, "license": "LLAMA3"},
    {"id": LLAMA3, "license": "other", "license_name": "llama3"},
    {"id": "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "license": "llama3.1 AND MIT"},
])
def test_a_catalog_license_restated_in_other_words_needs_no_note(reasoner, artifact):
    result = reasoner.ask({"artifacts": [artifact], "use": {"acts": ["host"], "release_mau": "1M", "role": "licensee"}})
    assert result.notes == []


def test_a_catalog_model_keeps_its_catalog_lineage_beside_declared_edges(reasoner):
    hermes = "NousResearch/Hermes-3-Llama-3.1-8B"
    request = {"artifacts": [{"id": "acme/base", "license": "mit"},
                             {"id": hermes, "license": "mit",
                              "derived_from": [{"id": "acme/base", "relation": "merge"}]}],
               "subject": hermes, "use": {"acts": ["host"], "commercial": True, "release_mau": "800M", "role": "licensee"}}
    result = reasoner.ask(request)
    assert result.status == "forbidden"
    via = {(a.license, a.via) for a in result.applicable if a.artifact == hermes}
    assert ("llama3.1", ("meta-llama/Llama-3.1-8B",)) in via
    assert {"catalog_license_kept", "catalog_lineage_kept"} <= {n.code for n in result.notes}


def test_declared_modalities_do_not_hide_what_the_catalog_knows(reasoner):
    vision = "meta-llama/Llama-3.2-11B-Vision-Instruct"
    use = {"acts": ["host"], "commercial": True, "release_mau": "1M", "role": "licensee", "domicile": ["EU"]}
    assert reasoner.ask({"artifacts": [{"id": vision}], "use": use}).status == "forbidden"
    result = reasoner.ask({"artifacts": [{"id": vision, "modalities": ["text"]}], "use": use})
    assert result.status == "forbidden"
    assert [n.code for n in result.notes] == ["catalog_modalities_kept"]


def test_declared_family_does_not_replace_the_catalog_family(reasoner):
    request = {"artifacts": [{"id": LLAMA3, "family": "mistral"},
                             {"id": "acme/student", "mine": True,
                              "derived_from": [{"id": LLAMA3, "relation": "finetune"}]}],
               "use": {"acts": ["host"], "release_mau": "1M", "role": "licensee"}}
    result = reasoner.ask(request)
    assert [n.code for n in result.notes] == ["catalog_family_kept"]
    assert reasoner.complete(read_request(request)).by_id()[LLAMA3].family == "llama"


# --- the name a card gives its model ----------------------------------------------------------------

ACME_CARD = """
license: llama3.1
base_model: meta-llama/Llama-3.1-8B
model-index:
- name: acme-chat-8b
  results: []
"""


@pytest.mark.parametrize("mine", [False, True])
def test_card_model_index_name_is_held_to_llama_naming_duty(can_i, tmp_path, mine):
    path = card(tmp_path / "acme-chat-8b", ACME_CARD)
    doc = ask(can_i, "distribute", path, "--commercial", "--release-mau", "1M", "--role", "licensee", *(["--mine"] if mine else []))
    assert doc["status"] == "forbidden"
    assert ("llama3.1", "1.b.i, last sentence", "violated_duty") in reasons(doc)


@pytest.mark.parametrize("key", ["model_name", "name"])
def test_card_model_name_fields_are_held_to_naming_duties(can_i, tmp_path, key):
    path = card(tmp_path / "m", f"license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n{key}: acme-chat-8b")
    assert ask(can_i, "distribute", path, "--commercial", "--release-mau", "1M", "--role", "licensee")["status"] == "forbidden"
    path = card(tmp_path / "m", f"license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n{key}: Llama-acme-chat")
    assert ask(can_i, "distribute", path, "--commercial", "--release-mau", "1M", "--role", "licensee")["status"] == "permitted"


@pytest.mark.parametrize("front, message", [
    ("model_name: 7", "`model_name` must be a string"),
    ("name: [a, b]", "`name` must be a string"),
    ("model-index: {name: x}", "`model-index` must be a list"),
    ("model-index: [x]", "`model-index[0]` must be a mapping"),
    ("model-index: [{name: [x]}]", "`model-index[0].name` must be a string"),
])
def test_card_names_are_type_checked(can_i, tmp_path, front, message):
    path = card(tmp_path / "m", "license: mit\n" + front)
    line = error(can_i, "distribute", path)
    assert message in line and f"{path}:3:1" in line


def test_a_card_with_two_different_names_is_an_error_unless_the_name_is_stated(can_i, tmp_path):
    path = card(tmp_path / "m", ACME_CARD + "model_name: Llama-acme")
    line = error(can_i, "distribute", path, "--commercial", "--release-mau", "1M", "--role", "licensee")
    assert "`Llama-acme` (model_name) and `acme-chat-8b` (model-index[0].name)" in line
    doc = ask(can_i, "distribute", path, "--commercial", "--release-mau", "1M", "--role", "licensee", "--name", "acme-chat-8b")
    assert doc["status"] == "forbidden"
    doc = ask(can_i, "distribute", path, "--commercial", "--release-mau", "1M", "--role", "licensee", "--name", "Llama-acme")
    assert doc["status"] == "permitted"


def test_a_card_repeating_one_name_is_not_ambiguous(can_i, tmp_path):
    path = card(tmp_path / "m", ACME_CARD + "model_name: acme-chat-8b")
    assert ask(can_i, "distribute", path, "--commercial", "--release-mau", "1M", "--role", "licensee")["status"] == "forbidden"


# --- a lineage file that carries its own `use` -------------------------------------------------------

LINEAGE = {"artifacts": [{"id": LLAMA3},
                         {"id": "acme/bot", "mine": True, "derived_from": [{"id": LLAMA3, "relation": "finetune"}]}],
           "use": {"acts": ["distribute"], "commercial": True, "release_mau": "800M", "role": "licensee", "name": "Llama 3 Acme Bot"}}


def test_lineage_file_use_counts_and_the_command_line_overrides_it(can_i, tmp_path):
    path = tmp_path / "lineage.json"
    path.write_text(json.dumps(LINEAGE))
    doc = ask(can_i, "host", path)
    assert doc["status"] == "forbidden"
    assert ("llama3", "2", "needs_separate_license") in reasons(doc)
    message = notes(doc)["lineage_use_merged"]
    assert "uses its `commercial`, `name`, `release_mau`, `role`" in message
    assert "not its `acts` (distribute)" in message
    doc = ask(can_i, "host", path, "--release-mau", "1M", "--role", "licensee")
    assert doc["status"] == "permitted"
    assert "the command line overrides its `release_mau`" in notes(doc)["lineage_use_merged"]


def test_lineage_file_use_name_names_the_files_subject_under_a_creating_verb(reasoner, tmp_path):
    lineage = json.loads(json.dumps(LINEAGE))
    lineage["artifacts"][1]["license"] = "llama3"
    path = tmp_path / "lineage.yaml"
    path.write_text(json.dumps(lineage))  # JSON is YAML
    request = build_request(reasoner.kb, str(path), "quantize", Context(name="Llama-3-acme-q4"))
    by_id = {a["id"]: a for a in request["artifacts"]}
    assert by_id["acme/bot"]["name"] == "Llama 3 Acme Bot"
    assert request["use"]["name"] == "Llama-3-acme-q4"


def test_lineage_file_use_errors_name_the_file(can_i, tmp_path):
    path = tmp_path / "lineage.toml"
    path.write_text(f'[[artifacts]]\nid = "{LLAMA3}"\n[use]\nmau = "lots"\n')
    line = error(can_i, "host", path)
    assert f"{path}:4:1: use.mau" in line   # at its line since session 12 (tests/test_toml_lineage_locations.py)


# --- no path turns the forbidden Llama-3-at-800M question into YES -----------------------------------

def _through_card(tmp_path, front, *extra):
    path = card(tmp_path / "m", front)
    return ["host", str(path), "--commercial", "--release-mau", "800M", "--role", "licensee", *extra]


def _through_request(tmp_path, artifacts, **extra):
    path = tmp_path / "request.json"
    path.write_text(json.dumps({"artifacts": artifacts, "use": FORBIDDEN_USE, **extra}))
    return ["--request", str(path)]


def _through_lineage(tmp_path, suffix):
    path = tmp_path / f"lineage{suffix}"
    path.write_text(json.dumps({"artifacts": [{"id": LLAMA3}], "use": {"commercial": True, "release_mau": "800M", "role": "licensee"}}))
    return ["host", str(path)]


MUTATIONS = {
    "catalog id": lambda t: ["host", LLAMA3, "--commercial", "--release-mau", "800M", "--role", "licensee"],
    "received card under llama3": lambda t: _through_card(t, "license: llama3"),
    "received card relabelled mit": lambda t: _through_card(t, f"license: mit\nbase_model: {LLAMA3}"),
    "own card relabelled mit": lambda t: _through_card(t, f"license: mit\nbase_model: {LLAMA3}", "--mine"),
    "own card by front matter": lambda t: _through_card(t, f"license: mit\nmine: true\nbase_model: {LLAMA3}"),
    "card as adapter": lambda t: _through_card(t, f"license: apache-2.0\nbase_model: {LLAMA3}\n"
                                                  "base_model_relation: adapter"),
    "mine in the request": lambda t: _through_request(t, [{"id": LLAMA3, "mine": True}]),
    "mine, upper case": lambda t: _through_request(t, [{"id": LLAMA3.upper(), "mine": True}]),
    "license mit": lambda t: _through_request(t, [{"id": LLAMA3, "license": "mit"}]),
    "license OR": lambda t: _through_request(t, [{"id": LLAMA3, "license": "mit OR apache-2.0"}]),
    "license other": lambda t: _through_request(t, [{"id": LLAMA3, "license": "other", "license_name": "mit"}]),
    "full-width id": lambda t: _through_request(t, [{"id": LLAMA3.replace("8B", "8Ｂ"), "license": "mit"}]),
    "family and modalities": lambda t: _through_request(t, [{"id": LLAMA3, "family": "mistral",
                                                             "modalities": ["image"]}]),
    "foreign edge": lambda t: _through_request(t, [{"id": "acme/x", "license": "mit"},
                                                   {"id": LLAMA3, "license": "mit",
                                                    "derived_from": [{"id": "acme/x", "relation": "merge"}]}],
                                               subject=LLAMA3),
    "request notes": lambda t: _through_request(t, [{"id": LLAMA3}], notes=[{"code": "x", "message": "ok"}]),
    "lineage json": lambda t: _through_lineage(t, ".json"),
    "lineage yaml": lambda t: _through_lineage(t, ".yaml"),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_no_subject_path_turns_a_forbidden_question_into_yes(can_i, tmp_path, mutation):
    code, out, err = can_i(*MUTATIONS[mutation](tmp_path))
    assert code in (1, 2), (mutation, out, err)


def test_a_shadowing_folder_keeps_the_forbidden_question_forbidden(can_i, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    card(tmp_path / "meta-llama" / "Meta-Llama-3-8B", "license: mit\nmine: true")
    code, out, _ = can_i("host", LLAMA3, "--commercial", "--release-mau", "800M", "--role", "licensee")
    assert code == 1, out
