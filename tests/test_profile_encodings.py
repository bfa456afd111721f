"""A profile file in another encoding is never passed over in silence (review 25's suspicion,
confirmed): a UTF-16 pyproject.toml with a `[tool.can-i]` table was searched for the UTF-8 bytes
of `can-i`, found to hold none, and skipped, so its facts and its deny list did nothing. It is now
found and refused as not UTF-8 (exit 2), by the fast command line and the full one. A UTF-8 byte
order mark, which Windows editors write, is read past (it was "Invalid statement" at 1:1)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.usefixtures("bundled_kb")

PROFILE = '[tool.can-i]\nrelease_mau = "800M"\n[tool.can-i.policy]\ndeny = ["llama3"]\n'


def _run(folder, *argv):
    """can-i as a user runs it, from `folder` (the profile is found from the working directory)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "CAN_I_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-c", "import sys; from reasoner.fast import main; sys.exit(main())",
                           *argv], cwd=folder, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("json_output", [False, True])
def test_a_pyproject_profile_in_another_encoding_is_refused_not_skipped(tmp_path, encoding, json_output):
    (tmp_path / "pyproject.toml").write_bytes(PROFILE.encode(encoding))
    run = _run(tmp_path, "host", "llama3", "--commercial", "--no-remedies", *(["--json"] if json_output else []))
    assert run.returncode == 2, (run.stdout, run.stderr)
    said = run.stdout + run.stderr   # UTF-16 without a byte order mark decodes as UTF-8 (NULs): not TOML
    assert "pyproject.toml" in said and ("not UTF-8" in said or "not valid TOML" in said), said


def test_a_pyproject_without_a_can_i_table_in_another_encoding_is_still_no_profile(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes("[tool.black]\nline-length = 88\n".encode("utf-16"))
    run = _run(tmp_path, "use", "mit", "--json", "--no-remedies")
    assert run.returncode == 0, run.stderr


def test_a_profile_with_a_utf8_byte_order_mark_is_read(can_i, tmp_path, monkeypatch):
    monkeypatch.delenv("CAN_I_PROFILE", raising=False)
    profile = tmp_path / "can-i.toml"
    profile.write_bytes(b"\xef\xbb\xbf" + b'[policy]\ndeny = ["llama3"]\n')
    doc = can_i("--profile", profile, "host", "llama3", "--commercial", "--no-remedies", "--json").json()
    assert doc["policy"]["status"] == "denied", doc.get("policy")
