"""Fuzzing the readers with generated and mutated input (issue 5).

Every input must either be read or be rejected with a CanIError whose text is one line (for the
DSL: `file:line:col: message`). Anything else, or a case still running after HANG_GUARD seconds
(a guard against a hang, not a measure of speed: no wall-clock time is asserted), is a failure. The random seed is fixed, so a failure reproduces: each one is reported with the
mutated input, ready to paste into a test.

Failures that match a bug already reported (see KNOWN) do not fail the fuzz tests, so that the
fuzzing keeps guarding against new bugs; they are counted, and
`test_fuzzing_meets_no_known_bug` fails while any is met.
"""

from __future__ import annotations

import functools
import json
import math
import random
import re
import signal
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reasoner import resources
from reasoner.api import Reasoner
from reasoner.errors import CanIError
from reasoner.kb import KnowledgeBase
from reasoner.numbers import MAX_NUMBER, parse_count
from reasoner.parse import parse_text
from reasoner.request import read_request
from reasoner.subjects import model_card
from sizes import sized  # noqa: E402 - the default run's sample, the full one under -m slow

SEED = 20250605
HANG_GUARD = 120.0     # seconds after which one case counts as a hang (never a speed assertion)
R = Reasoner()
ask_text = getattr(R, "ask_text", R.ask)     # JSON text (str or bytes) in, Result out
LICENSE_FILES = sorted((resources.facts_dir() / "licenses").glob("*.lic"))
LICENSE_TEXTS = [p.read_text(encoding="utf-8") for p in LICENSE_FILES]

# Bugs already reported, recognised by the exception they raise or the message they give.
# Bugs fuzzing has met and that are not fixed yet, by name -> description. Empty: the four it
# found (raw input in messages, decimal overflow, JSON integers over 4,300 digits, impossible
# YAML dates) are fixed, and their tests in test_injection.py and test_inputs.py guard them.
KNOWN: dict[str, str] = {}


# --- running one case ---------------------------------------------------------------------------

class Hang(Exception):
    pass


@contextmanager
def bounded(seconds: float = HANG_GUARD):
    """Interrupt a case that runs too long (SIGALRM: main thread, POSIX)."""
    def expire(signum, frame):
        raise Hang(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Tally:
    cases: int = 0
    accepted: int = 0
    new: list = field(default_factory=list)      # (input, problem)
    known: dict = field(default_factory=dict)    # bug id -> first input

    def report(self) -> str:
        lines = [f"{len(self.new)} of {self.cases} cases failed:"]
        for text, problem in self.new[:5]:
            lines.append(f"  {problem}\n    input: {text!r}"[:2000])
        return "\n".join(lines)




def one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and "\r" not in message


def classify(exc: BaseException) -> str | None:
    """The KNOWN bug an exception is, or None (a new problem)."""
    return None


def run_case(tally: Tally, text, action, check_error=None) -> object:
    """Run `action()`; record what went wrong. Returns its value, or None if it raised."""
    tally.cases += 1
    problem, known = None, None
    value = None
    try:
        with bounded():
            value = action()
        tally.accepted += 1
    except CanIError as exc:
        message = str(exc)
        if not one_line(message) or len(message.splitlines()) != 1:
            problem = f"error is not one line: {message!r}"
        elif check_error is not None:
            problem = check_error(exc)
    except Hang as exc:
        problem = f"hang: {exc}"
    except BaseException as exc:  # noqa: BLE001 - anything else is what we are looking for
        known = classify(exc)
        if known is None:
            problem = f"{type(exc).__name__}: {exc}"[:500]
    if known:
        tally.known.setdefault(known, text)
    elif problem:
        tally.new.append((text, problem))
    return value


# --- 1. the DSL -----------------------------------------------------------------------------------

TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[A-Za-z_$0-9][\w.+\-]*|\S')
DSL_WORDS = (
    "license clause grant forbid needs separate license for must restrict risk relicense no further "
    "restrictions restricts use ambiguous follows note when unless and or not in starts with stated define "
    "terms follow none example expect by name version family kind osi all modify derive distribute "
    "host finetune distill release_mau revenue date territory purpose commercial derived multimodal "
    "target.family target.name permitted forbidden depends unknown llama gemma"
).split()
ODD_TOKENS = [
    "{", "}", "(", ")", ",", "=", ">", ">=", "<", "!=", ":", '"', '""', '"\\"', '"\\u12"', '"\\q"',
    "700M", "2.5B", "$1M", "1_000", "0", "99999999999999999999", "1" + "0" * 40, "2024-02-30", "2024-13-01",
    "9999-99-99", "1e9", "#", "# comment", "\n", "\t", "é", "中文", "\u00a0", "\ufeff", "\x00", "\x7f",
    "\x0b", "\u2028", '"%"', '":-"', '"#script (python)"', '"#include \\"x\\""', "\\", "'", "license.",
]
INSERT_CHARS = list('{}()",=<>!:#\\\'.-+_$ \n\t') + ["é", "中", "\u00a0", "\ufeff", "\x0b", "\x00", "0", "9", "M"]


def mutate_dsl(text: str, rnd: random.Random) -> str:
    for _ in range(rnd.randint(1, 3)):
        op = rnd.randrange(12)
        if not text:
            text = rnd.choice(ODD_TOKENS)
            continue
        pos = rnd.randrange(len(text) + 1)
        if op == 0:                                      # delete a character
            text = text[:pos] + text[pos + 1:]
        elif op == 1:                                    # insert a character
            text = text[:pos] + rnd.choice(INSERT_CHARS) + text[pos:]
        elif op == 2:                                    # replace a character
            text = text[:pos] + rnd.choice(INSERT_CHARS) + text[pos + 1:]
        elif op == 3:                                    # truncate
            text = text[:pos]
        elif op in (4, 5, 6, 7, 8):                      # token-level edits
            tokens = [m.span() for m in TOKEN.finditer(text)]
            if not tokens:
                continue
            start, end = rnd.choice(tokens)
            if op == 4:
                text = text[:start] + text[end:]
            elif op == 5:
                text = text[:end] + " " + text[start:end] + text[end:]
            elif op == 6:
                text = text[:start] + rnd.choice(DSL_WORDS + ODD_TOKENS) + text[end:]
            elif op == 7:
                text = text[:start] + rnd.choice(DSL_WORDS + ODD_TOKENS) + " " + text[start:]
            else:
                s2, e2 = rnd.choice(tokens)
                if (s2, e2) != (start, end):
                    (a, b), (c, d) = sorted([(start, end), (s2, e2)])
                    if b <= c:
                        text = text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:]
        elif op in (9, 10):                              # delete or duplicate a line
            lines = text.split("\n")
            i = rnd.randrange(len(lines))
            if op == 9:
                del lines[i]
            else:
                lines.insert(i, lines[i])
            text = "\n".join(lines)
        else:                                            # splice in a piece of another file
            other = rnd.choice(LICENSE_TEXTS)
            a = rnd.randrange(len(other))
            text = text[:pos] + other[a:a + rnd.randint(1, 200)] + text[pos:]
    return text


def soup(rnd: random.Random) -> str:
    """A small license whose clause body (and sometimes more) is random tokens."""
    body = " ".join(rnd.choice(DSL_WORDS + ODD_TOKENS) for _ in range(rnd.randint(1, 14)))
    shape = rnd.randrange(4)
    if shape == 0:
        return f'license x {{ name "X" clause "1" "T" {{ {body} }} }}'
    if shape == 1:
        return f'license x {{ name "X" clause "1" "T" {{ grant all }} example "e" {{ {body} }} }}'
    if shape == 2:
        return f'license x {{ name "X" {body} clause "1" "T" {{ grant use }} }}'
    return body


def dsl_error_check(filename: str, text: str):
    lines = text.count("\n") + 1

    def check(exc: CanIError):
        match = re.match(rf"^{re.escape(filename)}:(\d+):(\d+): \S", str(exc))
        if not match:
            return f"error does not start with `{filename}:line:col: `: {str(exc)!r}"
        line, column = int(match.group(1)), int(match.group(2))
        if not (1 <= line <= lines and column >= 1):
            return f"location {line}:{column} is outside the file ({lines} lines): {str(exc)!r}"
        return None
    return check


def compile_and_ask(text: str, filename: str, ask: bool):
    """Parse; compile what parses; sometimes answer a question under it."""
    kb = KnowledgeBase()
    for lic in parse_text(text, filename):
        kb.add(lic)
    if ask and kb.licenses:
        reasoner = Reasoner(kb=kb, cache_size=0)
        lid = next(iter(kb.licenses))
        reasoner.ask({"licenses": [lid], "use": {"acts": ["host", "distribute"], "release_mau": 800_000_000, "role": "licensee"}})
        reasoner.ask({"artifacts": [{"id": "up", "license": lid, "family": "llama"},
                                    {"id": "me", "mine": True, "name": "Llama-x",
                                     "derived_from": [{"id": "up", "relation": "distilled"}]}],
                      "use": {"acts": ["distribute"]}})
    return kb


@functools.lru_cache(maxsize=None)
def fuzz_dsl() -> Tally:
    rnd = random.Random(SEED)
    tally = Tally()
    for i in range(sized(250, 2400)):        # the real license files, mutated
        source = rnd.randrange(len(LICENSE_TEXTS))
        text = mutate_dsl(LICENSE_TEXTS[source], rnd)
        name = LICENSE_FILES[source].name
        run_case(tally, text, lambda: compile_and_ask(text, name, ask=i % 10 == 0),
                 dsl_error_check(name, text))
    for i in range(sized(300, 3000)):       # small licenses of random tokens
        text = soup(rnd)
        if rnd.random() < 0.5:
            text = mutate_dsl(text, rnd)
        run_case(tally, text, lambda: compile_and_ask(text, "soup.lic", ask=i % 5 == 0),
                 dsl_error_check("soup.lic", text))
    return tally


def test_mutated_license_files_parse_or_fail_with_file_line_col():
    tally = fuzz_dsl()
    assert tally.cases >= sized(550, 5000)
    assert 0 < tally.accepted < tally.cases       # the mutations reach both outcomes
    assert not tally.new, tally.report()


def test_the_unmutated_license_files_still_parse():
    for path, text in zip(LICENSE_FILES, LICENSE_TEXTS):
        assert parse_text(text, path.name)


# --- 2. requests ----------------------------------------------------------------------------------

BASE_REQUESTS = [
    {"artifacts": [
        {"id": "meta-llama/Meta-Llama-3-70B-Instruct", "license": "llama3", "family": "llama"},
        {"id": "google/gemma-2-9b"},
        {"id": "acme/support-bot", "license": "apache-2.0", "family": "gemma", "modalities": ["text"],
         "mine": True, "name": "support-bot",
         "derived_from": [{"id": "google/gemma-2-9b", "relation": "finetune"},
                          {"id": "meta-llama/Meta-Llama-3-70B-Instruct", "relation": "distilled"}]}],
     "subject": "acme/support-bot",
     "use": {"acts": ["distribute", "host"], "commercial": True, "release_mau": 2000000, "role": "licensee", "revenue_usd": 50000000,
             "territory": ["EU"], "purposes": ["customer-support"], "name": "support-bot", "grants": [],
             "date": "2025-06-01", "outbound_license": "apache-2.0"}},
    {"licenses": ["llama3.1", "(mit OR apache-2.0) AND cc-by-4.0"], "schema_version": "1",
     "use": {"acts": ["host"], "release_mau": "800M", "role": "licensee", "revenue_usd": "$2.5B"}},
    {"artifacts": [{"id": "base", "license": "other", "license_name": "llama3"},
                   {"id": "mine", "mine": True, "derived_from": [{"id": "base", "relation": "adapter"}]}],
     "use": {"acts": ["use"]}},
]


def random_scalar(rnd: random.Random):
    return rnd.choice([
        None, True, False, 0, -1, 1, 700_000_001, 10**18, 10**30, -10**20, 2**63, 1.5, 1e9, 1e300, -0.0,
        math.inf, -math.inf, math.nan, "", " ", "x", "700M", "7OOM", "1,000", "$1M", "1e9", "-5", "1.5",
        "llama3", "llama3 AND", "(mit", "mit OR OR", "a WITH b", "other", "finetune", "host", "EU",
        "2025-02-30", "2025-06-01", "0000-00-00", "\x00", "é中", "\u2028", "a" * 1000, "\"); #script",
        "AND", "OR", "()", "((((((((((mit))))))))))", "mit AND " * 7 + "mit", "1" * 30, "1e99",
    ])


def random_value(rnd: random.Random, depth: int = 0):
    kind = rnd.randrange(6 if depth < 3 else 1)
    if kind == 0 or kind >= 4:
        return random_scalar(rnd)
    if kind == 1:
        return [random_value(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    if kind == 2:
        keys = ["id", "license", "relation", "acts", "release_mau", "use", "artifacts", "derived_from", "mine", "x", ""]
        return {rnd.choice(keys): random_value(rnd, depth + 1) for _ in range(rnd.randint(0, 3))}
    return json.loads(json.dumps(rnd.choice(BASE_REQUESTS)))


def paths(doc, prefix=()):
    """Every (container, key) in a JSON value."""
    out = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append((doc, k))
            out += paths(v)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append((doc, i))
            out += paths(v)
    return out


def mutate_request(doc, rnd: random.Random):
    doc = json.loads(json.dumps(doc))
    for _ in range(rnd.choice([1, 1, 1, 2, 3])):
        spots = paths(doc)
        if not spots:
            return random_value(rnd)
        container, key = rnd.choice(spots)
        op = rnd.randrange(6)
        if op == 0:
            container[key] = random_value(rnd)
        elif op == 1:
            del container[key]
        elif op == 2 and isinstance(container, dict):
            container[rnd.choice(["extra", "ID", "licence", "derived-from", "acts ", "schema_version"])] = \
                random_value(rnd)
        elif op == 3 and isinstance(container, list):
            container.append(json.loads(json.dumps(container[key])))   # duplicate an item
        elif op == 4:
            value = container[key]
            if isinstance(value, str):
                pos = rnd.randrange(len(value) + 1)
                container[key] = value[:pos] + rnd.choice(INSERT_CHARS + [" AND ", " OR ", "(", ")"]) + value[pos:]
            elif isinstance(value, int) and not isinstance(value, bool):
                container[key] = rnd.choice([-value, value * 10**12, str(value), float(value), value + 1])
        else:
            container[key] = json.loads(json.dumps(rnd.choice(BASE_REQUESTS[0]["artifacts"] + [[], {}, None])))
    return doc


def ask_all_ways(doc, full: bool):
    """read_request, then (sometimes) the whole answer, from the object and from JSON text."""
    request = read_request(doc)
    if full:
        result = R.ask(doc)
        json.dumps(result.to_json())
        text = json.dumps(doc, allow_nan=True)
        assert json.dumps(ask_text(text).to_json()) == json.dumps(result.to_json())
    return request


@functools.lru_cache(maxsize=None)
def fuzz_requests() -> Tally:
    rnd = random.Random(SEED + 1)
    tally = Tally()
    for i in range(sized(1000, 3000)):
        doc = mutate_request(rnd.choice(BASE_REQUESTS), rnd) if rnd.random() < 0.85 else random_value(rnd)
        run_case(tally, doc, lambda: ask_all_ways(doc, full=i % 4 == 0))
    for i in range(sized(200, 600)):         # JSON text, broken at the byte level
        text = json.dumps(mutate_request(rnd.choice(BASE_REQUESTS), rnd))
        text = mutate_dsl(text, rnd)
        if rnd.random() < 0.2:
            depth = rnd.choice([10, 100, 1000])
            text = "[" * depth + text + "]" * depth
        data = text.encode("utf-8", "surrogatepass") if rnd.random() < 0.3 else text
        if isinstance(data, bytes) and rnd.random() < 0.5:
            data = data.replace(b"e", b"\xff", 1)
        run_case(tally, text, lambda: ask_text(data))
    return tally


def test_random_and_mutated_requests_are_read_or_rejected_by_field():
    tally = fuzz_requests()
    assert tally.cases >= sized(1200, 3600)
    assert 0 < tally.accepted < tally.cases
    assert not tally.new, tally.report()


# --- 3. model cards -------------------------------------------------------------------------------

CARD_KEYS = ["license", "license_name", "license_link", "base_model", "base_model_relation", "datasets",
             "model_name", "name", "tags", "language", "pipeline_tag", "library_name"]


def random_front_matter(rnd: random.Random) -> str:
    meta = {}
    for key in rnd.sample(CARD_KEYS, rnd.randint(0, 6)):
        meta[key] = rnd.choice([
            random_value(rnd), rnd.choice(["llama3", "other", "apache-2.0", "mit OR llama3", "gemma"]),
            rnd.choice(["meta-llama/Meta-Llama-3-8B", "google/gemma-2-9b", "nowhere/nothing"]),
            [rnd.choice(["meta-llama/Meta-Llama-3-8B", "google/gemma-2-2b", "x"]) for _ in range(rnd.randint(0, 3))],
            rnd.choice(["finetune", "adapter", "merge", "quantized", "distilled", "fine-tune", "", None]),
        ])
    if rnd.random() < 0.1:
        meta = rnd.choice([[1, 2], "just a string", 42, None])
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) if rnd.random() < 0.8 else ""
    if rnd.random() < 0.5:
        text = mutate_dsl(text, rnd)
    if rnd.random() < 0.05:                  # YAML's own hostile inputs
        text = rnd.choice([
            "a: &a [*a]", "a: !!python/object/apply:os.system ['touch /tmp/can-i-pwned']",
            "a: &a [&b [*a, *a], *a]\nb: " + "[" * 200, "? [a, b]\n: c", "license: !!binary aGVsbG8=",
            "a: 1\na: 2", "%YAML 9.9\n---\na: 1", "license: 0o777", "license: 2025-01-01",
            "base_model: {a: b}", "\t- a", "license: [mit, llama3]", "license: [mit, [x]]",
        ])
    close = rnd.choice(["---", "...", "--- ", ""])
    return f"---\n{text}\n{close}\n# Model card\n"


def read_card(text: str, ask: bool):
    artifacts, subject = model_card(R.kb, text, Path("acme/card/README.md"))
    if ask:
        doc = {"artifacts": artifacts, "subject": subject, "use": {"acts": ["distribute"], "release_mau": 5, "role": "licensee"}}
        R.ask(doc)
    return artifacts


@functools.lru_cache(maxsize=None)
def fuzz_cards() -> Tally:
    rnd = random.Random(SEED + 2)
    tally = Tally()
    for i in range(1500):
        text = random_front_matter(rnd)
        if rnd.random() < 0.15:
            text = mutate_dsl(text, rnd)
        run_case(tally, text, lambda: read_card(text, ask=i % 3 == 0))
    return tally


def test_random_model_cards_are_read_or_rejected_clearly():
    tally = fuzz_cards()
    assert tally.cases >= 1500
    assert 0 < tally.accepted < tally.cases
    assert not tally.new, tally.report()
    assert not Path("/tmp/can-i-pwned").exists()


def test_the_fuzzed_card_reader_answers_a_clean_card():
    """A control case: the reader the fuzzing exercises takes a clean card all the way through."""
    card = "---\nlicense: apache-2.0\nbase_model: meta-llama/Meta-Llama-3-8B\n---\n# Bot\n"
    artifacts = read_card(card, ask=False)
    assert artifacts[0] == {"id": "card", "license": "apache-2.0",  # a card describes a model received
                            "derived_from": [{"id": "meta-llama/Meta-Llama-3-8B", "relation": "finetune"}]}
    doc = {"artifacts": artifacts, "use": {"acts": ["host"], "release_mau": 800_000_000, "role": "licensee"}}
    assert R.ask(doc).status == "forbidden"


# --- 4. numbers -----------------------------------------------------------------------------------

NUMBER_CHARS = list("0123456789_,.eE+-$ kKmMbBgGtT") + ["١", "٣", "\u00a0", "O", "x"]


def random_number_text(rnd: random.Random) -> str:
    text = "".join(rnd.choice(NUMBER_CHARS) for _ in range(rnd.randint(0, 12)))
    # An exponent of 5+ digits makes int() of the Decimal take minutes; that bug has its own test
    # (test_inputs.py::test_huge_exponents_are_rejected_quickly), so keep the fuzz cases quick.
    return re.sub(r"([eE]\+?)(\d{4})\d+", r"\1\2", text)


def written(value: int, rnd: random.Random) -> str:
    """One of the ways a person writes `value` that parse_count promises to read exactly."""
    digits = str(value)
    form = rnd.randrange(6)
    if form == 0:
        return digits
    if form in (1, 2):                                  # 1_000_000 or 1,000,000
        return f"{value:_}" if form == 1 else f"{value:,}"
    if form == 3:                                       # 2.5B, 700M, 10K, 3T
        for suffix, size in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
            if value >= size:
                whole, rest = divmod(value, size)
                fraction = str(rest).rjust(len(str(size)) - 1, "0").rstrip("0")
                return f"{whole}.{fraction}{suffix}" if fraction else f"{whole}{suffix}"
        return digits
    if form == 4:                                       # 1.5e9
        stripped = digits.rstrip("0") or "0"
        exponent = len(digits) - len(stripped)
        return f"{stripped}e{exponent}"
    return "$" + digits


def count_case(text: str, expected: int | None = None):
    value = parse_count(text, "use.release_mau")
    assert isinstance(value, int) and 0 <= value <= MAX_NUMBER, value
    assert expected is None or value == expected, f"{text!r} read as {value}, not {expected}"
    return value


@functools.lru_cache(maxsize=None)
def fuzz_numbers() -> Tally:
    rnd = random.Random(SEED + 3)
    tally = Tally()
    for i in range(3000):
        expected = None
        if i % 2:
            text = random_number_text(rnd)
        else:                                           # a number as people write it, read exactly
            expected = rnd.choice([0, 1, 999, 700_000_000, 700_000_001, 10**15, 10**18 - 1,
                                   rnd.randrange(10**rnd.randint(1, 18)),
                                   rnd.randrange(1, 10**6) * 10**rnd.randint(0, 12)])
            text = written(expected, rnd)
        tally.cases += 1
        try:
            count_case(text, expected)
            tally.accepted += 1
        except AssertionError as exc:
            tally.new.append((text, str(exc)))
        except ValueError as exc:        # parse_count's contract: ValueError, one line
            if not one_line(str(exc)):
                tally.new.append((text, f"message is not one line: {exc}"))
            elif "integer string conversion" in str(exc):
                tally.new.append((text, f"message is Python's, not ours: {exc}"))
        except BaseException as exc:     # noqa: BLE001
            known = classify(exc)
            if known:
                tally.known.setdefault(known, text)
            else:
                tally.new.append((text, f"{type(exc).__name__}: {exc}"))
    return tally


def test_random_number_texts_parse_exactly_or_raise_value_error():
    tally = fuzz_numbers()
    assert tally.cases >= 3000
    assert 0 < tally.accepted < tally.cases
    assert not tally.new, tally.report()


# --- totals and known bugs ------------------------------------------------------------------------

def test_fuzzing_covers_at_least_ten_thousand_cases():
    total = sum(t.cases for t in (fuzz_dsl(), fuzz_requests(), fuzz_cards(), fuzz_numbers()))
    assert total >= sized(5_500, 10_000), total


def test_fuzzing_meets_no_known_bug():
    met = {}
    for tally in (fuzz_dsl(), fuzz_requests(), fuzz_cards(), fuzz_numbers()):
        met.update(tally.known)
    assert not met, "\n".join(f"{bug}: {KNOWN[bug]}\n  first input: {text!r}"[:600] for bug, text in met.items())
