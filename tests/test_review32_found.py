"""Review 32: hostile review of `target.dataset` (the bans on improving other models with outputs
spare data, `unless "data, not a model": target.dataset`), the ACTED `dataset` flag (NVIDIA 3.2),
the NO whichever way an unstated fact goes (explain._forbidden_either_way), FLUX.1 [dev] 4.f.iv's
territories and the advice commands. HIGH = a live wrong YES with a bundled license or catalog
model, MEDIUM = a wrong YES needing an odd but plausible input (or a latent one), LOW = the rest."""

from __future__ import annotations

import json

import pytest
from conftest import make_reasoner

pytestmark = pytest.mark.usefixtures("bundled_kb")

LLAMA3 = "meta-llama/Meta-Llama-3-8B"
MISTRAL = "mistralai/Mistral-7B-v0.1"
USE = {"acts": ["distribute"], "commercial": True, "release_mau": 1_000_000, "generated_outputs": True}


def _request(tmp_path, artifacts: list, subject: str, use: dict = USE, name: str = "q.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"artifacts": artifacts, "subject": subject, "use": use}))
    return str(path)


def _status(can_i, *argv) -> str:
    return can_i("--no-profile", *argv, "--json").json()["status"]


def _dataset(*edges: tuple[str, str], **fields) -> dict:
    return {"id": "me/ds", "kind": "dataset", "mine": True, "license": "apache-2.0",
            "derived_from": [{"id": parent, "relation": relation} for parent, relation in edges], **fields}


# --- Checked and sound (kept as regression tests) -------------------------------------------------

@pytest.mark.parametrize("parent", [LLAMA3, "meta-llama/Llama-2-7b-hf", "Qwen/Qwen-7B",
                                    "tencent/Hunyuan-A13B-Pretrain", "stabilityai/stable-diffusion-3.5-large"])
@pytest.mark.parametrize("chain", [
    [("trained_on", None)],
    [("merge", "dataset"), ("trained_on", None)],
    [("trained_on", "dataset"), ("trained_on", None)],
    [("trained_on", None), ("finetune", None)],
], ids=["trained", "merged-data", "data-of-data", "finetune-of-student"])
def test_a_model_made_from_a_dataset_of_banned_outputs_stays_forbidden(can_i, tmp_path, parent, chain):
    """A dataset the user generated from a model whose license bans improving other models with its
    outputs is spared (data improves no model), but no chain from it to a model escapes the ban."""
    artifacts = [{"id": parent}, _dataset((parent, "distilled"))]
    previous = "me/ds"
    for i, (relation, kind) in enumerate(chain):
        made = {"id": f"me/m{i}", "mine": True, "license": "apache-2.0",
                "derived_from": [{"id": previous, "relation": relation}]}
        made.update({"kind": kind} if kind else {"family": "mistral"})
        artifacts.append(made)
        previous = made["id"]
    use = {**USE, "mau": 1000, "revenue": 1000, "release_mau_own": 1000, "territory": ["US"], "domicile": ["US"]}
    assert _status(can_i, "--request", _request(tmp_path, artifacts, previous, use)) == "forbidden"


# --- Findings -------------------------------------------------------------------------------------

def test_a_dataset_that_takes_a_models_weights_beside_its_outputs_is_still_a_model(can_i, tmp_path):
    """Was a strict xfail (MEDIUM): api.complete lets a `"kind": "dataset"` artifact take a model's
    weights when a `distilled` edge to the same model stands beside it (the BOM readers write that),
    so Mistral fine-tuned on Llama 3 outputs, stated as a dataset, skipped Llama 3 §1.b.v: YES.
    rules.lp reads target.dataset as false for a created artifact that takes a non-dataset
    parent's weights. The limit: a BOM data component with such inferred edges keeps the ban too."""
    artifacts = [{"id": LLAMA3}, {"id": MISTRAL},
                 _dataset((LLAMA3, "distilled"), (MISTRAL, "distilled"), (MISTRAL, "finetune"))]
    assert _status(can_i, "--request", _request(tmp_path, artifacts, "me/ds")) != "permitted"


def test_downstream_of_your_own_dataset_answers_or_refuses_plainly(can_i, tmp_path):
    artifacts = [{"id": LLAMA3}, _dataset((LLAMA3, "distilled"))]
    """Was a strict xfail (review 32, LOW): the error named an internal artifact (`requests[4]: …
    a-recipient's-model`). Now one line that says downstream asks about models, exit 2."""
    run = can_i("--no-profile", "downstream", _request(tmp_path, artifacts, "me/ds", {"release_mau": 1_000_000}))
    assert "a-recipient's-model" not in run.err and "requests[" not in run.err
    assert run.code == 2 and "is a dataset" in run.line(), run.err


@pytest.mark.parametrize("verb", ["finetune", "adapt", "merge", "quantize", "distill"])
def test_a_verb_that_takes_weights_from_a_lineage_files_own_dataset_is_refused_at_the_subject(can_i, tmp_path, verb):
    """LOW, fixed: `can-i finetune lineage.json` whose subject is the file's own `"kind": "dataset"`
    was refused at `artifacts[2].derived_from[0].relation` (an artifact the file does not have),
    asking to state `kind` for `your-model`, which no option can; now refused at the subject, as a
    catalog dataset is, pointing to `can-i train`."""
    path = _request(tmp_path, [{"id": LLAMA3}, _dataset((LLAMA3, "distilled"), kind=" Dataset")], "me/ds",
                    {"release_mau": 1_000_000})
    run = can_i("--no-profile", verb, path, "--into", "mistral")
    assert run.code == 2 and "is a dataset" in run.line() and "can-i train" in run.line()
    assert "artifacts[2]" not in run.err and "your-model" not in run.err
    assert _status(can_i, "train", path, "--into", "mistral", "--generated-outputs") == "forbidden"


def test_your_own_dataset_served_as_a_public_api_is_a_model_not_data(can_i, tmp_path):
    """MEDIUM, fixed: a `"kind": "dataset"` of the user's own, distilled from Llama 3 with outputs
    the user generated, offered as a public API (`hosting: public-api`, an inference or fine-tuning
    API) was YES: read as data, Llama 3 §1.b.v spared it, yet what serves inference is a model. Now
    an input error at `use.hosting`; the same data in a product feature (or a catalog dataset
    someone else made) is answered as before."""
    artifacts = [{"id": LLAMA3}, _dataset((LLAMA3, "distilled"))]
    served = {"hosting": "public-api", "commercial": True, "release_mau": 1_000_000, "generated_outputs": True}
    run = can_i("--no-profile", "--request", _request(tmp_path, artifacts, "me/ds", served))
    assert run.code == 2 and "use.hosting" in run.line() and "serves a model" in run.line()
    path = _request(tmp_path, artifacts, "me/ds", {"release_mau": 1_000_000}, name="plain.json")
    assert can_i("--no-profile", "host", path, "--hosting", "public-api").code == 2
    assert _status(can_i, "host", path, "--hosting", "product-feature") == "permitted"
    assert _status(can_i, "host", "Anthropic/hh-rlhf", "--hosting", "public-api") == "permitted"


@pytest.mark.xfail(strict=True, reason=(
    "LOW: the mirror of explain._forbidden_either_way is missing: `t OR u` where t grants only "
    "commercial use and u only non-commercial use is permitted whichever way `commercial` goes (the "
    "user picks the alternative that fits), yet the answer is DEPENDS on it. Safe (never a wrong "
    "YES), but a clearly wrong DEPENDS. Fix: when each OR alternative is DEPENDS on one unstated fact, "
    "split that fact's values as _forbidden_either_way does and answer YES if some alternative is "
    "permitted at every value (naming the alternative per value)"))
def test_an_or_whose_alternatives_cover_every_value_of_a_fact_is_permitted():
    reasoner = make_reasoner('license t { name "T" clause "1" "C1" { grant all when commercial } }',
                             'license u { name "U" clause "1" "C1" { grant all when not commercial } }')
    answer = reasoner.ask({"artifacts": [{"id": "x/a", "license": "t OR u"}], "subject": "x/a",
                           "use": {"acts": ["use"]}})
    assert answer.status == "permitted"
