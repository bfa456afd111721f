"""`also_at`: the other addresses a licensor publishes a license's text at (review 15's open
xfail: a card labelled apache-2.0 whose license_link is the Llama 3 text on GitHub was YES for
military use, because a link was matched against each license's one `url`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reasoner import Reasoner
from reasoner.addresses import address_key
from reasoner.errors import LicenseFileError
from reasoner.parse import parse_text

sys.path.insert(0, str(Path(__file__).parent))
from conftest import run_cli  # noqa: E402

pytestmark = pytest.mark.usefixtures("bundled_kb")

R = Reasoner(cache_size=0)
GITHUB = "https://github.com/meta-llama"
# Each address the bundled Llama licenses list (checked against the licensor's repositories:
# meta-llama/llama, llama3 and llama-models at main, whose LICENSE files are the source texts).
LISTED = {
    "llama2": [f"{GITHUB}/llama/blob/main/LICENSE", f"{GITHUB}/llama-models/blob/main/models/llama2/LICENSE"],
    "llama3": [f"{GITHUB}/llama3/blob/main/LICENSE", f"{GITHUB}/llama-models/blob/main/models/llama3/LICENSE"],
    "llama3.1": [f"{GITHUB}/llama-models/blob/main/models/llama3_1/LICENSE"],
    "llama3.2": [f"{GITHUB}/llama-models/blob/main/models/llama3_2/LICENSE"],
    "llama3.3": [f"{GITHUB}/llama-models/blob/main/models/llama3_3/LICENSE"],
    "llama4": [f"{GITHUB}/llama-models/blob/main/models/llama4/LICENSE"],
}


def _card(tmp_path, link, license="apache-2.0"):
    folder = tmp_path / "card"
    folder.mkdir(exist_ok=True)
    (folder / "README.md").write_text(f"---\nlicense: {license}\nlicense_link: {link}\n---\n# m\n", encoding="utf-8")
    return folder / "README.md"


def _military(capsys, tmp_path, link, license="apache-2.0"):
    return run_cli(capsys, "use", _card(tmp_path, link, license), "--purpose", "military",
                   "--no-remedies", "--json").json()


def test_the_listed_addresses_are_the_bundled_files():
    addresses = R.kb.licenses.addresses()
    for lid, listed in LISTED.items():
        assert addresses[lid][0] == R.kb.licenses[lid].license.url
        assert list(addresses[lid][1:]) == listed, lid


@pytest.mark.parametrize("lid,link", [(lid, link) for lid, links in LISTED.items() for link in links])
def test_a_card_linking_a_listed_address_binds_the_license(capsys, tmp_path, lid, link):
    """Every Llama AUP forbids military use: a card labelled apache-2.0 that links the text is NO,
    citing the linked license."""
    answer = _military(capsys, tmp_path, link)
    assert answer["status"] == "forbidden", link
    assert any(r["license"] == lid for r in answer["reasons"]), answer["reasons"]


@pytest.mark.parametrize("link", [
    "https://raw.githubusercontent.com/meta-llama/llama3/main/LICENSE",
    "https://raw.githubusercontent.com/meta-llama/llama3/refs/heads/main/LICENSE",
    "https://github.com/meta-llama/llama3/raw/main/LICENSE",
    "https://github.com/meta-llama/llama3/blob/refs/heads/main/LICENSE",
    "http://github.com/meta-llama/llama3/blob/main/LICENSE/",
    "https://www.github.com/Meta-Llama/Llama3/blob/main/LICENSE?plain=1#L12",
    "https://github.com/meta-llama/llama3/blob/%6Dain/LICENSE",
])
def test_a_github_address_binds_however_it_is_spelt(capsys, tmp_path, link):
    assert _military(capsys, tmp_path, link)["status"] == "forbidden", link


@pytest.mark.parametrize("link", [
    "https://github.com/meta-llama/llama3/blob/main/README.md",          # another file of the repo
    "https://github.com/meta-llama/llama3/blob/main/USE_POLICY.md",
    "https://github.com/meta-llama/llama3/blob/v0.1/LICENSE",            # another ref: maybe another text
    "https://github.com/acme/llama3/blob/main/LICENSE",                  # someone else's repo
    "https://www.apache.org/licenses/LICENSE-2.0",                       # what most apache-2.0 cards link
])
def test_a_link_can_i_does_not_know_keeps_the_labels_answer(capsys, tmp_path, link):
    assert _military(capsys, tmp_path, link)["status"] == "permitted", link


def test_address_spellings_compare_alike():
    same = ["https://raw.githubusercontent.com/o/r/main/a%20b", "https://github.com/o/r/blob/main/a b/",
            "HTTP://GITHUB.COM/o/r/raw/refs/heads/main/A B?x=1"]
    assert len({address_key(a) for a in same}) == 1
    assert address_key("https://github.com/o/r/blob/dev/LICENSE") != address_key(same[0])


LIC = '''license acme {{
  name "Acme"
  url "https://example.com/license/"
{extra}
  clause "1" "Grant" {{ grant use }}
}}
'''


def test_also_at_is_repeatable_and_kept_in_order():
    lic = parse_text(LIC.format(extra='  also_at "https://a.example/l"\n  also_at "https://b.example/l"'))[0]
    assert lic.also_at == ("https://a.example/l", "https://b.example/l")
    assert lic.addresses == ("https://example.com/license/",) + lic.also_at


@pytest.mark.parametrize("extra,code,col", [
    ('  also_at LICENSE', "DSL301", 11),                              # not a string
    ('  also_at "LICENSE"', "DSL301", 11),                            # not a web address
    ('  also_at "https://a.example/l m"', "DSL301", 11),              # a space: two words, not one address
    ('  also_at "http://www.EXAMPLE.com/license"', "DSL201", 11),     # the url again, spelt otherwise
    ('  also_at "https://a.example/l"\n  also_at "https://a.example/l/"', "DSL201", 11),
])
def test_a_bad_or_repeated_address_is_a_one_line_error(extra, code, col):
    with pytest.raises(LicenseFileError) as caught:
        parse_text(LIC.format(extra=extra), "acme.lic")
    message = str(caught.value)
    assert caught.value.error_code == code and message.startswith(f"acme.lic:{4 + extra.count(chr(10))}:{col}: ")
    assert "\n" not in message


def test_the_repeated_address_error_through_the_cli(capsys, tmp_path):
    path = tmp_path / "acme.lic"
    path.write_text(LIC.format(extra='  also_at "https://example.com/license"'), encoding="utf-8")
    run = run_cli(capsys, "check", path)
    assert run.code != 0 and f"{path}:4:11:" in run.out + run.err and "DSL201" in run.out + run.err


def test_fmt_prints_also_at(capsys, tmp_path):
    path = tmp_path / "acme.lic"
    path.write_text(LIC.format(extra='  also_at   "https://a.example/l"   # the same text').replace(
        '{ grant use }', '{\n    grant use\n  }'), encoding="utf-8")
    run = run_cli(capsys, "fmt", path)
    assert '  also_at "https://a.example/l"  # the same text\n' in run.out


def test_show_lists_the_other_addresses(capsys):
    run = run_cli(capsys, "show", "llama3")
    assert "https://github.com/meta-llama/llama3/blob/main/LICENSE" in run.out


@pytest.mark.parametrize("link", [
    "https://github.com/QwenLM/Qwen/blob/main/Tongyi Qianwen LICENSE AGREEMENT",     # a space, as YAML allows
    "https://raw.githubusercontent.com/QwenLM/Qwen/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT",
])
def test_a_percent_escaped_or_spaced_address_binds_its_license(capsys, tmp_path, link):
    """tongyi-qianwen's url spells its spaces %20: a link that writes them as spaces, or reads the
    file through raw.githubusercontent.com, is the same text (improving other models is banned)."""
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "README.md").write_text(f"---\nlicense: apache-2.0\nlicense_link: \"{link}\"\n---\n", encoding="utf-8")
    answer = run_cli(capsys, "distill", folder / "README.md", "--into", "mistral", "--no-remedies", "--json").json()
    assert answer["status"] != "permitted", link
    assert any(a["license"] == "tongyi-qianwen" for a in answer["applicable"]), answer["applicable"]


def _notes(answer):
    return [n for n in answer.get("notes", []) if n["code"] == "card_license_link_unread"]


def test_an_unknown_web_address_is_a_note_not_another_answer(capsys, tmp_path):
    """A link to an address no license states leaves the answer to the label (most are the label's
    own text elsewhere), and a note says it was not read."""
    answer = _military(capsys, tmp_path, "https://example.com/our-license.txt")
    assert answer["status"] == "permitted"
    [note] = _notes(answer)
    assert "https://example.com/our-license.txt" in note["message"] and "`license: apache-2.0`" in note["message"]


@pytest.mark.parametrize("link,license", [
    ("https://www.apache.org/licenses/LICENSE-2.0", "apache-2.0"),   # the label's own text: read
    ("LICENSE", "apache-2.0"),                                       # a file beside the card
    (f"{GITHUB}/llama3/blob/main/LICENSE", "apache-2.0"),            # a known address: it binds
])
def test_a_known_or_relative_link_has_no_note(capsys, tmp_path, link, license):
    assert _notes(_military(capsys, tmp_path, link, license)) == []
