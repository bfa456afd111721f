"""The `can-i` entry point. The questions people and scripts ask most,

    can-i VERB SUBJECT [fact options] [--json]      (can-i host llama3 --mau 10M)
    can-i --request FILE|- [--json]                 (one JSON request document)

are answered here without importing typer, click or rich: building the typer command tree and
importing them is about a third of a cold start (a person at a terminal notices it). The human
answer is reasoner/render.py's text, the command line's own. Everything else (help, --facts,
other commands, a standard output that is not UTF-8, anything this reader does not recognise
exactly) goes to the full command line, reasoner/cli.py, unchanged.

Both paths give byte-identical output and exit codes: tests/test_cold.py compares them on many
argument lists, good and bad. An argument list this module is not sure to read exactly as click
does (an option it does not know, a value that starts with `-`, `--`, an option given twice)
is left to the full command line, which reports it; so is an input error here: the error is
reported by the full command line's own functions (imported then), so its one line, its JSON
error document and its exit code (2) are the command line's.

A command-line feature that changes what a verb or `--request` answers must be done here too,
or make `_fast` return None for the argument lists it concerns.
"""

from __future__ import annotations

import os
import sys

# The exit code of each status, as cli.py's EXIT and EXIT_USAGE give them (cli.py is not imported
# here; tests/test_cold.py checks that the two agree).
EXIT = {"permitted": 0, "forbidden": 1, "depends": 3, "unknown": 3}
EXIT_USAGE = 2

# The options read here, beside the fact options schema.py declares for every verb. Options the
# verbs or the root take that are not listed send the run to the full command line.
_ROOT_FLAGS = ("--json", "--explain")
_VERB_FLAGS = ("--mine", "--json", "--explain", "--no-remedies")
# The advice commands take the verbs' subject and fact options, and --by, but not --no-remedies.
_ADVICE = ("license-for", "downstream")
_ADVICE_FLAGS = ("--mine", "--json", "--explain")
# Files and variables that profiles (standing facts and a license policy) are read from: a run
# where one may apply is left to the full command line, which reads them.
_PROFILE_FILES = ("can-i.toml",)
_PROFILE_TABLE = b"[tool.can-i"
_PROFILE_VARIABLE = "CAN_I_PROFILE"


def main(argv: list[str] | None = None) -> int:
    """Run `can-i ARGV`: the fast path when it applies, else the full command line. A Ctrl-C is
    exit code 130 wherever it comes, also while modules are still being imported (the profile
    check's tomllib, the full command line's typer): there it was a traceback."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        if argv is None:
            _exit(130)
        return 130


def _main(argv: list[str] | None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if argv is None:
        from .render import tolerant_stdout

        tolerant_stdout()
    code = _fast(args, whole_process=argv is None)
    if code is None:
        from .cli import main as full

        return full(argv)
    if argv is None:
        _exit(code)
    return code


def _exit(code: int) -> None:
    """End the process once the answer is out. Tearing down the interpreter (every module,
    every object, clingo's) costs ~20 ms of a ~100 ms run and does nothing this process needs:
    the output is flushed here, and can-i registers no exit handlers."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # closed by the reader: nothing more can be said
            pass
    workers = sys.modules.get("reasoner.workers")
    if workers is not None:   # solver processes of a long JSON Lines run: end them first
        workers.close_all()
    os._exit(code)


def _fast(args: list[str], whole_process: bool = False) -> int | None:
    """The exit code of a run answered here, or None (nothing done) for the full command line.
    `whole_process`: this run is the process (the `can-i` command), not a call inside another."""
    if not args or _profile_may_apply():
        return None
    import gc

    if whole_process:
        _whole_process.append(True)
    if not (whole_process and gc.isenabled()):
        return _fast_path(args)
    # Importing can-i and clingo allocates many long-lived objects and no garbage: the cyclic
    # collector would only walk them, again and again (~5 ms). `_engine` turns it back on, for
    # the question, once they are loaded.
    _paused.append(True)
    gc.disable()
    try:
        return _fast_path(args)
    finally:
        if _paused:
            _paused.clear()
            gc.enable()


def _fast_path(args: list[str]) -> int | None:
    parsed = _root_options(args) if _stdout_takes_utf8() else None
    if parsed is None:
        return None
    root, args = parsed
    as_json = root.get("json", False)
    if "request" in root:   # an empty path is the full command line's usage error
        return _request(root["request"], as_json, root.get("explain", False)) if not args and root["request"].strip() else None
    from .schema import ACT_RELATION
    from .vocabulary import USE_ACTS

    if args and args[0] in _ADVICE:
        advice = _verb_options(args[1:], _ADVICE_FLAGS, ("--by",))
        if advice is None:
            return None
        return _advice(args[0], advice, as_json or advice["json"], advice["explain"] or root.get("explain", False))
    if not args or (args[0] not in USE_ACTS and args[0] not in ACT_RELATION):
        return None
    verb = _verb_options(args[1:])
    if verb is None:
        return None
    return _verb(args[0], verb, as_json or verb["json"], verb["explain"] or root.get("explain", False))


def _stdout_takes_utf8() -> bool:
    """Does standard output take any text as it is? Answers hold `—`, `✗` and whatever ids and
    names they quote; on a stream of another encoding the full command line prints them, as click
    does there (it writes UTF-8 to an ASCII stream). A stream of text with no encoding (io.StringIO)
    takes any."""
    import codecs

    encoding = getattr(sys.stdout, "encoding", None)
    if encoding is None:
        return True
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _root_options(args: list[str]):
    """(options, the rest from the verb on) for `[--json] [--explain] [--request X] [VERB ...]`,
    or None if anything else comes before a verb."""
    options: dict = {}
    position = 0
    while position < len(args):
        arg = args[position]
        if not arg.startswith("-"):
            break
        name, equals, value = arg.partition("=")
        if name in options or name.lstrip("-") in options:
            return None   # given twice: the full command line says so
        if arg in _ROOT_FLAGS:
            options[arg.lstrip("-")] = True
        elif name == "--request":
            if not equals:
                position += 1
                if position == len(args):
                    return None
                value = args[position]
            if value.startswith("-") and value != "-":
                return None
            options["request"] = value
        else:
            return None
        position += 1
    return options, args[position:]


_paused: list = []    # [True] while the cyclic garbage collector is paused for the imports
_engines: list = []   # the process's Reasoner over the bundled knowledge base, made on first use


def _engine():
    if not _engines:
        from .api import Reasoner

        _engines.append(Reasoner())
    _resume_collector()
    return _engines[0]


# Up to this many artifacts, a question's groundings are small enough to keep until the end.
_KEPT_GROUNDINGS_UP_TO = 100
_whole_process: list = []   # [True] when this run is the `can-i` process itself


def _keep_groundings(request) -> None:
    """Leave every clingo Control unfreed, and the cyclic garbage collector off, when this run is
    the whole process and answers one small question: the process ends with os._exit once the
    answer is out, and freeing a grounding is ~1-2 ms each (a cold answer with remedies grounds
    twice: the verdict, the search). Never for
    a large lineage (its groundings are freed as they are done with, to bound memory), for JSON
    Lines, or inside another program."""
    if not _whole_process or not isinstance(request, dict):
        return
    # Not read yet (the request is checked when asked): anything but a list counts as none.
    sizes = [len(value) for value in (request.get("artifacts"), request.get("licenses")) if isinstance(value, list)]
    if sum(sizes) > _KEPT_GROUNDINGS_UP_TO:
        return
    import gc

    import clingo

    clingo.Control.__del__ = _unfreed
    # Nor is its garbage collected: what a small question leaves is freed with the process, and
    # the cyclic collector would only walk what it made (4 collections, ~0.5 ms of a cold answer).
    gc.disable()


def _unfreed(control) -> None:
    """A Control's finalizer while the process is about to end (_keep_groundings)."""


def _resume_collector() -> None:
    if _paused:   # what is imported and loaded so far lives as long as the process
        import gc

        _paused.clear()
        gc.freeze()
        gc.enable()


def _option_table() -> dict:
    """Option spelling -> (fact attribute, value for a flag or None, repeatable), from schema.py,
    as cli.py declares the verbs' options."""
    from . import schema

    table: dict = {}
    for fact in schema.FACT_LIST:
        if not fact.cli:
            continue
        for spelling in fact.cli.split(" "):
            if fact.type == schema.FLAG:
                yes, _, no = spelling.partition("/")
                table[yes] = (fact.attr, True, False)
                if no:
                    table[no] = (fact.attr, False, False)
            else:
                table[spelling] = (fact.attr, None, fact.repeatable)
    return table


def _verb_options(args: list[str], flag_names: tuple = _VERB_FLAGS, value_names: tuple = ()):
    """{'subject', 'typed' (fact attribute -> value, in schema order), 'mine', 'json', 'explain',
    'remedies', and each of `value_names` (`--by` -> 'by', None when not given)}
    for `SUBJECT [options]`, or None when click might read the arguments otherwise."""
    table = dict(_option_table())
    table.update((name, (name, None, False)) for name in value_names)   # not a fact: kept apart below
    subject = None
    flags = {flag: False for flag in flag_names}
    typed: dict = {}
    seen: set = set()
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if not arg.startswith("-"):
            if subject is not None:
                return None
            subject = arg
            continue
        name, equals, value = arg.partition("=")
        if name in flags and not equals:
            if flags[name]:
                return None
            flags[name] = True
            continue
        spec = table.get(name)
        if spec is None:
            return None
        attr, flag_value, repeatable = spec
        if attr in seen and not repeatable:
            return None   # twice, or a flag and its negation: the full command line refuses it
        seen.add(attr)
        if flag_value is not None:
            if equals:
                return None
            typed[attr] = flag_value
            continue
        if not equals:
            if position == len(args):
                return None
            value = args[position]
            position += 1
        if value.startswith("-"):
            return None
        if repeatable:
            typed.setdefault(attr, []).append(value)
        else:
            typed[attr] = value
    if subject is None:
        return None
    from . import schema

    in_order = {fact.attr: typed[fact.attr] for fact in schema.FACT_LIST if fact.attr in typed}   # as typer passes them
    return {"subject": subject, "typed": in_order,
            "mine": flags["--mine"], "json": flags["--json"], "explain": flags["--explain"],
            "remedies": not flags.get("--no-remedies", False),
            **{name.lstrip("-"): typed.get(name) for name in value_names}}


def _stated(options: dict) -> tuple:
    """(the subjects.Context of the options typed, the acts after the first (`--and`), the
    request fields they state), as cli.py's commands make them."""
    from . import schema
    from .subjects import Context

    stated = dict(options["typed"])
    by_attr = {fact.attr: fact for fact in schema.FACT_LIST}
    then = list(stated.pop("acts", []))
    given = {by_attr[attr].field or by_attr[attr].name for attr in stated} | ({"acts"} if then else set())
    return Context(also=then, mine=options["mine"], **stated), then, given


def _verb(act: str, options: dict, as_json: bool, explain: bool) -> int:
    """`can-i ACT SUBJECT [options] [--json]`, as cli.py's verb command answers it: the JSON
    response, or the human answer (render.py, the command line's own text)."""
    from .errors import CanIError

    def answer() -> int:
        from .subjects import DERIVED_ID, verb_request

        context, then, given = _stated(options)
        engine = _engine()
        request = None
        try:
            # As cli.py's verb: remedies are searched unless --no-remedies.
            request = verb_request(engine.kb, options["subject"], act, context, remedies=options["remedies"])
            _keep_groundings(request)
            result = engine.ask(request)
        except CanIError as exc:
            from .cli import _at_option

            target = None
            if request is not None:
                target = next((i for i, a in enumerate(request["artifacts"]) if a.get("id") == DERIVED_ID), None)
            raise _at_option(exc, given, target) from None
        if as_json:
            return _emit(result)
        from .render import made_up_names, render, verb_words

        names = made_up_names(context.name)
        _write(render(result, verb_words(act, options["subject"], then), explain, names, with_flags=True) + "\n")
        return _exit_code(result)

    return _guarded(answer, as_json)


def _advice(kind: str, options: dict, as_json: bool, explain: bool) -> int:
    """`can-i license-for|downstream SUBJECT [options] [--by ACT] [--json]`, as cli.py's advice
    command answers it (no profile applies here: _fast leaves those runs to it)."""
    from .errors import CanIError

    def answer() -> int:
        from .advice import advice_request, downstream, license_for

        context, then, given = _stated(options)
        engine = _engine()
        try:
            request = advice_request(engine.kb, options["subject"], context, options["by"])
            advice = (license_for if kind == "license-for" else downstream)(engine, request)
        except CanIError as exc:
            from .cli import _at_option

            raise _at_option(exc, given) from None
        if as_json:
            return _emit_advice(advice)
        from .advice import EXIT as ADVICE_EXIT
        from .render import advice_text, made_up_names

        _write(advice_text(advice, made_up_names(context.name), explain) + "\n")
        return ADVICE_EXIT[advice.status]

    return _guarded(answer, as_json)


def _request(request: str, as_json: bool, explain: bool) -> int:
    """`can-i --request FILE|- [--json]`, as cli.py's root command answers it; JSON Lines, and
    advice for a person to read, are answered by the command line's own functions for them."""

    def answer() -> int:
        from .api import read_request_input
        from .errors import CanIError

        source, doc, batch, locate = read_request_input(request)
        if batch is None:
            engine = _engine()
            try:
                if isinstance(doc, dict) and "suggest" in doc:   # advice, as cli.py answers it
                    advice = engine.advise(doc)
                    if as_json:
                        return _emit_advice(advice)
                    return _by_command_line(lambda cli: cli._emit_advice(advice, False, explain=explain))
                _keep_groundings(doc)
                result = engine.ask(doc)
            except CanIError as exc:   # located in the file, as cli.py's root command does
                raise locate(exc) from None
            if as_json:
                return _emit(result)
            from .render import render

            _write(render(result, f"the request for `{result.subject}`", explain) + "\n")
            return _exit_code(result)
        _resume_collector()
        return _by_command_line(lambda cli: cli._answer_lines(cli.reasoner(None), batch, source, as_json, explain,
                                                              locate))

    return _guarded(answer, as_json)


def _by_command_line(emit) -> int:
    """The exit code of `emit(cli)`, a function of the full command line that writes an answer
    and ends with click's Exit (0 if it returns)."""
    from click.exceptions import Exit

    from . import cli

    try:
        emit(cli)
    except Exit as exc:
        return exc.exit_code
    return 0


def _emit(result) -> int:
    """The JSON response on standard output (as click.echo writes it), and its exit code."""
    import json

    _write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    return _exit_code(result)


def _exit_code(result) -> int:
    if getattr(result, "policy", None) is not None:
        # A license policy (issue 14: profiles) may set the exit code too: cli.py's rule decides.
        from . import cli

        return cli.exit_code(result)
    return EXIT[result.status]


def _emit_advice(advice) -> int:
    """`license-for` / `downstream` advice asked for by a request document (`suggest`), as
    cli.py's `_emit_advice` writes it in JSON, and its exit code."""
    import json

    from .advice import EXIT as ADVICE_EXIT

    _write(json.dumps(advice.to_json(), indent=2, ensure_ascii=False) + "\n")
    return ADVICE_EXIT[advice.status]


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:   # the reader stopped (`| head`): the answer's exit code stands
        _silence_stdout()


def _silence_stdout() -> None:
    """Send what is left for a closed standard output to /dev/null (Python's advice), so that
    flushing it at exit raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):   # no real descriptor (a test's capture)
        pass


def _guarded(answer, as_json: bool = True) -> int:
    """`answer()`, with errors reported as the full command line reports them (with the JSON
    error document too under --json)."""
    from .errors import CanIError

    try:
        return answer()
    except CanIError as exc:
        from .cli import _fail

        return _fail(exc, as_json)
    except RecursionError:
        sys.stderr.write("can-i: input nested too deeply\n")
        sys.stderr.flush()
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _pyproject_has_profile(data: bytes) -> bool:
    """Whether a pyproject.toml's text holds a `[tool.can-i]` table as profile.py reads it: TOML
    spells it in more ways than `[tool.can-i]` (`[tool."can-i"]`, `can-i = {…}` under `[tool]`,
    dotted keys), so a text naming `can-i` is parsed; one that is not valid TOML goes to the
    full command line, which reports it. A quoted key may spell `can-i` with escapes
    (`[tool."can\\u002Di"]`), so a text with a backslash is parsed too."""
    if _PROFILE_TABLE in data:
        return True
    from .files import spells

    if not spells(data, "can-i") and b"\\" not in data:   # a UTF-16 file is read, and refused, there
        return False
    import tomllib

    try:
        tool = tomllib.loads(data.decode("utf-8")).get("tool")
    except (ValueError, UnicodeDecodeError):
        return True
    return isinstance(tool, dict) and "can-i" in tool


def _profile_may_apply() -> bool:
    """Is a profile named in the environment, or a profile file in this folder or above?
    `CAN_I_PROFILE=none` (or empty) is --no-profile: no profile, whatever files there are."""
    if _PROFILE_VARIABLE in os.environ:
        return os.environ[_PROFILE_VARIABLE].strip().lower() not in ("", "none")
    try:
        folder = os.getcwd()
    except OSError:
        return True
    while True:
        for name in _PROFILE_FILES:
            if os.path.exists(os.path.join(folder, name)):
                return True
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject):
            try:
                with open(pyproject, "rb") as handle:
                    if _pyproject_has_profile(handle.read()):
                        return True
            except OSError:
                return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent
