"""Hostile review (review2) of remedies, `--hub` and BOMs: each test is a defect found and fixed,
or a property a fix must keep. No test reaches the network (a server on 127.0.0.1 stands in)."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import ThreadingHTTPServer

import pytest

pytest.importorskip("huggingface_hub")

from test_hub_bom import _Hub, ask, card, hub, notes  # noqa: E402,F401  (hub: the recorded-Hub fixture)

from reasoner.cli import main  # noqa: E402


class _Drip(_Hub):
    """A Hub that answers at once, then sends the body one byte at a time: never silent for
    longer than the read timeout, so only the card deadline stops it."""

    def do_GET(self):
        type(self).requests.append(("GET", self.path, None))
        body = b"---\nlicense: mit\n---\n" + b"x" * 10_000
        self.send_response(200)
        self.send_header("Content-Type", "text/markdown")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass


def test_a_drip_feeding_hub_is_given_up_once_not_once_per_card(tmp_path, capsys, monkeypatch):
    """A Hub that trickles bytes cost CARD_DEADLINE for EVERY unknown parent and dataset (the
    'too long' was a passing problem, so the next card was asked again): up to MAX_CARDS × 30 s,
    a hang. Once a card takes too long, the rest of the question answers from the cache."""
    import reasoner.hub

    handler = type("Drip", (_Drip,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
        monkeypatch.setenv("CAN_I_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setattr(reasoner.hub, "CARD_DEADLINE", 0.3)
        subject = card(tmp_path, "license: mit\nbase_model: drip/a\ndatasets:\n- drip/b\n- drip/c\n- drip/d")
        code, answer = ask(capsys, "distribute", str(subject), "--hub")
        assert (code, answer["status"]) == (3, "unknown")
        assert len(handler.requests) == 1, handler.requests
        assert len(notes(answer, "hub_unknown")) == 4
    finally:
        server.shutdown()
        server.server_close()


def test_hub_headers_do_not_fetch_the_agent_registry(hub, tmp_path, capsys, monkeypatch):
    """huggingface_hub's build_hf_headers fetched `{endpoint}/api/agent-harnesses` (outside can-i's
    timeouts and deadline, into ~/.cache/huggingface): one request per run that can-i did not
    bound. can-i sends its own user agent and token instead."""
    from huggingface_hub.utils import _detect_agent

    asked = []
    monkeypatch.setattr(_detect_agent, "_registry", None)
    monkeypatch.setattr(_detect_agent, "_read_cached_registry", lambda *a, **k: None)
    monkeypatch.setattr(_detect_agent, "_fetch_registry", lambda: asked.append(1))
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    subject = card(tmp_path, "license: mit\nbase_model: someone/mit-on-nc-data")
    code, answer = ask(capsys, "distribute", str(subject), "--commercial", "--hub")
    assert (code, answer["status"]) == (1, "forbidden") and not asked
    assert all(auth == "Bearer hf_secret" for _, _, auth in hub.requests) and hub.requests


def _poison(tmp_path, hub_handler, repo_id: str, front_matter, fetched: str):
    from reasoner.hub import HubResolver

    resolver = HubResolver(tmp_path / "cache" / "hub")
    path = resolver._cache_path(repo_id, "model")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"id": repo_id, "kind": "model", "fetched": fetched, "front_matter": front_matter,
                                "problem": None if front_matter else "no model card on the Hub (404)"}))


def test_a_cache_entry_dated_in_the_future_is_fetched_again(hub, tmp_path, capsys):
    """A cached card "fetched" in the future was never stale (its age was negative), so an entry
    edited by hand (or written under a wrong clock) stood forever: here a relabelled Llama
    fine-tune cached as plain MIT made a forbidden lineage permitted. It is fetched again."""
    _poison(tmp_path, hub, "someone/llama-relabelled", "license: mit", "2999-01-01T00:00:00Z")
    subject = card(tmp_path, "license: apache-2.0\nbase_model: someone/llama-relabelled")
    code, answer = ask(capsys, "distribute", str(subject), "--release-mau", "800M", "--role", "licensee", "--hub")
    assert (code, answer["status"]) == (1, "forbidden")
    assert any("someone/llama-relabelled" in path for _, path, _ in hub.requests)


def test_a_cached_404_says_it_is_a_cached_answer_and_when(hub, tmp_path, capsys):
    """A 404 kept in the cache was reported as "no model card on the Hub (404)", as if just asked:
    a stale 404 hid a card published since without saying so. The note now gives its date."""
    day = (datetime.now(timezone.utc) - timedelta(hours=2)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    _poison(tmp_path, hub, "someone/llama-relabelled", None, day)
    subject = card(tmp_path, "license: apache-2.0\nbase_model: someone/llama-relabelled")
    code, answer = ask(capsys, "distribute", str(subject), "--hub")
    assert (code, answer["status"]) == (3, "unknown")
    said = notes(answer, "hub_unknown")[0]
    assert "cached" in said and day[:10] in said, said


def test_a_deep_pedigree_is_an_input_error_not_a_missing_install(tmp_path, capsys):
    """~130 levels of pedigree.ancestors made the schema validator hit the recursion limit, which
    was reported as "cannot validate ... pip install can-i[bom]" (a usage problem, with the
    library installed). It is an input error about the BOM, located at the file."""
    pytest.importorskip("cyclonedx")
    component = '{"type":"machine-learning-model","group":"x","name":"m0","licenses":[{"license":{"id":"MIT"}}]}'
    for i in range(1, 200):
        component = ('{"type":"machine-learning-model","group":"x","name":"m%d","licenses":[{"license":{"id":"MIT"}}],'
                     '"pedigree":{"ancestors":[%s]}}' % (i, component))
    path = tmp_path / "deep.cdx.json"
    path.write_text('{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"component":%s}}' % component)
    code = main(["distribute", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "pip install" not in err and "nested too deeply" in err and str(path) in err, err


def test_cyclonedx_output_says_which_alternative_the_yes_takes(capsys):
    """`cc-by-nc-4.0 OR mit`, commercial: the JSON says permitted with `choice` (MIT); the
    CycloneDX output said only `can-i:status permitted` beside the expression `cc-by-nc-4.0 OR
    mit`, so a pipeline reading it could take the NC alternative as cleared. It names the choice."""
    pytest.importorskip("cyclonedx")
    code = main(["distribute", "cc-by-nc-4.0 OR mit", "--commercial", "--json", "--no-remedies"])
    answer = json.loads(capsys.readouterr().out)
    assert (code, answer["status"], answer["choice"]) == (0, "permitted", {"stack": ["mit"]})
    main(["distribute", "cc-by-nc-4.0 OR mit", "--commercial", "--cyclonedx"])
    bom = json.loads(capsys.readouterr().out)
    props = {(p["name"], p["value"]) for p in bom["metadata"]["component"]["properties"]}
    assert ("can-i:status", "permitted") in props and ("can-i:choice", "stack under mit") in props, props


@pytest.mark.parametrize("kind", ["file", "library"])
def test_llama_weights_a_model_depends_on_are_not_left_out_whatever_their_type(tmp_path, capsys, kind):
    """A relabelled Llama 3 fine-tune whose BOM lists the Llama weights as a `file` (or `library`)
    component in `dependencies` came out PERMITTED: the pedigree path reads an ancestor of any
    type, but the dependencies path dropped non-model components ("not judged"). Weights, Hub
    purls and catalog models a model depends on are its ancestors; other libraries stay out."""
    pytest.importorskip("cyclonedx")
    from test_hub_bom import FORBIDDEN_CONTEXT, cdx, lic, model, write

    doc = cdx([{"type": kind, "group": "meta-llama", "name": "Meta-Llama-3-8B", "bom-ref": "llama"},
               {"type": "library", "name": "torch", "bom-ref": "torch"}],
              subject=model("acme", "ft", [lic("Apache-2.0")], ref="ft"),
              dependencies=[{"ref": "ft", "dependsOn": ["llama", "torch"]}])
    code, answer = ask(capsys, "distribute", str(write(tmp_path, doc)), *FORBIDDEN_CONTEXT)
    assert (code, answer["status"]) == (1, "forbidden"), answer
    assert any(r["license"] == "llama3" for r in answer["reasons"])
    # a library the catalog does not know is still left out, not an unknown parent
    doc["components"] = doc["components"][1:]
    doc["dependencies"] = [{"ref": "ft", "dependsOn": ["torch"]}]
    code, answer = ask(capsys, "distribute", str(write(tmp_path, doc, "torch.cdx.json")), "--commercial")
    assert (code, answer["status"]) == (0, "permitted") and notes(answer, "bom_left_out")


@pytest.mark.parametrize("rtype, said", [("DESCENDANT_OF", "did you mean `descendantOf`"),
                                         ("descendentOf", "did you mean `descendantOf`"), ("contains", None)])
def test_spdx3_relationships_never_drop_a_parent_silently(tmp_path, capsys, rtype, said):
    """An SPDX 3 relationship whose type the reader did not handle was skipped: `DESCENDANT_OF`
    (the SPDX 2 spelling), a typo, or `contains` (a model packaging Llama 3) made a relabelled
    fine-tune PERMITTED. An unknown type is an input error with a did-you-mean; `contains`
    between AI/dataset packages carries the contained one, as nested CycloneDX components do."""
    from test_hub_bom import FORBIDDEN_CONTEXT, LLAMA, ai, rel, spdx3, write

    apache = {"type": "simplelicensing_LicenseExpression", "spdxId": "urn:apache", "creationInfo": "_:ci",
              "simplelicensing_licenseExpression": "Apache-2.0"}
    doc = spdx3(ai("urn:ft", "acme/llama-ft"), ai("urn:llama", LLAMA), apache,
                rel(1, "hasDeclaredLicense", "urn:ft", "urn:apache"), rel(2, rtype, "urn:ft", "urn:llama"), root="urn:ft")
    path = write(tmp_path, doc, "bom.spdx3.json")
    if said:
        assert main(["distribute", str(path), *FORBIDDEN_CONTEXT]) == 2
        err = capsys.readouterr().err
        assert said in err and "@graph[6].relationshipType" in err and err.count("\n") == 1, err
    else:
        code, answer = ask(capsys, "distribute", str(path), *FORBIDDEN_CONTEXT)
        assert (code, answer["status"]) == (1, "forbidden")


INDENTED_RULE = ("license: apache-2.0\ndescription: |\n  A model.\n  ---\n  More.\n"
                 "base_model: meta-llama/Meta-Llama-3-8B")


def test_an_indented_rule_in_a_block_scalar_does_not_end_a_local_cards_front_matter(tmp_path, capsys):
    """`  ---` inside a YAML block scalar closed the front matter (the line was stripped), so the
    base_model after it was never read: a Llama 3 fine-tune labelled apache-2.0 came out
    PERMITTED while the Hub (whose parser wants `---` at the start of a line) shows its Llama
    base. The closing line is `---` at column 0, as YAML and the Hub read it."""
    from test_hub_bom import FORBIDDEN_CONTEXT

    code, answer = ask(capsys, "distribute", str(card(tmp_path, INDENTED_RULE)), *FORBIDDEN_CONTEXT)
    assert (code, answer["status"]) == (1, "forbidden")


def test_an_indented_rule_does_not_end_a_hub_cards_front_matter(hub, tmp_path, capsys):
    from test_hub_bom import FORBIDDEN_CONTEXT

    hub.models["someone/hidden-base"] = INDENTED_RULE
    subject = card(tmp_path, "license: apache-2.0\nbase_model: someone/hidden-base")
    code, answer = ask(capsys, "distribute", str(subject), *FORBIDDEN_CONTEXT, "--hub")
    assert (code, answer["status"]) == (1, "forbidden")
