"""The `can-i` command line: renders answers and sets exit codes, nothing more.

Exit codes: 0 permitted, 1 forbidden, 2 usage or input error, 3 depends or unknown.
"""


import functools
import json
import os
import re
import sys
from pathlib import Path
from typing import List, Optional

import typer

try:  # typer < 0.20 raises click's exceptions; later versions have their own base class
    from click.exceptions import ClickException as _UsageError
except ImportError:  # pragma: no cover
    _UsageError = typer.TyperException

from . import schema
from .errors import CanIError, RequestError, UnknownSubjectError, UsageProblem
from .render import advice_text, made_up_names, render, style, tolerant_stdout, verb_words, version_text

EXIT = {"permitted": 0, "forbidden": 1, "depends": 3, "unknown": 3}
EXIT_USAGE = 2
EXIT_CODES = ("Exit codes: 0 permitted, 1 forbidden, 2 usage or input error, 3 depends or unknown; "
              "a profile's license policy can raise it (denied 1, review 3).")


class _OnceEach:
    """A command whose single-valued options may be given once: click keeps the last of
    `--mau 800M --mau 1M` and of `--commercial --non-commercial`, which silently answers another
    question than the one typed. Repeatable options (lists) stay repeatable."""

    def make_parser(self, ctx):
        parser = super().make_parser(ctx)
        parse = parser.parse_args

        def parse_once(args):
            typed = list(args)  # the parser consumes its list
            opts, rest, order = parse(args)
            if not ctx.resilient_parsing:
                _refuse_repeats(order, typed)
            return opts, rest, order

        parser.parse_args = parse_once
        return parser


def _refuse_repeats(order, args) -> None:
    import click

    seen: set = set()
    for param in order:
        if not isinstance(param, click.Option) or param.multiple or param.count or param.is_eager:
            continue
        if id(param) not in seen:
            seen.add(id(param))
            continue
        names = param.opts + param.secondary_opts
        given = []
        for arg in args:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if name in names and name not in given:
                given.append(name)
        if len(given) > 1:
            raise click.UsageError(f"{given[0]} and {given[1]} contradict each other: give one of them")
        raise click.UsageError(f"{given[0] if given else names[0]} is given more than once: give it once")


class _Group(_OnceEach, typer.core.TyperGroup):
    pass


class _Command(_OnceEach, typer.core.TyperCommand):
    pass


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    invoke_without_command=True,
    no_args_is_help=False,
    help="Can I do this with that model? Cited answers under every license in a model's stack.",
    epilog=EXIT_CODES,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# --- shared state -------------------------------------------------------------------------------

_reasoners: dict = {}


def _files_state(key: tuple) -> tuple:
    """What --facts paths hold now: each file's (path, size, mtime_ns), a folder's files' too."""
    state = []
    for name in key:
        for root, _, files in (os.walk(name) if os.path.isdir(name) else [("", (), (name,))]):
            for file in sorted(files):
                path = os.path.join(root, file)
                try:
                    found = os.stat(path)
                except OSError:
                    state.append((path, None))
                    continue
                state.append((path, found.st_size, found.st_mtime_ns))
    return tuple(state)


def reasoner(paths: Optional[List[Path]] = None):
    """Load each knowledge base once per process (bundled facts, or --facts files and folders),
    again when a --facts file changed: a process calling `main` again after editing its license
    file got the answers of the file as it was (a ban added answered YES)."""
    key = tuple(dict.fromkeys(str(p) for p in paths or ()))  # `--facts x --facts x` loads x once
    state = _files_state(key) if key else ()
    if key not in _reasoners or _reasoners[key][0] != state:
        from .api import Reasoner

        _reasoners[key] = (state, Reasoner([Path(p) for p in key] if key else None))
    return _reasoners[key][1]


def _emit(result, as_json: bool, act_words: str, explain: bool, names: Optional[dict] = None,
          with_flags: bool = False) -> None:
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(render(result, act_words, explain, names, with_flags))
    raise typer.Exit(exit_code(result))


# A license policy's verdict sets the exit code too: a denied model never exits 0 (1, as
# forbidden), and one the policy sends to review exits 3 like DEPENDS, unless the licenses
# already say NO. The worse of the two codes wins, 1 being worse than 3.
POLICY_EXIT = {"allowed": 0, "review": 3, "denied": 1}
_SEVERITY = {0: 0, 3: 1, 1: 2}


def exit_code(result) -> int:
    """The exit code of one answer: its legal status's, or its policy's when that is worse."""
    codes = [EXIT[result.status]]
    if getattr(result, "policy", None) is not None:
        codes.append(POLICY_EXIT[result.policy.status])
    return max(codes, key=_SEVERITY.__getitem__)


# --- profiles -----------------------------------------------------------------------------------

def _profile(options: dict, path: Optional[Path] = None, off: bool = False):
    """The profile a question uses (profile.py says where it is found), or None: `--profile`
    and `--no-profile` on the verb or before it."""
    from .profile import load_profile

    if path is not None and options.get("profile") is not None:
        # Before and after the verb: one of them would be dropped without a word (review 23).
        raise UsageProblem("given before and after the verb: give it once", location="--profile")
    if off and options.get("no_profile", False):
        raise UsageProblem("given before and after the verb: give it once", location="--no-profile")
    path = path or options.get("profile")
    off = off or options.get("no_profile", False)
    if path is not None and off:
        raise UsageProblem("give --profile or --no-profile, not both", location="--no-profile")
    if off:
        return None
    return load_profile(path, kb=reasoner(options.get("facts")).kb)


def _profiled(profile, doc, stated: str):
    """A request document with the profile's facts and policy filled in where it states none."""
    return profile.apply(doc, stated) if profile is not None else doc


# --- root: --request ----------------------------------------------------------------------------

def version() -> str:
    """The installed package's version; the source tree's when can-i runs uninstalled."""
    from importlib import metadata

    try:
        return metadata.version("can-i")
    except metadata.PackageNotFoundError:
        from . import __version__

        return f"{__version__} (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"can-i {version()}")
        raise typer.Exit(0)


PROFILE_HELP = ("Read standing facts and license policy from this TOML file (default: the nearest can-i.toml, or "
                "pyproject.toml with [tool.can-i], from here upward). Options and a request's own facts win.")
NO_PROFILE_HELP = "Use no profile, even if one is found."


@app.callback()
def root(
    ctx: typer.Context,
    request: Optional[str] = typer.Option(None, "--request", help="A JSON request file, or - for standard input; "
                                          "JSON Lines (one request per line) give one answer per line."),
    as_json: bool = typer.Option(False, "--json", help="Print the versioned JSON response."),
    explain: bool = typer.Option(False, "--explain", help="Show why: the edges each license follows and the stated facts behind each cited clause."),
    facts: Optional[List[Path]] = typer.Option(None, "--facts", help="Use these license files or folders instead of the bundled ones."),
    profile: Optional[Path] = typer.Option(None, "--profile", metavar="FILE", help=PROFILE_HELP),
    no_profile: bool = typer.Option(False, "--no-profile", help=NO_PROFILE_HELP),
    _version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                  help="Print can-i's version and exit."),
):
    """Ask with a verb (`can-i host llama3 --mau 800M`) or with a full JSON request (`--request FILE`)."""
    ctx.obj = {"json": as_json, "explain": explain, "facts": facts, "profile": profile, "no_profile": no_profile}
    if ctx.invoked_subcommand is not None:
        if request is not None:
            raise UsageProblem("--request takes no verb: the acts are in the request")
        return
    if request is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(EXIT_USAGE)
    if not request.strip():   # read as the path `.`: "is a directory, not a JSON file" (review 23)
        raise UsageProblem("is empty: give a JSON request file, or - for standard input", location="--request")
    from .api import read_request_input

    chosen = _profile(ctx.obj)
    source, doc, batch, locate = read_request_input(request)
    if batch is None:
        # The profile binds advice as it binds the verbs `license-for` and `downstream`.
        doc = _profiled(chosen, doc, f"request {source}")
        if isinstance(doc, dict) and "suggest" in doc:   # advice: `license-for` / `downstream`
            try:
                advice = reasoner(facts).advise(doc)
            except CanIError as exc:
                raise _in_request(exc, doc, chosen, locate) from None
            _emit_advice(advice, as_json, explain=explain)
        try:
            result = reasoner(facts).ask(doc)
        except CanIError as exc:
            raise _in_request(exc, doc, chosen, locate) from None
        _emit(result, as_json, f"the request for `{result.subject}`", explain)
    if chosen is not None:
        batch = [(number, item if isinstance(item, CanIError) else _profiled(chosen, item, f"request {source}"))
                 for number, item in batch]
    _answer_lines(reasoner(facts), batch, source, as_json, explain, locate)


def _in_request(exc: CanIError, doc, chosen, locate) -> CanIError:
    """A request file's error where it is written: at the profile's key when the field came from
    the profile, else at `file:line:col` of the field in the request file."""
    located = chosen.locate(exc, doc) if chosen is not None else exc
    return located if located is not exc else locate(exc)


def _answer_lines(engine, batch: list, source: str, as_json: bool, explain: bool, locate=None) -> None:
    """Answer JSON Lines in order: one response (or error document) per line under --json, one
    answer per paragraph otherwise. An error is reported for its line (also on stderr) and the
    other lines are still answered. Exit code: 2 if any line is an input error, else the worst
    line's `exit_code` (1, then 3, then 0: a policy's verdict counts)."""
    # A line asking for advice (`suggest`) was refused as an "unknown field", though a request
    # document may say it: it is answered for one document, so the line says that (review 25).
    def advice_line(number: int) -> CanIError:
        error = RequestError("`suggest` (advice) is answered for one request document, not for a line of JSON "
                             "Lines: give that request alone to --request", location="suggest")
        located = locate(error, number) if locate is not None else error
        return located if located is not error else RequestError(error.message, location=f"{source}:{number}: suggest")

    batch = [(number, advice_line(number) if isinstance(doc, dict) and "suggest" in doc else doc)
             for number, doc in batch]
    # Lines are solved a batch at a time and printed as they come (iter_answers), so the
    # answers of a long file are never all held; a line's error stays with its line.
    solved = engine.iter_answers(doc for _, doc in batch if not isinstance(doc, CanIError))
    codes = []
    for position, (number, item) in enumerate(batch):
        answer = item if isinstance(item, CanIError) else next(solved)
        if isinstance(answer, CanIError) and answer is not item:
            located = locate(answer, number) if locate is not None else answer
            if located is answer:
                where = f"{source}:{number}" + (f": {answer.location}" if answer.location else "")
                located = type(answer)(answer.message, location=where)
            answer = located
        if isinstance(answer, CanIError):
            if as_json:
                typer.echo(json.dumps({"schema_version": "1", "error": answer.to_json()}, ensure_ascii=False))
            typer.echo(f"can-i: {answer}", err=True)
            continue
        codes.append(exit_code(answer))
        if as_json:
            typer.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            typer.echo(("\n" if position else "") + render(answer, f"line {number}: the request for `{answer.subject}`", explain))
    if len(codes) < len(batch):
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(max(codes, key=_SEVERITY.__getitem__))


# --- one verb per act ---------------------------------------------------------------------------

VERB_HELP = {
    "use": "Run the model yourself (internally).",
    "host": "Offer the model to others as a service, API or product feature.",
    "distribute": "Hand the weights to others.",
    "finetune": "Fine-tune the model into your own model.",
    "adapt": "Train an adapter (LoRA) on the model.",
    "merge": "Merge the model into your own model.",
    "quantize": "Quantize the model into your own model.",
    "distill": "Train your own model on the model's outputs (use --into FAMILY).",
    "train": "Train your own model on a dataset.",
}


# The request field each verb option fills (schema.py), so that an error the request reader finds
# in a value typed on the command line points at the option (`--territory`), not only at the field.
OPTION_OF_FIELD = schema.option_of_field()


def _at_option(exc: CanIError, typed: set, target: Optional[int] = None) -> CanIError:
    """`exc`, located at the option too when its field holds a value typed on the command line
    (a lineage file's own `use` values are located at the file already). `target` is the position
    of the model the verb creates among the request's artifacts, whose fields options also fill."""
    location = exc.location or ""
    match = re.match(r"use\.([a-z0-9_]+)", location)
    if match and match.group(1) in typed and match.group(1) in OPTION_OF_FIELD:
        return type(exc)(exc.message, location=f"{OPTION_OF_FIELD[match.group(1)]} ({location})")
    match = re.match(r"artifacts\[(\d+)\]\.([a-z_]+)(?:\[\d+\])?$", location)   # a list's item too
    if match and target is not None and int(match.group(1)) == target:
        for fact in schema.FACT_LIST:
            if fact.about == schema.TARGET and fact.artifact_field == match.group(2) and fact.name in typed and fact.cli:
                return type(exc)(exc.message, location=fact.cli)
    return exc


def _option(fact) -> "typer.models.OptionInfo":
    """The typer option that states a fact, as schema.py spells it."""
    return typer.Option(None, *fact.cli.split(" "), help=fact.help)


_OPTION_TYPES = {True: Optional[List[str]], False: Optional[str]}


def _verb_parameters() -> list:
    """The verb's parameters: the subject, one option per fact schema.py gives a CLI spelling
    (in its order), then --mine, --json and --explain. typer reads them from the signature."""
    import inspect

    P = inspect.Parameter
    params = [
        P("ctx", P.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        P("subject", P.POSITIONAL_OR_KEYWORD, annotation=str, default=typer.Argument(
            ..., help="A license id or expression, a catalog model id, a model card (README.md) or a lineage file.")),
    ]
    for fact in schema.FACT_LIST:
        if fact.cli:
            kind = Optional[bool] if fact.type == schema.FLAG else _OPTION_TYPES[fact.repeatable]
            params.append(P(f"fact_{fact.attr}", P.POSITIONAL_OR_KEYWORD, annotation=kind, default=_option(fact)))
    params += [
        P("mine", P.POSITIONAL_OR_KEYWORD, annotation=bool, default=typer.Option(
            False, "--mine", help="The model card, or the BOM's subject, describes your own model (else: one you received, whose license binds you).")),
        P("as_json", P.POSITIONAL_OR_KEYWORD, annotation=bool, default=typer.Option(
            False, "--json", help="Print the versioned JSON response.")),
        P("explain", P.POSITIONAL_OR_KEYWORD, annotation=bool, default=typer.Option(
            False, "--explain", help="Show the chain from facts to verdict.")),
        P("profile", P.POSITIONAL_OR_KEYWORD, annotation=Optional[Path], default=typer.Option(
            None, "--profile", metavar="FILE", help=PROFILE_HELP)),
        P("no_profile", P.POSITIONAL_OR_KEYWORD, annotation=bool, default=typer.Option(
            False, "--no-profile", help=NO_PROFILE_HELP)),
        P("hub", P.POSITIONAL_OR_KEYWORD, annotation=bool, default=typer.Option(
            False, "--hub", help="Read the cards of parents and datasets can-i does not know from the Hugging Face "
                                 "Hub (HF_ENDPOINT, HF_TOKEN; cached; HF_HUB_OFFLINE=1 uses the cache only).")),
        P("cyclonedx", P.POSITIONAL_OR_KEYWORD, annotation=bool, default=typer.Option(
            False, "--cyclonedx", help="Print the answer as a CycloneDX 1.6 BOM: the lineage's models and data with "
                                       "their licenses, the verdict and obligations as properties.")),
        P("no_remedies", P.POSITIONAL_OR_KEYWORD, annotation=bool, default=typer.Option(
            False, "--no-remedies", help="Do not search what would make a NO or DEPENDS a YES (the request's `remedies`).")),
    ]
    return params


def _make_verb(act: str):
    """The command for one act. Its options only fill a request document: the request reader
    parses and checks every value, and its errors name the option (see `_at_option`)."""

    def command(ctx: typer.Context, subject: str, mine: bool, as_json: bool, explain: bool, profile: Optional[Path],
                no_profile: bool, hub: bool = False, cyclonedx: bool = False, no_remedies: bool = False, **typed):
        from .subjects import DERIVED_ID, Context, verb_request

        options = ctx.obj or {}
        if cyclonedx and (as_json or options.get("json", False)):
            raise UsageProblem("give --json or --cyclonedx, not both")
        stated = {name[len("fact_"):]: value for name, value in typed.items() if value is not None and value != []}
        by_attr = {fact.attr: fact for fact in schema.FACT_LIST}
        then = list(stated.pop("acts", []))
        context = Context(also=then, mine=mine, **stated)
        engine = reasoner(options.get("facts"))
        given = {by_attr[attr].field or by_attr[attr].name for attr in stated} | ({"acts"} if then else set())
        request = None
        chosen = _profile(options, profile, no_profile)
        try:
            resolver = None
            if hub:
                from .hub import HubResolver

                resolver = HubResolver()
            # A verb asks for remedies unless told not to.
            request = verb_request(engine.kb, subject, act, context, hub=resolver, profile=chosen, given=given,
                                   remedies=not no_remedies)
            result = engine.ask(request)
        except CanIError as exc:
            if chosen is not None and request is not None:
                exc = chosen.locate(exc, request)
            target = None
            if request is not None:
                target = next((i for i, a in enumerate(request["artifacts"]) if a.get("id") == DERIVED_ID), None)
            raise _at_option(exc, given, target) from None
        words, names = verb_words(act, subject, then), made_up_names(context.name)
        if cyclonedx:
            from .bom import write_cyclonedx

            typer.echo(write_cyclonedx(engine, request, result, words))
            raise typer.Exit(exit_code(result))   # a denied policy never exits 0, in a BOM too (review 36)
        _emit(result, as_json or options.get("json", False), words, explain or options.get("explain", False), names,
              with_flags=True)

    return _with_parameters(command, _verb_parameters(), VERB_HELP[act])


def _with_parameters(command, params: list, doc: str):
    """`command` as typer reads it: with these parameters (built from schema.py, not written out)."""
    import inspect

    command.__signature__ = inspect.Signature(params)
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = doc
    return command


for _act in VERB_HELP:
    app.command(name=_act, help=VERB_HELP[_act], epilog=EXIT_CODES, cls=_Command)(_make_verb(_act))


# --- advice: license-for and downstream ---------------------------------------------------------

ADVICE_EXIT_CODES = ("Exit codes: 0 a declaration keeps you and your recipients within every license (downstream: "
                     "every recipient question answered), 1 none does or distributing is forbidden anyway, "
                     "2 usage or input error, 3 it depends on facts not stated, or a license is unknown; "
                     "license-for: a profile's license policy can raise it (denied 1, review 3).")
ADVICE_HELP = {
    "license-for": "Which license your model should carry: inherited terms, card duties, compatible licenses, "
                   "a recommended declaration and NOTICE.",
    "downstream": "What the recipients of your model may and may not do: restrictions, thresholds, risks.",
}


def _emit_advice(advice, as_json: bool, names: Optional[dict] = None, explain: bool = False) -> None:
    """Print advice and exit with its code. `explain` adds the answers it was read from, each with
    the chain from facts to verdict (license-for: distributing the model; downstream: each
    recipient question)."""
    from .advice import EXIT as ADVICE_EXIT

    if as_json:
        typer.echo(json.dumps(advice.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(advice_text(advice, names, explain))
    code = ADVICE_EXIT[advice.status]
    policy = getattr(getattr(advice, "answer", None), "policy", None)
    if policy is not None:   # the README: a denied policy never exits 0, a NO stays 1
        code = max(code, POLICY_EXIT[policy.status], key=_SEVERITY.__getitem__)
    raise typer.Exit(code)


def _make_advice(kind: str):
    """The command for `license-for` or `downstream`: the verbs' subject and context options,
    and --by, how your model is made from a subject that is not your own model."""
    import inspect

    def command(ctx: typer.Context, subject: str, mine: bool, as_json: bool, explain: bool, by: Optional[str],
                profile: Optional[Path], no_profile: bool, hub: bool = False, **typed):
        from .advice import advice_request, downstream, license_for
        from .subjects import Context, with_profile

        options = ctx.obj or {}
        chosen = _profile(options, profile, no_profile)
        # Only the fact options fill the request; any other option the verbs share (if one is
        # added there) says nothing about the advice.
        stated = {name[len("fact_"):]: value for name, value in typed.items()
                  if name.startswith("fact_") and value is not None and value != []}
        then = list(stated.pop("acts", []))
        context = Context(also=then, mine=mine, **stated)
        engine = reasoner(options.get("facts"))
        by_attr = {fact.attr: fact for fact in schema.FACT_LIST}
        given = {by_attr[attr].field or by_attr[attr].name for attr in stated} | ({"acts"} if then else set())
        request = None
        try:
            resolver = None
            if hub:
                from .hub import HubResolver

                resolver = HubResolver()
            # The company's standing facts bind its advice as they bind its verbs.
            request = with_profile(advice_request(engine.kb, subject, context, by, hub=resolver), chosen, subject,
                                   given)
            answer = (license_for if kind == "license-for" else downstream)(engine, request)
        except CanIError as exc:
            if chosen is not None and request is not None:   # a profile's value: at its file:line:col
                exc = chosen.locate(exc, request)
            raise _at_option(exc, given) from None
        _emit_advice(answer, as_json or options.get("json", False), made_up_names(context.name),
                     explain or options.get("explain", False))

    # A BOM carries one verdict and remedies search one question: advice is many questions, so
    # those two verb options are not advice options (typer refuses them, as any unknown option).
    params = [p for p in _verb_parameters() if p.name not in ("cyclonedx", "no_remedies")]
    params.insert(-3, inspect.Parameter("by", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Optional[str],
                                        default=typer.Option(None, "--by", metavar="ACT",
                                                             help="How your model is made from a SUBJECT that is not "
                                                                  "your own model: finetune (the default), adapt, "
                                                                  "merge, quantize, distill, train (the default for "
                                                                  "a catalog dataset).")))
    return _with_parameters(command, params, ADVICE_HELP[kind])


for _kind in ADVICE_HELP:
    app.command(name=_kind, help=ADVICE_HELP[_kind], epilog=ADVICE_EXIT_CODES, cls=_Command)(_make_advice(_kind))


# --- many cards at once ------------------------------------------------------------------------

@app.command("audit", cls=_Command, epilog="Exit codes: 0 every model permitted, 1 any forbidden, "
             "2 usage or input error (or a card that cannot be read), 3 some unknown or depends.")
def audit_command(ctx: typer.Context,
                  paths: List[Path] = typer.Argument(..., help="Model cards (README.md), folders of them, JSON Lines "
                                                     "of {id, front_matter}, or Hub metadata dumps (cardData; JSON or JSONL)."),
                  as_json: bool = typer.Option(False, "--json", help="Print every model's answer as JSON."),
                  as_csv: bool = typer.Option(False, "--csv", help="Print one CSV row per model."),
                  as_sarif: bool = typer.Option(False, "--sarif", help="Print SARIF 2.1.0 for code-scanning tools."),
                  jobs: int = typer.Option(1, "--jobs", "-j", min=0, help="Worker processes (0: one per core)."),
                  worst: int = typer.Option(10, "--worst", min=0, help="How many worst offenders the summary lists."),
                  profile: Optional[Path] = typer.Option(None, "--profile", help="Also ask \"may we use and host it?\" "
                                                         "under this profile's facts (found as for every question)."),
                  no_profile: bool = typer.Option(False, "--no-profile", help=NO_PROFILE_HELP),
                  hub: bool = typer.Option(False, "--hub", help="Read the cards of parents neither the run nor the "
                                           "catalog knows from the Hugging Face Hub (HF_ENDPOINT, HF_TOKEN; cached)."),
                  quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
                  engine_name: str = typer.Option("local", "--engine", help="local: this machine (--jobs); dask: a "
                                                  "Dask cluster (--scheduler, else a LocalCluster of --jobs workers)."),
                  scheduler: Optional[str] = typer.Option(None, "--scheduler", help="With --engine dask: the address "
                                                          "of a running Dask scheduler, e.g. tcp://10.0.0.5:8786.")):
    """Audit many model cards as one lineage graph: may each be distributed as its card declares?"""
    from . import audit

    options = ctx.obj or {}
    as_json = as_json or options.get("json", False)
    if sum((as_json, as_csv, as_sarif)) > 1:
        raise UsageProblem("--json, --csv and --sarif each print the whole report: give one of them")
    holder = _profile(options, profile, no_profile)
    if engine_name not in ("local", "dask"):
        raise UsageProblem(f"--engine: `{engine_name}` is not an engine; give local or dask")
    if scheduler is not None and engine_name != "dask":
        raise UsageProblem("--scheduler is the address of a Dask scheduler: give it with --engine dask")
    resolver = None
    if hub:   # a parent the run and the catalog do not know is read from its Hub card
        from .hub import HubResolver

        resolver = HubResolver().card
    with audit.progress_bar(enabled=not quiet) as progress:
        if engine_name == "dask":
            from . import distributed

            report = distributed.audit(paths, profile=holder, resolver=resolver, scheduler=scheduler,
                                       workers=jobs or None, progress=progress, facts=options.get("facts"))
        else:
            report = audit.audit(paths, profile=holder, resolver=resolver, jobs=jobs, progress=progress,
                                 facts=options.get("facts"))
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif as_csv:
        typer.echo(audit.render_csv(report), nl=False)
    elif as_sarif:
        typer.echo(json.dumps(audit.render_sarif(report, version()), indent=2, ensure_ascii=False))
    else:
        typer.echo(audit.render_text(report, worst))
    raise typer.Exit(report.exit_code())


# --- for license authors ------------------------------------------------------------------------

@app.command("licenses", cls=_Command)
def list_licenses(ctx: typer.Context, markdown: bool = typer.Option(False, "--markdown", help="Print the README's table."),
                  as_json: bool = typer.Option(False, "--json", help="Print a JSON list of objects, one per license."),
                  compatibility: bool = typer.Option(
                      False, "--compatibility",
                      help="Print the software compatibility matrix instead: may material under A go into your own "
                           "work distributed under B (merged into it), with the clauses that decide a NO.")):
    """List the encoded licenses: id, version, kind, clauses, examples, name."""
    as_json = as_json or (ctx.obj or {}).get("json", False)
    if as_json and markdown:
        raise UsageProblem("give --json or --markdown, not both")
    engine = reasoner((ctx.obj or {}).get("facts"))
    if compatibility:
        from . import compatibility as compat

        cells = compat.matrix(engine)
        if as_json:
            typer.echo(json.dumps([{"source": c.source, "work": c.work, "status": c.status,
                                    "clauses": [{"license": lid, "clause": n} for lid, n in c.clauses]}
                                   for c in cells], indent=2, ensure_ascii=False))
        elif markdown:
            typer.echo(compat.markdown(cells))
        else:
            for c in cells:
                typer.echo(f"{c.source} into {c.work}: {c.text()}")
        return
    rows = sorted(engine.kb.licenses.values(), key=lambda c: _listing_order(c.license.id))
    if as_json:
        typer.echo(json.dumps([_license_json(c.license) for c in rows], indent=2, ensure_ascii=False))
        return
    if markdown:
        typer.echo("| id | license | version / date | kind | primary text | text from | clauses | examples |")
        typer.echo("|---|---|---|---|---|---|---|---|")
        for compiled in rows:
            lic = compiled.license
            typer.echo(f"| `{lic.id}` | {lic.name} | {lic.version or '—'} | {lic.kind} | {_primary_text(lic)} | "
                       f"{_source_confidence(lic)} | {len(lic.clauses)} | {len(lic.examples)} |")
        return
    width = max((len(c.license.id) for c in rows), default=2)
    for compiled in rows:
        lic = compiled.license
        typer.echo(f"{lic.id:<{width}}  {lic.version:<12} {lic.kind:<8} {len(lic.clauses):>3} clauses "
                   f"{len(lic.examples):>3} examples  {lic.name}")


def _listing_order(identifier: str) -> tuple[str, str]:
    """Case-insensitive order (`CohereLabs/…` among the c's), ties broken by the exact id."""
    return identifier.casefold(), identifier


def _license_json(lic) -> dict:
    """One license in `can-i licenses --json`: always these keys, in this order."""
    return {"id": lic.id, "name": lic.name, "version": lic.version, "licensor": lic.licensor or None,
            "family": lic.family or None, "kind": lic.kind, "osi": bool(lic.osi), "url": lic.url or None,
            "clauses": len(lic.clauses), "examples": len(lic.examples)}


def _source_confidence(lic) -> str:
    """Whose copies of the texts the license is encoded from (`source … from licensor|third-party`):
    the licensor's own, a third party's, or both (each file's in `can-i show`); — for none."""
    copies = list(dict.fromkeys(source.copy for source in lic.sources))
    words = {"licensor": "licensor's copy", "third-party": "third-party copy"}
    return " + ".join(words.get(copy, copy) for copy in copies) or "—"


def _primary_text(lic) -> str:
    """The first primary-text file a license names with `source` (its main text), or —."""
    return lic.sources[0].file if lic.sources else "—"


@app.command("models", cls=_Command)
def list_models(ctx: typer.Context, license: Optional[str] = typer.Option(None, "--license", help="Only models under this license."),
                family: Optional[str] = typer.Option(None, "--family", help="Only models of this family (llama, gemma, qwen, ...)."),
                as_json: bool = typer.Option(False, "--json", help="Print a JSON list of objects, one per model.")):
    """List the model catalog: id, license, family, release date."""
    from .vocabulary import word_problem

    as_json = as_json or (ctx.obj or {}).get("json", False)
    engine = reasoner((ctx.obj or {}).get("facts"))
    kb = engine.kb

    entries = _under_license(kb, sorted(kb.catalog.values(), key=lambda e: _listing_order(e["id"])), license,
                             "model")
    if family is not None:
        # Hundreds of models: one family at a time, named in the closed vocabulary (a typo is an
        # input error with did-you-mean, never an empty list that reads as "no such models").
        word, problem = word_problem("family", family)
        if word is None:
            raise UnknownSubjectError(problem, location="--family")
        entries = [e for e in entries if e.get("family") == word]
        if not entries:
            typer.echo(f"can-i: no catalog model is of the `{word}` family", err=True)
    if as_json:
        typer.echo(json.dumps([_model_json(e) for e in entries], indent=2, ensure_ascii=False))
        return
    for entry in entries:
        base = f"  <- {entry['base_model']} ({entry.get('relation', 'finetune')})" if entry.get("base_model") else ""
        typer.echo(f"{entry['id']}  [{entry.get('license')}] {entry.get('family', '')} {entry.get('released', '')}{base}")


def _under_license(kb, entries: list[dict], license: Optional[str], what: str) -> list[dict]:
    """The catalog entries (models or datasets) under `license`, compared as resolved ids (`MIT`
    and `mit` alike). An id no entry, encoding or Hub id knows is an input error with did-you-mean,
    never an empty list that reads as "none are under it"."""
    from .vocabulary import suggest

    if license is None:
        return entries

    def canonical(lid: str) -> str:
        return kb.resolve_license(lid)[0] or lid.lower()

    wanted = canonical(license.strip())
    named = {canonical(i) for e in entries for i in _license_ids(e.get("license"))}
    if wanted not in named and wanted not in kb.licenses and wanted not in kb.hub_ids:
        known = sorted(set(kb.licenses) | named | set(kb.hub_ids))
        raise UnknownSubjectError(f"no license `{license}`{suggest(license, known)}; `can-i licenses` lists "
                                  f"the encoded ones", location="--license")
    entries = [e for e in entries if wanted in {canonical(i) for i in _license_ids(e.get("license"))}]
    if not entries:
        typer.echo(f"can-i: no catalog {what} is under `{wanted}`", err=True)
    return entries


@app.command("datasets", cls=_Command)
def list_datasets(ctx: typer.Context,
                  license: Optional[str] = typer.Option(None, "--license", help="Only datasets under this license."),
                  as_json: bool = typer.Option(False, "--json", help="Print a JSON list of objects, one per dataset.")):
    """List the dataset catalog: id, license (or why none is known), and the card's license field."""

    as_json = as_json or (ctx.obj or {}).get("json", False)
    kb = reasoner((ctx.obj or {}).get("facts")).kb

    entries = _under_license(kb, sorted(kb.datasets.values(), key=lambda e: _listing_order(e["id"])), license,
                             "dataset")
    if as_json:
        typer.echo(json.dumps([_dataset_json(kb, e) for e in entries], indent=2, ensure_ascii=False))
        return
    for entry in entries:
        if entry.get("license"):
            encoded = all(kb.resolve_license(i)[0] for i in _license_ids(entry["license"]))
            line = f"{entry['id']}  [{entry['license']}]" + ("" if encoded else "  (not encoded: UNKNOWN)")
        else:
            line = f"{entry['id']}  [unknown] {entry['unknown']}"
        if entry.get("generated_by"):
            line += f"  (outputs of {', '.join(entry['generated_by'])})"
        typer.echo(line)


def _dataset_json(kb, entry: dict) -> dict:
    """One catalog dataset in `can-i datasets --json`: always these keys, in this order. `encoded`
    says whether every license it names is encoded (else an answer about it is UNKNOWN)."""
    ids = _license_ids(entry.get("license"))
    return {"id": entry["id"], "license": entry.get("license"),
            "encoded": bool(ids) and all(kb.resolve_license(i)[0] for i in ids),
            "unknown": entry.get("unknown"), "card_license": entry.get("card_license"), "note": entry.get("note"),
            # the models whose outputs it holds: a model trained on it is judged as distilled from them
            "generated_by": list(entry.get("generated_by") or [])}


def _model_json(entry: dict) -> dict:
    """One catalog model in `can-i models --json`: always these keys, in this order."""
    base = entry.get("base_model")
    return {"id": entry["id"], "license": entry.get("license"), "family": entry.get("family"),
            "modalities": list(entry.get("modalities") or []), "released": entry.get("released"),
            "base_model": base, "relation": entry.get("relation", "finetune") if base else None,
            "note": entry.get("note"), "aliases": list(entry.get("aliases") or [])}


def _license_ids(expression) -> list[str]:
    from . import expressions

    try:
        return expressions.ids(str(expression or ""))
    except ValueError:
        return []


@app.command("show", cls=_Command)
def show(ctx: typer.Context, license_id: str = typer.Argument(..., metavar="LICENSE", help="A license id (`can-i licenses` lists them).")):
    """Show one license's clauses and rules in readable form."""
    from .phrases import render_rule_condition, when_words
    from .vocabulary import suggest

    engine = reasoner((ctx.obj or {}).get("facts"))
    # The same ids as a question takes: `LLAMA3`, `GPL-3.0-only` and Hub aliases name a license.
    compiled = engine.kb.licenses.get(engine.kb.resolve_license(license_id.strip())[0] or license_id)
    if compiled is None:
        raise UnknownSubjectError(f"no license `{license_id}`{suggest(license_id, engine.kb.licenses)}")
    lic = compiled.license
    typer.echo(f"{lic.id} — {lic.name}{version_text(lic.version)}")
    key = f" (--grant {lic.licensor_id})" if lic.licensor_id else ""
    typer.echo(f"licensor: {lic.licensor or '-'}{key}   family: {lic.family or '-'}   kind: {lic.kind}   "
               f"OSI-approved: {'yes' if lic.osi else 'no'}")
    if lic.licensor_hub:   # its own releases under other terms replace this license
        typer.echo(f"licensor on the Hub: {', '.join(lic.licensor_hub)}")
    typer.echo(f"source: {lic.url or '-'}   file: {lic.position.file}")
    if lic.also_at:   # a card's license_link to any of them names this license
        typer.echo("also at: " + ", ".join(lic.also_at))
    if lic.sources:
        typer.echo("primary text: " + ", ".join(f"{s.file} ({s.copy} copy)" for s in lic.sources))
    if lic.based_on:
        based = lic.based_on
        typer.echo(f"based on: {based.license}" + (f" ({', '.join(based.only)})" if based.only else "")
                   + (f", cited as \"{based.cited_as} N\"" if based.cited_as else ""))
    typer.echo(f"terms follow: {', '.join(lic.follows) or 'none'}")
    for clause in lic.clauses:
        typer.echo("")
        typer.echo(style(f"§{clause.number} {clause.title}", bold=True))
        for rule in clause.rules:
            when = when_words(render_rule_condition(rule))
            if rule.kind in ("grant", "forbid"):
                typer.echo(f"  {rule.kind} {', '.join(rule.acts)}{when}")
            elif rule.kind == "separate":
                typer.echo(f"  needs a separate license{when}")
            elif rule.kind == "duty":
                params = " ".join(f'{k}="{v}"' for k, v in rule.params)
                broken = f" (broken by {rule.broken_fact} {', '.join(rule.broken_values)})" if rule.broken_values else ""
                typer.echo(f"  must {rule.duty} {params}{when}".rstrip() + broken)
            elif rule.kind == "restrict":
                typer.echo(f"  restricts {rule.restricted_fact}: {', '.join(rule.restricted_values)}{when}")
            elif rule.kind == "risk":
                typer.echo(f"  risk {rule.risk}: {rule.message or ''}{when}")
            elif rule.kind == "inform":
                typer.echo(f"  inform: {rule.message}{when}")
        if clause.relicense:
            typer.echo(f"  relicense {clause.relicense}")
        if clause.no_further_restrictions:
            typer.echo("  no further restrictions")
        if clause.restricts_use:
            typer.echo("  restricts use")
        if clause.adds_further:
            typer.echo(f"  adds further terms: {', '.join(clause.adds_further)}")
        if clause.accepts_further:
            typer.echo(f"  accepts further terms: {', '.join(clause.accepts_further)}")
        if clause.follows:
            typer.echo(f"  also follows {', '.join(clause.follows)}")
        if clause.ambiguous:
            typer.echo(f"  ambiguous: {clause.ambiguous}")
        for note in clause.notes:
            typer.echo(f"  note: {note}")
        if clause.later_versions:
            typer.echo(f"  or any later version: {', '.join(clause.later_versions)}")
        for quote in clause.quotes:
            typer.echo(f"  quote: \"{quote.text}\"")
    typer.echo("")
    typer.echo(f"{len(lic.examples)} examples")


def _place(exc: CanIError) -> tuple[int, int]:
    """(line, column) of an error located at file:line:col ((0, 0) for the file as a whole)."""
    match = re.search(r":(\d+):(\d+)$", str(getattr(exc, "location", "") or ""))
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


@app.command("check", cls=_Command)
def check(paths: List[Path] = typer.Argument(..., help="License files or folders."),
          texts: Optional[Path] = typer.Option(None, "--texts", metavar="DIR",
                                               help="Also find every `quote` in the license's `source` files in DIR.")):
    """Check license files: every error, one line each, as file:line:col, with a help line."""
    from .errors import LicenseFileError
    from .kb import KnowledgeBase, license_files, unknown_references
    from .parse import parse_file
    from .texts import check_quotes

    if texts is not None and not texts.is_dir():
        raise UsageProblem(f"--texts {texts}: no such folder of license texts", location="--texts")
    errors = 0
    count = 0
    quotes = 0
    kb = KnowledgeBase()
    read: dict = {}

    def report(exc: CanIError) -> None:
        typer.echo(str(exc), err=True)
        help_line = exc.help_line() if hasattr(exc, "help_line") else None
        if help_line:
            typer.echo("  " + help_line, err=True)

    added: list[str] = []
    for path in license_files(paths):
        if not path.exists():
            typer.echo(f"{path}: no such file", err=True)
            errors += 1
            continue
        found: list = []   # every independent error of the file, not only the first
        for lic in parse_file(path, found):
            try:
                kb.licenses.add(lic, wait=True)   # a license `based on` a later file waits for it
            except CanIError as exc:
                found.append(exc)
                continue
            added.append(lic.id)
            count += 1
        for exc in sorted(found, key=_place):   # read bottom-up: report them in the file's order
            report(exc)
        errors += len(found)
    for lic in kb.licenses.unresolved():
        report(LicenseFileError(kb.licenses.unresolved_problem(lic).replace("is loaded", "is among the files checked"),
                                str(lic.based_on.position), "DSL401", "check the incorporated license's file too"))
        errors += 1
        added.remove(lic.id)
    # The license ids clauses name are checked once every file is read (one may name a later one).
    for lid in added:
        for problem in unknown_references(kb.licenses[lid].license, kb.licenses, "is not among the files checked"):
            report(problem)
            errors += 1
    if texts is not None:
        for lid in added:
            lic = kb.licenses[lid].license    # with the clauses it incorporates
            problems = check_quotes(lic, texts, read)
            for problem in problems:
                report(problem)
            errors += len(problems)
            quotes += sum(len(c.quotes) for c in lic.clauses)
    if errors:
        typer.echo(f"{errors} error{'s' if errors != 1 else ''} in {len(license_files(paths))} files", err=True)
        raise typer.Exit(EXIT_USAGE)
    if not count:
        raise UsageProblem(f"no license files (*.lic) found in {', '.join(str(p) for p in paths)}")
    typer.echo(f"ok: {count} licenses" + (f", {quotes} quotes found in their texts" if texts is not None else ""))


@app.command("fmt", cls=_Command)
def fmt(paths: List[Path] = typer.Argument(..., help="License files or folders."),
        check_only: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if a file is not formatted."),
        write: bool = typer.Option(False, "--write", help="Rewrite the files in place instead of printing them.")):
    """Print license files in canonical layout (idempotent; comments are kept)."""
    from .files import read_regular_file
    from .fmt import format_text
    from .kb import license_files
    from .errors import LicenseFileError

    if check_only and write:
        raise UsageProblem("give --check or --write, not both")
    files = license_files(paths)
    if not files:
        raise UsageProblem(f"no license files (*.lic) found in {', '.join(str(p) for p in paths)}")
    unformatted = 0
    for path in files:
        raw = read_regular_file(path, "license file", LicenseFileError)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LicenseFileError(f"not UTF-8 text (byte {exc.start})", str(path), "DSL002") from None
        formatted = format_text(text, str(path))
        if check_only:
            if formatted != text:
                unformatted += 1
                typer.echo(f"{path}: not formatted (run `can-i fmt --write {path}`)", err=True)
        elif write:
            if formatted != text:
                path.write_text(formatted, encoding="utf-8")
        else:
            typer.echo(formatted, nl=False)
    if unformatted:
        raise typer.Exit(1)


@app.command("test", cls=_Command)
def test(ctx: typer.Context, paths: Optional[List[Path]] = typer.Argument(None, help="License files (default: all).")):
    """Run every `example` block; report pass/fail and the clauses no example exercises."""
    from .examples import clause_coverage, rule_bearing, run_examples

    engine = reasoner((ctx.obj or {}).get("facts"))
    chosen = [c.license for c in engine.kb.licenses.values()]
    if paths:
        wanted = {p.resolve() for p in paths}
        chosen = [lic for lic in chosen if Path(lic.file).resolve() in wanted]
        if not chosen:
            raise UnknownSubjectError("none of these files is part of the knowledge base (pass --facts too)")
    outcomes = run_examples(engine, chosen)
    failed = [o for o in outcomes if not o.passed]
    for outcome in outcomes:
        mark = style("PASS", fg="green") if outcome.passed else style("FAIL", fg="red")
        line = f"{mark} {outcome.license}: {outcome.example.description}"
        if not outcome.passed:
            line += f"\n     {outcome.location}: {outcome.problem}"
        typer.echo(line)
    gaps = clause_coverage(engine, outcomes)
    total = sum(len(rule_bearing(lic)) for lic in chosen)
    missing = sum(len(gaps.get(lic.id, [])) for lic in chosen)
    for lic in chosen:
        for number in gaps.get(lic.id, []):
            typer.echo(f"uncovered: {lic.id} §{number}")
    covered = 100.0 * (total - missing) / total if total else 100.0
    typer.echo(f"clause coverage: {covered:.1f}% ({total - missing} of {total} rule-bearing clauses)")
    typer.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(1 if failed else 0)


# --- entry point --------------------------------------------------------------------------------

def _fail(exc: CanIError, as_json: bool) -> int:
    """Report an error: one line on stderr (newlines in user input are escaped), plus the JSON
    error document on stdout under --json."""
    if as_json:
        typer.echo(json.dumps({"schema_version": "1", "error": exc.to_json()}, indent=2, ensure_ascii=False))
    typer.echo(f"can-i: {exc}", err=True)  # str() of a CanIError is one escaped line
    return EXIT_USAGE


@functools.lru_cache(maxsize=1)
def cli_command():
    """The click command of `app`, with the help of every argument shown.

    click 8.2+ resets an argument's `help` after typer has set it, so `can-i host --help` would not
    say what SUBJECT may be; the text is put back from the commands' declarations. Built once per
    process: typer takes ~25 ms to build the tree, which an embedder calling `main` again and again
    (and the test suite, ~3,000 times) paid on every call; click keeps no state of a run in it.
    """
    import inspect

    command = typer.main.get_command(app)
    declared = {}
    for info in app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        for parameter in inspect.signature(info.callback).parameters.values():
            if isinstance(parameter.default, typer.models.ArgumentInfo) and parameter.default.help:
                declared[(name, parameter.name)] = parameter.default.help
    for name, sub in getattr(command, "commands", {}).items():
        for param in sub.params:
            if param.param_type_name == "argument" and not getattr(param, "help", None):
                param.help = declared.get((name, param.name))
    return command


def _suggest_option(exc) -> None:
    """An unknown option click found no near name for (it compares case and `_` as written):
    `--JSON`, `--Release_MAU` mean an option of the command, said as "did you mean" (review 23)."""
    import click
    from difflib import get_close_matches

    if not isinstance(exc, click.NoSuchOption) or exc.possibilities or exc.ctx is None:
        return
    names = [o for p in exc.ctx.command.params for o in p.opts + p.secondary_opts if o.startswith("--")]
    folded = exc.option_name.lower().replace("_", "-")
    exc.possibilities = [n for n in names if n == folded] or get_close_matches(folded, names, n=3, cutoff=0.75)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the CLI; every error is one line on stderr with a distinct exit code."""
    args = sys.argv[1:] if argv is None else argv
    if argv is None:
        tolerant_stdout()
    as_json = "--json" in args
    command = cli_command()
    try:
        code = command.main(args=args, prog_name="can-i", standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.Abort:
        typer.echo("can-i: aborted", err=True)
        code = EXIT_USAGE
    except _UsageError as exc:  # usage errors: unknown option, bad value, missing argument
        _suggest_option(exc)
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        code = _fail(UsageProblem(message), as_json)
    except CanIError as exc:
        code = _fail(exc, as_json)
    except RecursionError:
        typer.echo("can-i: input nested too deeply", err=True)
        code = EXIT_USAGE
    except MemoryError:   # a memory limit (ulimit, a container) met by the solver: a limit, not a traceback
        from .errors import LimitError
        code = _fail(LimitError("out of memory: the question is larger than the memory can-i may use here; "
                                "ask about fewer or smaller lineages at once"), as_json)
    except KeyboardInterrupt:
        code = 130
    if argv is None:
        sys.exit(code or 0)
    return code or 0


if __name__ == "__main__":
    main()
