"""Numbers, lineages and files: parsed exactly, or rejected with one clear line (issue 5).

Through the API a bad input is a CanIError naming the field or file; through the CLI it is one
line on stderr and exit code 2. The CLI is driven through `reasoner.cli.main(argv)`, which returns
the exit code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_reasoner
from reasoner.api import Reasoner
from reasoner.cli import main
from reasoner.errors import CanIError, RequestError
from reasoner.numbers import parse_count

R = Reasoner()
ask_text = getattr(R, "ask_text", None)


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_error_line(err: str) -> str:
    """stderr holds exactly one line, `can-i: …`; return it."""
    assert err.endswith("\n") and err.count("\n") == 1, repr(err[:500])
    assert err.startswith("can-i: "), repr(err[:500])
    assert "Traceback" not in err
    return err.rstrip("\n")


def mau_request(value, **use):
    return {"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": value, "role": "licensee", **use}}


# --- numbers: parsed exactly -------------------------------------------------------------------

EXACT = [
    (0, 0), ("0", 0), (1, 1), (10**15, 10**15), ("1000000000000000", 10**15),
    ("1_000_000_000_000_000", 10**15), ("1,000,000,000,000,000", 10**15), ("1e15", 10**15),
    ("1E15", 10**15), ("1e+15", 10**15), ("1000T", 10**15), ("1000t", 10**15), (1e15, 10**15),
    (1e9, 10**9), (2.0, 2), ("700m", 700_000_000), ("700M", 700_000_000), ("700_000_001", 700_000_001),
    ("2.5B", 2_500_000_000), ("2.5b", 2_500_000_000), ("2.5G", 2_500_000_000), ("0.5K", 500),
    ("1.5e3", 1500), ("$1M", 1_000_000), ("$ 1,000", 1000), ("  42  ", 42), ("10T", 10**13),
    ("999999999999999999", 10**18 - 1), ("3B", 3_000_000_000), ("10_000_000_000", 10**10),
]


@pytest.mark.parametrize("value, expected", EXACT, ids=[repr(v) for v, _ in EXACT])
def test_numbers_are_parsed_exactly(value, expected):
    assert parse_count(value, "use.release_mau") == expected
    plan = R.ask(mau_request(value))          # the request field reads the same way
    assert plan.status == ("forbidden" if expected > 700_000_000 else "permitted")


@pytest.mark.parametrize("text, expected", [(t, e) for t, e in EXACT if isinstance(t, str) and t.strip()],
                         ids=[t for t, _ in EXACT if isinstance(t, str) and t.strip()])
def test_cli_mau_and_revenue_are_parsed_exactly(text, expected, capsys):
    code, out, err = cli(capsys, "host", "llama3", "--release-mau", text, "--role", "licensee", "--revenue", text, "--json")
    assert code == (1 if expected > 700_000_000 else 0), err
    assert json.loads(out)["status"] == ("forbidden" if expected > 700_000_000 else "permitted")


def written(value: int, form: int) -> object:
    """`value` as a person or a program might write it."""
    if form == 0:
        return value
    if form == 1:
        return str(value)
    if form == 2:
        return f"{value:_}"
    if form == 3:
        return f"{value:,}"
    if form == 4:
        return float(value) if value <= 2**53 else value
    digits = str(value)
    stripped = digits.rstrip("0") or "0"
    return f"{stripped}e{len(digits) - len(stripped)}"


@settings(max_examples=150, deadline=None, derandomize=True)
@given(value=st.one_of(st.integers(0, 10**15), st.sampled_from([699_999_999, 700_000_000, 700_000_001, 10**15])),
       form=st.integers(0, 5))
def test_every_count_up_to_ten_to_the_fifteen_compares_exactly(value, form):
    text = written(value, form)
    assert parse_count(text, "use.release_mau") == value
    assert R.ask(mau_request(text)).status == ("forbidden" if value > 700_000_000 else "permitted")
    assert R.ask({"licenses": ["stabilityai-ai-community"],
                  "use": {"acts": ["host"], "commercial": True, "release_mau": 1, "role": "licensee", "revenue_usd": text}}
                 ).status == ("forbidden" if value > 1_000_000 else "permitted")


def test_thresholds_near_ten_to_the_fifteen_compare_exactly():
    r = make_reasoner('license big { name "Big" osi yes clause "1" "G" { grant all }'
                      ' clause "2" "Scale" { needs separate license when release_mau > 999_999_999_999_999 } }')
    statuses = [r.ask({"licenses": ["big"], "use": {"acts": ["host"], "release_mau": m, "role": "licensee"}}).status
                for m in ("999999999999998", "999_999_999_999_999", "1e15", 10**15 + 1)]
    assert statuses == ["permitted", "permitted", "forbidden", "forbidden"]


# --- numbers: rejected clearly ---------------------------------------------------------------------

REJECTED = [
    (-1, "negative"), ("-1", "not a valid number"), (1.5, "whole number"), ("1.5", "whole number"),
    ("7OOM", "not a valid number"), ("abc", "not a valid number"), ("", "not a valid number"),
    (" ", "not a valid number"), (True, "not true"), (False, "not false"), ([], "number"), ({}, "number"),
    ("1e-3", "not a valid number"), ("NaN", "not a valid number"), ("inf", "not a valid number"),
    (float("nan"), "whole number"), (float("inf"), "whole number"), ("0x10", "not a valid number"),
    (10**18, "larger than can-i compares"), ("1e18", "larger than can-i compares"),
    (10**30, "larger than can-i compares"), ("1_,000", "not a valid number"), ("1.5.5", "not a valid number"),
    ("1 000", "not a valid number"), ("one million", "not a valid number"), ("700MM", "not a valid number"),
]


@pytest.mark.parametrize("value, words", REJECTED, ids=[repr(v) for v, _ in REJECTED])
def test_bad_numbers_are_rejected_naming_the_field(value, words):
    with pytest.raises(RequestError) as caught:
        R.ask(mau_request(value))
    assert caught.value.location == "use.release_mau"
    assert words in caught.value.message
    assert len(str(caught.value).splitlines()) == 1
    with pytest.raises(RequestError) as caught:
        R.ask({"licenses": ["mit"], "use": {"acts": ["use"], "revenue_usd": value}})
    assert caught.value.location == "use.revenue_usd"


@pytest.mark.parametrize("text", [t for t, _ in REJECTED if isinstance(t, str)])
def test_bad_numbers_on_the_command_line_exit_2_with_one_line(text, capsys):
    for option in ("--release-mau", "--revenue"):
        code, out, err = cli(capsys, "host", "llama3", option, text)
        assert code == 2
        line = one_error_line(err)
        assert option in line


# Known bugs in number reading. Each case is one line of the report.

@pytest.mark.parametrize("text", ["1,5B", "1,00", "7,5M", "1,0000"])
def test_misplaced_thousands_separators_are_rejected(text):
    with pytest.raises(ValueError):
        parse_count(text, "use.release_mau")


@pytest.mark.parametrize("text", ["1e999999999", "1e999999999M", "9E+9999999999"])
def test_huge_exponents_are_rejected_clearly(text, capsys):
    with pytest.raises(RequestError) as caught:
        R.ask(mau_request(text))
    assert caught.value.location == "use.release_mau"
    code, _, err = cli(capsys, "host", "llama3", "--release-mau", text, "--role", "licensee")
    assert code == 2
    one_error_line(err)


@pytest.mark.parametrize("value", ["1e5000", "9" * 5000, 10**5000], ids=["1e5000", "5000 nines", "int 10**5000"])
def test_numbers_over_4300_digits_get_can_is_own_message(value):
    with pytest.raises(RequestError) as caught:
        R.ask(mau_request(value))
    assert "larger than can-i compares" in caught.value.message


def test_huge_exponents_are_rejected_without_building_the_number():
    """1e999999 would be a 415 KB int (and 10**999999 takes long to build): parse_count must
    refuse it from its exponent. Bounded by memory, measured in a child process (the timeout
    only guards against a hang)."""
    code = ("import tracemalloc\nfrom reasoner.numbers import parse_count\ntracemalloc.start()\n"
            "try: parse_count('1e999999')\nexcept ValueError: pass\nprint(tracemalloc.get_traced_memory()[1])")
    done = subprocess.run([sys.executable, "-c", code], timeout=600, check=True, capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent)
    assert int(done.stdout) < 64 * 1024, f"parse_count('1e999999') allocated {int(done.stdout):,} bytes"


def test_a_request_with_a_5000_digit_number_is_rejected_clearly(tmp_path, capsys):
    text = '{"licenses": ["mit"], "use": {"acts": ["use"], "release_mau": 1' + "0" * 5000 + "}}"
    path = tmp_path / "big.json"
    path.write_text(text)
    code, _, err = cli(capsys, "--request", path)
    assert code == 2
    one_error_line(err)
    with pytest.raises(RequestError):
        ask_text(text)


def test_deeply_nested_json_is_rejected_clearly(tmp_path, capsys):
    text = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep.json"
    path.write_text(text)
    code, _, err = cli(capsys, "--request", path)
    assert code == 2
    assert str(path) in one_error_line(err)
    if ask_text is not None:
        with pytest.raises(RequestError):
            ask_text(text)


# --- lineages --------------------------------------------------------------------------------------

def art(i, parents=(), **extra):
    return {"id": i, "license": "mit", **extra,
            "derived_from": [{"id": p, "relation": "finetune"} for p in parents]}


LINEAGE_ERRORS = {
    "self-loop": ([art("a", ["a"])], None, "derives from itself", "artifacts[0].derived_from[0].id"),
    "two-cycle": ([art("a", ["b"]), art("b", ["a"])], "a", "cycle: ", "artifacts"),
    "three-cycle": ([art("a", ["b"]), art("b", ["c"]), art("c", ["a"]), art("top", ["a"])], "top", "cycle: ",
                    "artifacts"),
    "dangling": ([art("a", ["ghost"])], None, "`ghost`, which is not among the artifacts",
                 "artifacts[0].derived_from[0].id"),
    "dangling-deep": ([art("a", ["b"]), art("b", ["c"]), art("c", ["gohst"]), art("ghost")], "a",
                      "not among the artifacts (did you mean `ghost`?)", "artifacts[2].derived_from[0].id"),
    "unknown-subject": ([art("a")], "b", "subject `b` is not among the artifacts", "subject"),
    "two-roots": ([art("a"), art("b")], None, "say which artifact is the `subject`", "subject"),
    "bad-relation": ([{"id": "a", "derived_from": [{"id": "b", "relation": "fine-tune"}]}, art("b")], "a",
                     "did you mean `finetune`", "artifacts[0].derived_from[0].relation"),
    "edge-without-id": ([{"id": "a", "derived_from": [{"relation": "finetune"}]}], "a", "is required",
                        "artifacts[0].derived_from[0].id"),
}


@pytest.mark.parametrize("case", LINEAGE_ERRORS)
def test_lineage_errors_name_the_field(case):
    artifacts, subject, words, location = LINEAGE_ERRORS[case]
    doc = {"artifacts": artifacts, "use": {"acts": ["use"]}}
    if subject:
        doc["subject"] = subject
    with pytest.raises(RequestError) as caught:
        R.ask(doc)
    assert words in caught.value.message
    assert caught.value.location == location
    assert len(str(caught.value).splitlines()) == 1


@pytest.mark.parametrize("case", LINEAGE_ERRORS)
def test_lineage_errors_exit_2_with_one_line(case, tmp_path, capsys):
    artifacts, subject, words, _ = LINEAGE_ERRORS[case]
    doc = {"artifacts": artifacts, "use": {"acts": ["use"]}}
    if subject:
        doc["subject"] = subject
    path = tmp_path / "request.json"
    path.write_text(json.dumps(doc))
    code, _, err = cli(capsys, "--request", path, "--json")
    assert code == 2
    assert words in one_error_line(err)
    lineage = tmp_path / "lineage.json"           # the same artifacts as a lineage file
    lineage.write_text(json.dumps({k: v for k, v in doc.items() if k != "use"}))
    code, _, err = cli(capsys, "use", lineage)
    assert code == 2
    one_error_line(err)


def test_a_cycle_is_found_whatever_its_length():
    n = 10_000
    artifacts = [art(f"m{i}", [f"m{(i + 1) % n}"]) for i in range(n)] + [art("top", ["m0"])]
    with pytest.raises(RequestError, match="lineage has a cycle: m0 -> m1 -> "):
        R.ask({"artifacts": artifacts, "subject": "top", "use": {"acts": ["use"]}})


def test_duplicate_artifact_ids_are_rejected():
    doc = {"artifacts": [{"id": "a", "license": "llama3"}, {"id": "a", "license": "mit"}],
           "use": {"acts": ["host"], "release_mau": 800_000_000, "role": "licensee"}}
    with pytest.raises(RequestError) as caught:
        R.ask(doc)
    assert "appears twice" in caught.value.message and caught.value.location == "artifacts[1].id"


def test_a_lineage_file_with_a_cycle_and_no_subject_names_the_cycle(tmp_path, capsys):
    lineage = tmp_path / "lineage.json"
    for artifacts in ([art("a", ["b"]), art("b", ["a"])], [art("a", ["a"])]):
        lineage.write_text(json.dumps({"artifacts": artifacts}))
        code, _, err = cli(capsys, "use", lineage)
        assert code == 2
        line = one_error_line(err)
        assert "cycle" in line or "derives from itself" in line, line


def test_a_lineage_file_with_duplicate_ids_is_rejected(tmp_path, capsys):
    lineage = tmp_path / "lineage.json"
    lineage.write_text(json.dumps({"artifacts": [{"id": "a", "license": "llama3"}, {"id": "a", "license": "mit"}]}))
    code, _, err = cli(capsys, "host", lineage, "--release-mau", "800M", "--role", "licensee")
    assert code == 2
    assert "appears twice" in one_error_line(err)


# --- files ------------------------------------------------------------------------------------------

LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(5))

BAD_FILES = {
    # name: (file name, bytes, words in the message, location starts with)
    "empty card": ("README.md", b"", "file is empty", None),
    "blank card": ("card.md", b"  \n\n", "file is empty", None),
    "binary card": ("card.md", b"---\nlicense: mit\x00\x01\n---\n", "binary file", None),
    "latin-1 card": ("card.md", b"---\nlicense: caf\xe9\n---\n", "not UTF-8", None),
    "invalid YAML": ("card.md", b"---\nlicense: [mit\nbase_model: x\n---\n", "invalid YAML", ":3:"),
    "tab-indented YAML": ("card.md", b"---\nlicense: mit\n\tbase_model: x\n---\n", "invalid YAML", ":3:"),
    "no front matter": ("card.md", b"# My model\n", "no YAML front matter", ":1:1"),
    "unclosed front matter": ("card.md", b"---\nlicense: mit\n", "not closed", ":1:1"),
    "front matter is a list": ("card.md", b"---\n- mit\n---\n", "must be a mapping", ":2:1"),
    "license is a mapping": ("card.md", b"---\nlicense: {a: b}\n---\n", "`license` must be a string", None),
    "unknown relation": ("card.md", b"---\nlicense: mit\nbase_model: x\nbase_model_relation: fine-tune\n---\n",
                         "did you mean `finetune`", None),
    "python tag": ("card.md", b"---\nlicense: !!python/object/apply:os.system ['true']\n---\n",
                   "invalid YAML", ":2:"),
    "invalid JSON lineage": ("lineage.json", b'{"artifacts": [', "not valid JSON", ":1:"),
    "JSON lineage without artifacts": ("lineage.json", b'{"models": []}', "needs an `artifacts` list", None),
    "invalid TOML lineage": ("lineage.toml", b"[[artifacts]\nid = 1", "not valid TOML", None),
    "YAML lineage not a mapping": ("lineage.yaml", b"- a\n- b\n", "needs an `artifacts` list", None),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_subject_files_get_their_own_one_line_error(case, tmp_path, capsys):
    name, data, words, where = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = cli(capsys, "host", path)
    assert code == 2, out
    line = one_error_line(err)
    assert str(path) in line and words in line, line
    if where:
        assert line.startswith(f"can-i: {path}{where}"), line


def test_a_directory_where_a_file_was_expected(tmp_path, capsys):
    folder = tmp_path / "model"
    folder.mkdir()
    code, _, err = cli(capsys, "host", folder)
    assert code == 2 and "is a directory" in one_error_line(err)
    code, _, err = cli(capsys, "--request", folder)
    assert code == 2 and "is a directory" in one_error_line(err)
    (folder / "README.md").write_text("---\nlicense: llama3\n---\n")
    code, out, err = cli(capsys, "host", folder, "--release-mau", "5", "--role", "licensee", "--json")   # a model folder is its card
    assert code == 0, err
    assert json.loads(out)["subject"] == "model"


def test_missing_files_are_named(tmp_path, capsys):
    for argv in (["host", tmp_path / "nope.md"], ["--request", tmp_path / "nope.json"]):
        code, _, err = cli(capsys, *argv)
        assert code == 2
        line = one_error_line(err)
        assert "no such file" in line and "nope." in line


@pytest.mark.parametrize("data, words", [(b"", "empty"), (b"\x00\x01\x02", ""), (b"\xff\xfe{}", ""),
                                         (b"{", "not valid JSON"), (b"[]", "JSON object")])
def test_bad_request_files_exit_2_with_one_line(data, words, tmp_path, capsys):
    path = tmp_path / "request.json"
    path.write_bytes(data)
    code, _, err = cli(capsys, "--request", path, "--json")
    assert code == 2
    line = one_error_line(err)
    assert words in line


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30"])
def test_a_model_card_with_an_impossible_date_is_read_as_text(value, tmp_path, capsys):
    """Dates are not resolved in front matter: an impossible one is plain text, not a crash."""
    path = tmp_path / "card.md"
    path.write_text(f"---\nlicense: mit\nreleased: {value}\n---\n")
    code, out, err = cli(capsys, "host", path)
    assert code == 0 and out.startswith("YES") and err == ""


def test_yaml_alias_expansion_in_a_card_is_bounded(tmp_path, capsys):
    path = tmp_path / "card.md"
    path.write_text(f"---\n{LAUGHS}license: [*f]\n---\n")
    code, _, err = cli(capsys, "host", path)
    assert code == 2
    assert len(one_error_line(err)) < 2000


def test_a_very_long_subject_is_answered(capsys):
    expression = " AND ".join(["mit"] * 60)
    code, out, err = cli(capsys, "use", expression, "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "permitted"


def test_an_unknown_subject_exits_2_with_one_line(capsys):
    code, _, err = cli(capsys, "host", "no-such-license-or-model")
    assert code == 2
    assert "not a known license, catalog model or file" in one_error_line(err)


def test_errors_in_json_mode_are_documents_too(tmp_path, capsys):
    path = tmp_path / "request.json"
    path.write_text(json.dumps({"licenses": ["mit"], "use": {"acts": ["use"], "release_mau": "7OOM", "role": "licensee"}}))
    code, out, err = cli(capsys, "--request", path, "--json")
    assert code == 2
    one_error_line(err)
    doc = json.loads(out)
    assert doc["schema_version"] == "1"
    # where the file writes the field, then its JSON path (tests/test_edges6.py)
    assert doc["error"]["location"] == f"{path}:1:48: use.release_mau" and "7OOM" in doc["error"]["message"]


def test_every_error_class_is_a_can_i_error():
    from reasoner import errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, Exception)]
    assert all(issubclass(c, CanIError) for c in classes), classes
