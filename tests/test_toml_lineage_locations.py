"""A TOML lineage file's error names its field's line:col, as a YAML or JSON one does (review 25:
`lin.toml: use.release_mau` named the file alone). A field in an array of tables
(`artifacts[0].licence`) keeps the file and the field's path."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("bundled_kb")

HEAD = '[[artifacts]]\nid = "m"\nlicense = "llama3"\n'


@pytest.mark.parametrize("text, location", [
    (HEAD + '[use]\nacts = ["host"]\nrelease_mau = "lots"\n', "6:1: use.release_mau"),
    ('subject = "x"\n' + HEAD + '[use]\nacts = ["host"]\n', "1:1: subject"),
    (HEAD + '[use]\nacts = ["host"]\npurposes = ["milatary"]\n', "6:1: use.purposes"),
])
def test_a_toml_lineage_error_is_located_at_its_field(can_i, tmp_path, text, location):
    path = tmp_path / "lin.toml"
    path.write_text(text, encoding="utf-8")
    run = can_i("host", path)
    assert run.code == 2 and run.line().startswith(f"can-i: {path}:{location}"), run.line()


def test_a_field_in_an_array_of_tables_keeps_its_path(can_i, tmp_path):
    path = tmp_path / "lin.toml"
    path.write_text('[[artifacts]]\nid = "m"\nlicence = "llama3"\n[use]\nacts = ["host"]\n', encoding="utf-8")
    run = can_i("host", path)
    assert run.code == 2 and f"{path}: artifacts[0].licence" in run.line(), run.line()
