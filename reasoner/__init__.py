"""can-i: cited answers on whether a use of an AI model is permitted under every license in its stack.

>>> from reasoner import Reasoner
>>> Reasoner().ask({"licenses": ["mit"], "use": {"acts": ["distribute"]}}).status
'permitted'
"""

__all__ = ["Reasoner", "Result", "CanIError", "load"]
__version__ = "0.1.0"

# Imported on first use (PEP 562), not with the package: `can-i fmt`, `can-i --help` and the
# command line's start need none of the engine, and `import reasoner.x` runs this file first.
_EXPORTS = {"Reasoner": "api", "load": "api", "CanIError": "errors", "Result": "explain"}


def __getattr__(name: str):
    if name in _EXPORTS:
        from importlib import import_module

        value = getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
