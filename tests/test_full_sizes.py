"""The generated checks at their full sizes (`-m slow`): the default run takes a smaller sample
of each (tests/sizes.py), this runs the module again as it was before the default was cut."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sizes import SIZED_MODULES

HERE = Path(__file__).parent


@pytest.mark.slow
@pytest.mark.parametrize("module", SIZED_MODULES)
def test_the_module_passes_at_its_full_sizes(module):
    env = {**os.environ, "CAN_I_TEST_SIZES": "full"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", str(HERE / module)],
                         cwd=HERE.parent, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
