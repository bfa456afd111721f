"""What can-i answers on real Hugging Face model cards (not a timed benchmark).

    python benchmarks/hub_cards.py [--cards FILE] [--limit N] [--json] [--compare-cli N]

Asks `can-i distribute CARD --commercial --mau 1M` of every card in FILE (default
../shared/data/hub-cards-sample.jsonl: one JSON object per line with `id` and `front_matter`),
through the same Python calls the command line makes (subjects.build_request, then
Reasoner.ask), so the answers are the CLI's. Each card is written as `<name>/README.md` in a
temporary folder (the CLI names a README.md's model after its folder).

Reports how many answers have each status, how many are input errors (one line each), and why
the UNKNOWN answers are unknown, grouped by reason: the card states no license, a license id or
license_name not encoded (X), a dataset whose license is not known (Y), a base model whose license
is not known (Z), a model whose outputs a catalog dataset holds whose license is not known (W). Every group lists the models or datasets it names. `--compare-cli N` also runs
the `can-i` command on the first N cards and checks that its exit code and status agree.
A card whose question raises anything but a can-i error is a crash: it is listed with its
exception and makes the exit code 1.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reasoner.api import Reasoner  # noqa: E402
from reasoner.errors import CanIError, one_line  # noqa: E402
from reasoner.subjects import Context, build_request  # noqa: E402

SHARED_CARDS = ROOT.parent / "shared" / "data" / "hub-cards-sample.jsonl"
# The shared copy when it is beside the checkout, else the copy the tests keep (tests/data/README.md).
DEFAULT_CARDS = SHARED_CARDS if SHARED_CARDS.is_file() else ROOT / "tests" / "data" / "hub-cards-sample.jsonl"
ACT = "distribute"
FACTS = {"commercial": True, "mau": "1M"}
CLI_ARGS = ["--commercial", "--mau", "1M"]


def card_path(folder: Path, index: int, card_id: str) -> Path:
    """Where card `index` is written: a folder named after the last part of its Hub id (what the
    CLI names the model), kept apart from the others by its index."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", card_id.rstrip("/").rsplit("/", 1)[-1]) or "card"
    if name in (".", ".."):
        name = "card"
    path = folder / f"{index:04d}" / name / "README.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def classify(request: dict, result) -> list[tuple[str, str]]:
    """(group, what it names) for each reason an UNKNOWN answer gives."""
    data = {edge["id"] for artifact in request["artifacts"] for edge in artifact.get("derived_from", [])
            if edge.get("relation") == "trained_on"}
    found = []
    for reason in result.reasons:
        if reason.kind != "unknown_license":
            continue
        artifact = reason.artifact or "?"
        if reason.license != "none":
            found.append((f"license not encoded: {reason.license}", artifact))
        elif artifact == request["subject"]:
            found.append(("the card states no license", artifact))
        elif artifact in data:
            found.append(("dataset with no known license", artifact))
        elif artifact not in {a["id"] for a in request["artifacts"]}:
            # reached through a catalog dataset's `generated_by` (api.py adds it): no base model
            found.append(("model whose outputs a dataset holds, with no known license", artifact))
        else:
            found.append(("base model with no known license", artifact))
    return found


def run(cards: list[dict], engine: Reasoner | None = None) -> dict:
    """Answer every card; return the report (a JSON-able dict)."""
    engine = engine or Reasoner()
    statuses: collections.Counter = collections.Counter()
    reasons: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    unknown_cards: dict[str, int] = collections.Counter()   # group -> cards with a reason in it
    only: dict[str, int] = collections.Counter()            # group -> cards with no reason in another
    errors: collections.Counter = collections.Counter()
    crashes: list[dict] = []
    answers: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="can-i-cards-") as tmp:
        for index, card in enumerate(cards):
            path = card_path(Path(tmp), index, str(card.get("id", "")))
            path.write_text(f"---\n{card.get('front_matter', '')}\n---\n", encoding="utf-8")
            try:
                request = build_request(engine.kb, str(path), ACT, Context(**FACTS))
                result = engine.ask(request)
            except CanIError as exc:
                line = one_line(exc.message)
                statuses["input error"] += 1
                errors[line] += 1
                answers.append({"id": card.get("id"), "status": "error", "why": [line]})
                continue
            except Exception as exc:  # noqa: BLE001 - a crash is what this script exists to find
                crashes.append({"id": card.get("id"), "exception": f"{type(exc).__name__}: {exc}"})
                answers.append({"id": card.get("id"), "status": "crash", "why": [f"{type(exc).__name__}: {exc}"]})
                continue
            statuses[result.status] += 1
            why = []
            if result.status == "unknown":
                groups = classify(request, result)
                for group, name in groups:
                    reasons[group][name] += 1
                    why.append(f"{group}: {name}")
                for group in {g for g, _ in groups}:
                    unknown_cards[group] += 1
                if len({g for g, _ in groups}) == 1:
                    only[groups[0][0]] += 1
            answers.append({"id": card.get("id"), "status": result.status, "why": why})
    return {
        "cards": len(cards),
        "statuses": dict(statuses.most_common()),
        "unknown": statuses["unknown"],
        "unknown_by_reason": {group: {"cards": unknown_cards[group], "only_reason": only[group],
                                      "names": dict(names.most_common())}
                              for group, names in sorted(reasons.items(), key=lambda kv: -unknown_cards[kv[0]])},
        "input_errors": dict(errors.most_common()),
        "crashes": crashes,
        "answers": answers,
    }


def compare_cli(cards: list[dict], report: dict, count: int) -> list[str]:
    """Run the `can-i` command on the first `count` cards; the differences from `report`."""
    codes = {"permitted": 0, "forbidden": 1, "error": 2, "depends": 3, "unknown": 3}
    problems = []
    with tempfile.TemporaryDirectory(prefix="can-i-cli-") as tmp:
        for index, (card, answer) in enumerate(zip(cards[:count], report["answers"])):
            path = card_path(Path(tmp), index, str(card.get("id", "")))
            path.write_text(f"---\n{card.get('front_matter', '')}\n---\n", encoding="utf-8")
            proc = subprocess.run([sys.executable, "-c", "import sys; from reasoner.cli import main; sys.exit(main())",
                                   ACT, str(path), *CLI_ARGS, "--json"],
                                  capture_output=True, text=True, cwd=ROOT,
                                  env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
            status = json.loads(proc.stdout)["status"] if proc.returncode != 2 else "error"
            if status != answer["status"] or proc.returncode != codes.get(answer["status"]):
                problems.append(f"{card.get('id')}: script {answer['status']}, cli {status} (exit {proc.returncode})")
    return problems


def render(report: dict) -> str:
    lines = [f"cards: {report['cards']}",
             "statuses: " + ", ".join(f"{k} {v}" for k, v in report["statuses"].items()),
             f"UNKNOWN: {report['unknown']}"]
    for group, entry in report["unknown_by_reason"].items():
        names = ", ".join(f"{n} ({c})" if c > 1 else n for n, c in entry["names"].items())
        lines.append(f"  {group}: {entry['cards']} cards ({entry['only_reason']} for no other reason) — {names}")
    if report["input_errors"]:
        lines.append(f"input errors: {sum(report['input_errors'].values())}")
        lines += [f"  {count} × {line}" for line, count in report["input_errors"].items()]
    lines.append(f"crashes: {len(report['crashes'])}")
    lines += [f"  {c['id']}: {c['exception']}" for c in report["crashes"]]
    return "\n".join(lines)


def load_cards(path: Path, limit: int | None = None) -> list[dict]:
    cards = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                cards.append(json.loads(line))
            if limit is not None and len(cards) >= limit:
                break
    return cards


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=Path, default=DEFAULT_CARDS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="print the report as JSON (with every answer)")
    parser.add_argument("--compare-cli", type=int, default=0, metavar="N",
                        help="also run the can-i command on the first N cards and compare")
    args = parser.parse_args(argv)
    cards = load_cards(args.cards, args.limit)
    report = run(cards)
    if args.compare_cli:
        report["cli_differences"] = compare_cli(cards, report, args.compare_cli)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render(report))
    if args.compare_cli and not args.json:
        print(f"cli compared on {min(args.compare_cli, len(cards))} cards: "
              f"{len(report['cli_differences'])} differences")
        for problem in report["cli_differences"]:
            print(f"  {problem}")
    return 1 if report["crashes"] or report.get("cli_differences") else 0


if __name__ == "__main__":
    sys.exit(main())
