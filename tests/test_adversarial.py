"""The standing adversarial suite: no mutation of a forbidden or depends request turns it into YES.

The mutations and their judgement live in tests/adversarial.py (run it as a script for the
per-kind table). Here hypothesis draws the mutations, derandomized so that every run draws the
same ones; each group of mutation kinds is its own test, so a group that waits for a fix can be
marked without hiding the others. The default run checks a slice of a few hundred mutants per
group; `-m slow` checks 2,500 per group (over 20,000 in all). Work is bounded by counts, never
by the clock.

Also here: fuzzing of the input formats tests/test_fuzz.py does not reach (lineage files in
JSON, YAML and TOML through the subject path; command-line option strings), and hostile inputs
run in a child process under memory and CPU limits.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import adversarial as adv
from reasoner.api import Reasoner
from reasoner.cli import main as cli_main
from reasoner.errors import CanIError
from reasoner.subjects import Context, build_request
from sizes import sized  # noqa: E402 - the default run's sample, the full one under -m slow

R = Reasoner()
SEEDS = adv.load_seeds(R)
BATCH = 50                 # mutants answered by one ask_many call
DEFAULT_PER_GROUP = sized(40, 250)     # the default run: 13 groups, 520 mutants (3,250 at full size)
SLOW_PER_GROUP = 2_500     # -m slow: 30,000 mutants


def _applicable(group: adv.Group) -> list[int]:
    """Seeds the group's own mutations apply to (so that no draw is wasted)."""
    out = []
    for index, seed in enumerate(SEEDS):
        for own in group.own:
            if any(adv.make_mutant(seed, own, (), adv.Env(R, random.Random(k))) for k in range(4)):
                out.append(index)
                break
    return out


def plans(group: adv.Group, seeds: list[int]):
    return st.tuples(st.sampled_from(seeds), st.just(group.name), st.sampled_from(group.own),
                     st.lists(st.sampled_from(group.extra), max_size=2, unique=True).map(tuple),
                     st.integers(0, 2**32 - 1))


def check_group(group: adv.Group, count: int) -> adv.Tally:
    """The property over `count` mutants of the group; returns the tally (raises on a problem)."""
    tally = adv.Tally()
    seeds = _applicable(group)
    assert seeds, f"no seed takes a mutation of group {group.name}"

    @settings(max_examples=math.ceil(count / BATCH) * 4, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.lists(plans(group, seeds), min_size=BATCH, max_size=BATCH))
    def no_mutation_turns_no_into_yes(batch):
        if tally.total >= count:
            return
        outcomes = adv.run_mutants(R, adv.mutants_for(batch, SEEDS, R))
        for outcome in outcomes:
            tally.add(outcome)
        problems = [(adv.judge(o), o.mutant) for o in outcomes if adv.judge(o)]
        assert not problems, tally.report()

    no_mutation_turns_no_into_yes()
    print(f"\n[{group.name}] " + tally.table())
    assert tally.total >= count, f"only {tally.total} mutants of {count} were generated"
    return tally


EVERYTHING = adv.Group(
    "everything", tuple(k for k in adv.DOC_MUTATIONS if k != "drop-fact") + tuple(adv.CARRIERS),
    adv.STRUCTURE + ("case", "unicode", "empty-list", "ownership:mine", "ownership:license"))

# Mutation groups that still find a wrong answer, with what they need (empty: every group holds).
PENDING: dict[str, str] = {}


def _params():
    for group in adv.GROUPS + [EVERYTHING]:
        marks = [pytest.mark.xfail(strict=False, reason=PENDING[group.name])] if group.name in PENDING else []
        yield pytest.param(group, id=group.name, marks=marks)


def test_every_seed_gives_its_expected_answer():
    """The property compares with the seeds' answers, so they must hold first."""
    results = R.ask_many([seed.doc for seed in SEEDS])
    wrong = [(s.label, s.status, r.status) for s, r in zip(SEEDS, results) if r.status != s.status]
    assert not wrong
    assert len(SEEDS) >= 150
    assert {s.status for s in SEEDS} == {"forbidden", "depends"}


@pytest.mark.parametrize("group", list(_params()))
def test_no_mutation_of_a_forbidden_request_turns_it_into_yes(group):
    check_group(group, DEFAULT_PER_GROUP)


@pytest.mark.slow
@pytest.mark.parametrize("group", list(_params()))
def test_no_mutation_of_a_forbidden_request_turns_it_into_yes_at_scale(group):
    check_group(group, SLOW_PER_GROUP)


# --- the judge itself can fail ---------------------------------------------------------------------

def _outcome(seed_status: str, status: str | None, kinds=("reorder",)) -> adv.Outcome:
    seed = adv.Seed("s", {"licenses": ["mit"]}, seed_status)
    return adv.Outcome(adv.Mutant(seed, tuple(kinds), {}), status)


def test_the_judge_refuses_a_wrong_yes_even_after_a_legal_change():
    assert adv.judge(_outcome("forbidden", "permitted")) == "wrong YES"
    assert adv.judge(_outcome("depends", "permitted", ("drop-fact:release_mau",))) == "wrong YES"
    assert adv.judge(_outcome("forbidden", "depends", ("drop-fact:release_mau",))) is None


def test_the_judge_holds_same_meaning_mutations_to_the_seed_answer():
    assert adv.judge(_outcome("forbidden", None)) is None                      # an input error
    assert adv.judge(_outcome("forbidden", "forbidden")) is None
    assert adv.judge(_outcome("forbidden", "depends")) == "changed forbidden to depends"
    assert adv.judge(_outcome("forbidden", "unknown")) == "changed forbidden to unknown"
    assert adv.judge(_outcome("forbidden", "unknown", ("unicode:license-id:homoglyph",))) is None


def test_the_generator_finds_a_known_wrong_yes():
    """A control: the generator and runner do catch a wrong YES when one is planted, here a
    request whose mutated use lets `mit` win."""
    seed = next(s for s in SEEDS if s.label.startswith("stack: CC-BY-NC"))
    planted = adv.Mutant(seed, ("reorder",), {"licenses": ["mit"], "use": {"acts": ["host"], "commercial": True}})
    [outcome] = adv.run_mutants(R, [planted])
    assert adv.judge(outcome) == "wrong YES"


def test_every_mutation_kind_applies_to_some_seed():
    for name in list(adv.DOC_MUTATIONS) + list(adv.CARRIERS):
        found = any(adv.make_mutant(seed, name, (), adv.Env(R, random.Random(k)))
                    for seed in SEEDS for k in range(2))
        assert found, name


def test_lineage_files_in_every_format_give_the_seed_answers():
    """The carriers are faithful: a seed said through a lineage file, without other mutations,
    gets its own answer back."""
    checked = 0
    for index, seed in enumerate(SEEDS[::7]):
        for k in range(3):
            mutant = adv.c_lineage_file(adv.Mutant(seed, (), seed.doc), adv.Env(R, random.Random(k + index)))
            if mutant is None:
                continue
            [outcome] = adv.run_mutants(R, [mutant])
            assert outcome.status == seed.status, (seed.label, mutant.reproduction(), outcome.error)
            checked += 1
    assert checked >= 40


# --- documented reproductions: one per kind that gave a wrong YES before the fixes ------------------

def _ask(doc):
    try:
        return R.ask(doc).status
    except CanIError:
        return "error"


def _ask_text(text):
    try:
        return R.ask_text(text).status
    except CanIError:
        return "error"


VISION_EU = {"artifacts": [{"id": "llama4-model", "license": "llama4", "family": "llama",
                            "modalities": ["text", "image"]}],
             "use": {"acts": ["host"], "commercial": True, "release_mau": 10_000_000, "role": "licensee", "domicile": ["EU"]}}


@pytest.mark.parametrize("territory", ["EՍ", "ＥＵ", "E\u200bU", "EU\u0327"])
def test_a_look_alike_territory_is_not_outside_the_eu(territory):
    doc = json.loads(json.dumps(VISION_EU))
    doc["use"]["domicile"] = [territory]   # the EU paragraph reads the licensee's domicile
    assert _ask(VISION_EU) == "forbidden"
    assert _ask(doc) in ("forbidden", "error")


@pytest.mark.parametrize("purpose", ["miӏitary", "ｍｉｌｉｔａｒｙ", "military\u200b", "milïtary"])
def test_a_look_alike_purpose_is_not_a_harmless_purpose(purpose):
    doc = {"artifacts": [{"id": "m", "license": "deepseek", "family": "deepseek"}],
           "use": {"acts": ["host"], "purposes": ["military"]}}
    assert _ask(doc) == "forbidden"
    doc["use"]["purposes"] = [purpose]
    assert _ask(doc) in ("forbidden", "error")


@pytest.mark.parametrize("field, holder", [("territory", "use"), ("modalities", "artifact")])
def test_an_empty_list_does_not_turn_depends_into_yes(field, holder):
    doc = {"artifacts": [{"id": "m", "license": "llama3.3", "family": "llama"}],
           "use": {"acts": ["use"], "release_mau": 1_000_000, "role": "licensee", "territory": ["FR"]}}
    if field == "territory":
        doc["artifacts"][0]["modalities"] = ["text", "image"]
        doc["artifacts"][0]["license"] = "llama3.2"
        del doc["use"]["territory"]
    assert _ask(doc) == "depends"
    (doc["use"] if holder == "use" else doc["artifacts"][0])[field] = []
    assert _ask(doc) in ("depends", "error")


@pytest.mark.parametrize("text", [
    '{"licenses": ["cc-by-nc-4.0"], "use": {"acts": ["host"], "commercial": true, "commercial": false}}',
    '{"licenses": ["cc-by-nc-4.0"], "licenses": ["mit"], "use": {"acts": ["host"], "commercial": true}}',
    '{"licenses": ["llama3.1"], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee", "release_mau": 1, "role": "licensee"}}',
    '{"artifacts": [{"id": "m", "license": "llama3", "license": "mit"}], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}}',
    '{"artifacts": [{"id": "m", "license": "deepseek"}], "use": {"acts": ["host"], "purposes": ["military"],'
    ' "purposes": ["research"]}}',
])
def test_a_duplicate_key_is_an_error_not_last_wins(text):
    assert _ask_text(text) == "error"


@pytest.mark.parametrize("doc", [
    {"artifacts": [{"id": adv.L3, "mine": True}], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}},
    {"artifacts": [{"id": adv.L3, "license": "mit"}], "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee"}},
    {"artifacts": [{"id": "CohereLabs/aya-23-8B", "mine": True}], "use": {"acts": ["host"], "commercial": True}},
])
def test_claiming_a_catalog_model_does_not_drop_its_license(doc):
    assert _ask(doc) in ("forbidden", "error")


@pytest.mark.parametrize("license_id, options", [
    ("llama3", ["--release-mau", "800M", "--role", "licensee"]), ("llama3", []), ("cc-by-nc-4.0", ["--commercial"]),
])
def test_a_received_model_card_binds_the_user_like_its_license_id(tmp_path, capsys, license_id, options):
    card = tmp_path / "received" / "README.md"
    card.parent.mkdir()
    card.write_text(f"---\nlicense: {license_id}\n---\n# A model\n", encoding="utf-8")
    by_id = cli_main(["host", license_id, *options])
    by_card = cli_main(["host", str(card), *options])
    capsys.readouterr()
    assert by_id != 0
    assert by_card == by_id   # a received card answers as its license id does, not as an input error


@pytest.mark.parametrize("name", ["-Llama-Bot", "_Llama-Bot", " Llama-Bot", ".Llama-Bot", "Llаma-Bot",
                                  "L\u200blama-Bot"])
def test_a_name_that_only_looks_like_it_starts_with_llama_breaks_the_naming_duty(name):
    doc = {"artifacts": [{"id": "base", "license": "llama3.1", "family": "llama"},
                         {"id": "mine", "mine": True, "derived_from": [{"id": "base", "relation": "finetune"}]}],
           "subject": "mine", "use": {"acts": ["distribute"], "release_mau": 1_000_000, "role": "licensee", "name": "SupportBot"}}
    assert _ask(doc) == "forbidden"
    doc["use"]["name"] = name
    assert _ask(doc) in ("forbidden", "error")


@pytest.mark.parametrize("fmt", ["json", "yaml", "card"])
def test_a_duplicate_key_in_a_lineage_file_or_card_is_an_error(tmp_path, fmt):
    if fmt == "card":
        path = tmp_path / "received" / "README.md"
        path.parent.mkdir()
        path.write_text("---\nlicense: llama3\nlicense: mit\n---\n", encoding="utf-8")
    else:
        path = tmp_path / f"lineage.{fmt}"
        text = ('{"artifacts": [{"id": "m", "license": "llama3", "license": "mit"}]}' if fmt == "json"
                else 'artifacts:\n- id: m\n  license: llama3\n  license: mit\n')
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CanIError):
        R.ask(build_request(R.kb, str(path), "host", Context(release_mau=800_000_000)))


# --- fuzzing the formats test_fuzz.py does not reach ------------------------------------------------

INSERTS = list('{}[]()",=:#\\\'.-+_ \n\t&*!|>%@`') + ["é", "中", "\u00a0", "\ufeff", "\x0b", "\x00", "0", "M",
                                                     "true", "null", "~", "- ", "[[", "]]", "<<: ", "? "]


def mutate_text(text: str, rnd: random.Random) -> str:
    for _ in range(rnd.randint(1, 4)):
        if not text:
            return rnd.choice(INSERTS)
        pos = rnd.randrange(len(text) + 1)
        op = rnd.randrange(6)
        if op == 0:
            text = text[:pos] + text[pos + 1:]
        elif op == 1:
            text = text[:pos] + rnd.choice(INSERTS) + text[pos:]
        elif op == 2:
            text = text[:pos] + rnd.choice(INSERTS) + text[pos + 1:]
        elif op == 3:
            text = text[:pos]
        else:
            lines = text.split("\n")
            i = rnd.randrange(len(lines))
            if op == 4:
                lines.insert(i, lines[i])
            else:
                del lines[i]
            text = "\n".join(lines)
    return text


def lineage_texts(rnd: random.Random):
    """Lineage files of the seeds in each format, mutated at the byte level."""
    while True:
        seed = rnd.choice(SEEDS)
        if "artifacts" not in seed.doc:
            continue
        lineage = {"artifacts": seed.doc["artifacts"]}
        if seed.doc.get("subject"):
            lineage["subject"] = seed.doc["subject"]
        fmt = rnd.choice(["json", "yaml", "toml"])
        text = {"json": lambda: json.dumps(lineage, indent=2, ensure_ascii=False),
                "yaml": lambda: yaml.safe_dump(lineage, allow_unicode=True),
                "toml": lambda: adv.to_toml(lineage)}[fmt]()
        yield fmt, mutate_text(text, rnd)


def fuzz_lineage_files(folder: Path, cases: int = 900):
    """(answered, located errors, errors that do not name the file) over mutated lineage files."""
    rnd = random.Random(8)
    answered, located, unlocated = 0, 0, []
    texts = lineage_texts(rnd)
    for case in range(cases):
        fmt, text = next(texts)
        path = folder / f"case{case}.{fmt}"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            doc = build_request(R.kb, str(path), rnd.choice(["host", "distribute", "finetune", "distill"]),
                                Context(release_mau=rnd.choice([None, 800_000_000]), commercial=rnd.choice([None, True])))
            R.ask(doc)
            answered += 1
        except CanIError as exc:
            message = str(exc)
            assert "\n" not in message and message.strip(), (fmt, text, message)
            if message.startswith(str(path)):
                located += 1
            else:
                unlocated.append((fmt, text, message))
    return answered, located, unlocated


def test_mutated_lineage_files_are_answered_or_rejected_in_one_line(tmp_path):
    answered, located, unlocated = fuzz_lineage_files(tmp_path)
    assert answered and located and answered + located + len(unlocated) == 900


def test_every_lineage_file_error_names_the_file(tmp_path):
    _, _, unlocated = fuzz_lineage_files(tmp_path, cases=300)
    assert not unlocated, unlocated[:3]


OPTION_VALUES = {
    "--release-mau": ["800M", "8e8", "800_000_000", "800,000,000", "-1", "", "1e99", "١٢", "7OOM", "0x10", "nan"],
    "--revenue": ["$1M", "1,5B", "", "-5", "1e400", "$$1"],
    "--territory": ["EU", "eu", "", "EU,US", "ＥＵ", "EՍ", "XX", "\u200bEU", "European Union"],
    "--purpose": ["military", "MILITARY", "militray", "", "miӏitary", "military,weapons", "research"],
    "--into": ["mistral", "MISTRAL", "", "ｍｉｓｔｒａｌ", "llama"],
    "--name": ["Llama-x", "-Llama-x", " Llama", "", "\x1b[31mLlama", "Llama\nx"],
    "--as": ["mit", "MIT", "", "ｍｉｔ", "mit OR apache-2.0", "nope-1.0"],
    "--grant": ["llama3", "LLAMA3", "", "ｌｌａｍａ3", "llama3\u200b", "nope"],
    "--on": ["2025-01-01", "2025-02-30", "", "yesterday", "99999-01-01"],
    "--and": ["host", "distribute", "", "sing"],
}
FORBIDDEN_CLI = [
    ["host", "llama3", "--release-mau", "800M", "--role", "licensee"],
    ["host", "meta-llama/Llama-3.2-11B-Vision-Instruct", "--release-mau", "1M", "--role", "licensee", "--domicile", "EU"],
    ["host", "cc-by-nc-4.0", "--commercial"],
    ["host", "deepseek", "--purpose", "military"],
    ["distill", "meta-llama/Meta-Llama-3-8B", "--into", "mistral", "--release-mau", "1M", "--role", "licensee"],
]


def test_random_option_strings_give_an_answer_or_a_usage_error(capsys):
    """Every option value, however odd, ends in an exit code of the contract (0-3) with output
    on one line for errors: no traceback, whatever is typed."""
    rnd = random.Random(9)
    codes = []
    for _ in range(sized(80, 200)):
        argv = list(rnd.choice(FORBIDDEN_CLI))
        for _ in range(rnd.randint(1, 3)):
            option = rnd.choice(list(OPTION_VALUES))
            value = rnd.choice(OPTION_VALUES[option])
            if rnd.random() < 0.3:
                value = mutate_text(value, rnd)
            argv += [option, value]
        code = cli_main(argv)
        out, err = capsys.readouterr()
        assert code in (0, 1, 2, 3), (argv, code)
        assert "Traceback" not in out + err, argv
        if code == 2:
            assert len(err.strip().splitlines()) == 1, (argv, err)
        codes.append(code)
    assert {1, 2} <= set(codes)


@pytest.mark.parametrize("argv, option, original", [
    (FORBIDDEN_CLI[1], "--territory", "EU"), (FORBIDDEN_CLI[3], "--purpose", "military"),
    (FORBIDDEN_CLI[4], "--into", "mistral"),
])
def test_look_alike_option_values_do_not_answer_yes(capsys, argv, option, original):
    """The command-line face of the unicode mutations: a look-alike value is an error or the
    original answer, never YES."""
    assert cli_main(argv) == 1
    rnd = random.Random(10)
    wrong = []
    for _ in range(20):
        value, form = adv.look_alike(original, rnd)
        mutated = [value if (a == original and argv[i - 1] == option) else a for i, a in enumerate(argv)]
        if cli_main(mutated) == 0:
            wrong.append((form, value))
    capsys.readouterr()
    assert not wrong


# --- hostile inputs under memory and CPU limits -----------------------------------------------------

CHILD = textwrap.dedent(r"""
    import json, resource, sys
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
    resource.setrlimit(resource.RLIMIT_CPU, (120, 120))
    from reasoner.api import Reasoner
    from reasoner.errors import CanIError
    from reasoner.subjects import Context, build_request
    R = Reasoner()
    outcomes = {}
    for path in sorted(Path(sys.argv[1]).iterdir()):
        try:
            if path.name.startswith("request"):
                outcomes[path.name] = R.ask_text(path.read_bytes()).status
            else:
                outcomes[path.name] = R.ask(build_request(R.kb, str(path), "host", Context())).status
        except CanIError as exc:
            outcomes[path.name] = "error: " + str(exc)[:200]
        except (MemoryError, RecursionError) as exc:
            outcomes[path.name] = "crash: " + type(exc).__name__
    print(json.dumps(outcomes))
""")


def hostile_inputs(folder: Path) -> dict[str, bytes]:
    many = [{"id": f"m{i}", "license": "mit"} for i in range(20_000)]
    some = many[:2_000]
    files = {
        "request-deep.json": b"[" * 200_000 + b"]" * 200_000,
        "request-wide.json": json.dumps({"artifacts": many, "subject": "m0", "use": {"acts": ["host"]}}).encode(),
        "request-long-string.json": json.dumps({"licenses": ["mit" + " AND mit" * 30_000],
                                               "use": {"acts": ["host"]}}).encode(),
        "request-big-number.json": b'{"licenses": ["llama3"], "use": {"acts": ["host"], "release_mau": 1' + b"0" * 5000 + b"}}",
        "deep.yaml": b"artifacts: " + b"[" * 50_000 + b"]" * 50_000,
        "aliases.yaml": b"a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nartifacts: [*c, *c, *c, *c, *c, *c, *c]\n",
        "deep.toml": b"artifacts = " + b"[" * 50_000 + b"]" * 50_000,
        "deep-lineage.json": b'{"artifacts": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        "wide.toml": "\n".join(f'[[artifacts]]\nid = "m{i}"\nlicense = "mit"' for i in range(20_000)).encode(),
        "wide.yaml": yaml.safe_dump({"artifacts": some}).encode(),
        "card-deep.md": b"---\nlicense: " + b"[" * 50_000 + b"]" * 50_000 + b"\n---\n",
        "card-long.md": b"---\nlicense: mit\nbase_model: [" + b", ".join(b"x%d" % i for i in range(21_000)) + b"]\n---\n",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


@pytest.fixture(scope="module")
def hostile_outcomes(tmp_path_factory):
    """Each format's worst shapes (deep nesting, aliases, huge lists, long strings and numbers),
    answered in one child process held to 1.5 GiB and 120 s of CPU (a bound on work, not on
    the clock): file name -> status, `error: …` or `crash: …`."""
    folder = tmp_path_factory.mktemp("hostile")
    files = hostile_inputs(folder)
    child = subprocess.run([sys.executable, "-c", CHILD, str(folder)], capture_output=True, text=True,
                           cwd=Path(__file__).resolve().parent.parent)
    assert child.returncode == 0, child.stderr[-2000:]
    outcomes = json.loads(child.stdout)
    assert set(outcomes) == set(files)
    return outcomes


HOSTILE_NAMES = ["request-deep.json", "request-wide.json", "request-long-string.json", "request-big-number.json",
                 "deep.yaml", "aliases.yaml", "deep.toml", "deep-lineage.json", "wide.toml", "wide.yaml", "card-deep.md", "card-long.md"]

@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_inputs_of_every_format_stay_within_memory_and_cpu_limits(hostile_outcomes, name):
    outcome = hostile_outcomes[name]
    assert outcome.startswith("error: ") or outcome in ("permitted", "forbidden", "depends", "unknown"), outcome
