"""Every bundled example's answer with remedies, as JSON lines: to compare two checkouts' remedies
byte for byte (issue 12: a faster search must find the same remedies, in the same order).

    python benchmarks/remedy_answers.py OUT.jsonl [--code DIR] [--every N]
    python benchmarks/remedy_answers.py before.jsonl --code /work/baseline
    python benchmarks/remedy_answers.py after.jsonl && cmp before.jsonl after.jsonl

One line per example (licenses in id order, examples in file order): json.dumps of
`Reasoner().ask(example_request(license, example) + remedies: true).to_json()`, or `ERR` and the
error. `--code` runs the `reasoner` package of another checkout (in a subprocess, so the two never
share a process); `--every N` keeps every Nth example. Use a private CAN_I_CACHE_DIR per checkout
when one of them is read-only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def answers(every: int = 1) -> list[str]:
    from reasoner import Reasoner
    from reasoner.examples import example_request

    engine = Reasoner()
    out, count = [], 0
    for lid in sorted(engine.kb.licenses):
        lic = engine.kb.licenses[lid].license
        for example in lic.examples:
            count += 1
            if (count - 1) % every:
                continue
            request = example_request(lic, example)
            request["remedies"] = True
            try:
                out.append(json.dumps(engine.ask(request).to_json(), sort_keys=False, ensure_ascii=False))
            except Exception as exc:  # noqa: BLE001 - written down, compared like an answer
                out.append(f"ERR {type(exc).__name__} {exc}")
    return out


def main(argv: list[str]) -> None:
    target = Path(argv[0])
    every = int(argv[argv.index("--every") + 1]) if "--every" in argv else 1
    if "--code" in argv:
        code = Path(argv[argv.index("--code") + 1]).resolve()
        env = {**os.environ, "PYTHONPATH": str(code)}
        subprocess.run([sys.executable, __file__, str(target.resolve()), "--every", str(every)], env=env, check=True,
                       cwd="/")
        return
    if "PYTHONPATH" not in os.environ:   # this checkout's package, not an installed one
        sys.path.insert(0, str(ROOT))
    lines = answers(every)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shown = sum('"remedies": [{' in line for line in lines)
    print(f"{len(lines)} examples, {shown} with remedies -> {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
