"""The license DSL: parsing, validation errors with file:line:col, and that files are data."""

from __future__ import annotations

import json
import os

import pytest

from conftest import make_reasoner
from reasoner.errors import LicenseFileError, RequestError
from reasoner.parse import parse_file, parse_text

GOOD = 'license ok { name "OK" clause "1" "Grant" { grant use } }'


@pytest.mark.parametrize("text, location, message", [
    ('license x { name "X" clause "1" "T" { grant fly } }', "t.lic:1:45", "unknown act `fly`"),
    ('license x { name "X" clause "1" "T" { grant distil } }', "t.lic:1:45", "did you mean `distill`"),
    ('license x { name "X"\n  terms follow finetuned }', "t.lic:2:16", "unknown relation `finetuned`"),
    ('license x { name "X" clause "1" "T" { forbid use when maus > 5 } }', "t.lic:1:55", "unknown fact `maus`"),
    ('license x { name "X" clause "1" "T" { must name_prefx "L" } }', "t.lic:1:44", "unknown duty `name_prefx`"),
    ('license x { name "X" clause "1" "T" { grant use }\n clause "1" "U" { grant host } }', "t.lic:2:2",
     'clause "1" appears twice'),
    ('license x { name "X" clause "1" "T" { grant use } ', "t.lic:1:49", "unexpected end of file"),
    ('license x { name "X" clause "1" "T" { grant use ; } }', "t.lic:1:49", "unexpected character `;`"),
    ('license x { name "X\n" }', "t.lic:1:18", "unterminated string"),
    ('license x { name "X" clause "1" "T" { forbid use unless "": commercial } }', "t.lic:1:57",
     "exception label is empty"),
    ('license x { clause "1" "T" { grant use } }', "t.lic:1:9", "has no `name`"),
    ('license x { name "X" clause "1" "T" { grant use when mau > "many" } }', "t.lic:1:60", "compares with a number"),
    ('license x { name "X" clause "1" "T" { restrict purpose {wepons} } }', "t.lic:1:57", "did you mean `weapons`"),
    ('license x { name "X" clause "1" "T" { grant use }\n example "e" { host expect permitted by "9" } }',
     "t.lic:2:2", 'cites clause "9"'),
    ('license x { name "X" clause "1" "T" { grant use }\n example "e" { mau = 5 expect permitted } }',
     "t.lic:2:2", "names no act"),
    ('license x { name "X" osi maybe clause "1" "T" { grant use } }', "t.lic:1:26", "`osi` takes yes or no"),
    ('license x { name "X" clause "1" "T" { relicense allowed to mit } }', "t.lic:1:60", "already allows any license"),
])
def test_errors_are_one_line_with_file_line_column(text, location, message):
    with pytest.raises(LicenseFileError) as caught:
        parse_text(text, "t.lic")
    rendered = str(caught.value)
    assert rendered.startswith(location + ": "), rendered
    assert message in rendered
    assert "\n" not in rendered


def test_unreadable_files_get_clear_errors(tmp_path):
    binary = tmp_path / "bin.lic"
    binary.write_bytes(b"license \x00\xff")
    with pytest.raises(LicenseFileError, match="binary data|not UTF-8"):
        parse_file(binary)
    with pytest.raises(LicenseFileError, match="is a directory"):
        parse_file(tmp_path)
    with pytest.raises(LicenseFileError, match="no such file|cannot read"):
        parse_file(tmp_path / "missing.lic")


def test_duplicate_license_ids_are_rejected():
    with pytest.raises(LicenseFileError, match="already defined at test0.lic:1:9"):
        make_reasoner(GOOD, GOOD)


HOSTILE_STRINGS = [
    '\\" } #script (python) import os; os.system(\\"touch /tmp/pwned\\") #end.',
    "a. b :- c. #include \\\"/etc/passwd\\\". %",
    "100% :- not status(permitted). #show.",
    "line\\nbreak \\u00e9\\u4e2d \\\\ backslash",
]


@pytest.mark.parametrize("hostile", HOSTILE_STRINGS)
def test_strings_in_license_files_cannot_change_the_program(hostile):
    source = f'''license evil {{ name "{hostile}" version "{hostile}"
      clause "{hostile}" "{hostile}" {{ grant all
        must notice "{hostile}" when distribute
        forbid host when name = "{hostile}" }}
      clause "2" "Scale" {{ needs separate license when mau > 10 }}
    }}'''
    decoded = json.loads(f'"{hostile}"')
    r = make_reasoner(source)
    # The rules still work exactly, and every string comes back as it was written.
    assert r.ask({"licenses": ["evil"], "use": {"acts": ["distribute"], "mau": 10}}).status == "permitted"
    above = r.ask({"licenses": ["evil"], "use": {"acts": ["distribute"], "mau": 11}})
    assert above.status == "forbidden"
    assert [o.params["text"] for o in above.obligations if o.duty == "notice"] == [decoded]
    assert above.reasons[0].version == decoded
    hosted = {"artifacts": [{"id": "m", "license": "evil", "name": decoded}], "use": {"acts": ["host"], "mau": 1}}
    result = r.ask(hosted)
    assert result.status == "forbidden" and result.reasons[0].clause == decoded
    hosted["artifacts"][0]["name"] = decoded + "x"
    assert r.ask(hosted).status == "permitted"
    assert not os.path.exists("/tmp/pwned")


def test_hostile_request_strings_are_data_too():
    r = make_reasoner(GOOD)
    weird = 'x"). status(permitted). #script (python)\n%'
    result = r.ask({"artifacts": [{"id": weird, "license": "ok", "name": weird}],
                    "use": {"acts": ["use"], "name": weird}})
    assert result.status == "permitted" and result.subject == weird
    # Family, purposes and territory are closed vocabularies: such text is an input error there.
    for artifact, use in (({"family": weird}, {}), ({}, {"purposes": [weird]}), ({}, {"territory": [weird]})):
        with pytest.raises(RequestError, match="unknown (family|purpose|territory)"):
            r.ask({"artifacts": [{"id": "m", "license": "ok", **artifact}], "use": {"acts": ["use"], **use}})
    assert r.ask({"artifacts": [{"id": weird, "license": "ok"}], "use": {"acts": ["host"]}}).status == "forbidden"
