"""The sizes of the generated samples: a default run takes a smaller sample of every generated
check (the default suite must stay well under 3 minutes on 2 cores), `CAN_I_TEST_SIZES=full`
the full one. tests/test_full_sizes.py (`-m slow`) runs each module that uses `sized` at its
full sizes, so no check is lost: it moved to the slow run.

    from sizes import sized
    for _ in range(sized(800, 2400)): ...
"""

from __future__ import annotations

import os

FULL = os.environ.get("CAN_I_TEST_SIZES") == "full"

# The modules whose samples `sized` scales (tests/test_full_sizes.py runs each at full size).
SIZED_MODULES = ["test_properties.py", "test_properties_releases.py", "test_fuzz.py", "test_outputs_and_gaps.py",
                 "test_adversarial.py", "test_size.py", "test_explain9.py", "test_explanations.py",
                 "test_review3_found.py", "test_remedy_speed.py"]


def sized(default: int, full: int) -> int:
    """`full` under CAN_I_TEST_SIZES=full (the slow run), else `default`."""
    return full if FULL else default
