"""Dataclasses that cost nothing to define: `@dataclass` as the standard library's, for the
classes a cold `can-i` question imports (licenses.py, response.py, request.py, ...).

Defining a standard dataclass compiles its methods (`__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__`, `__delattr__`) from generated source at import: ~0.3 ms a class,
~15 ms for the ~55 classes of a cold question, plus ~4 ms to import `dataclasses` (and
`inspect`), of a ~80 ms run that needs a handful of those methods. Here each method is compiled
from the same source the standard library generates, the first time it is called, so an
instance behaves exactly as a standard dataclass instance (same signature, defaults, repr,
equality, hash, frozenness, `__match_args__`, `FrozenInstanceError`), and a method nobody calls
is never compiled.

The `dataclasses` module works on these classes as on its own: `__dataclass_fields__` and
`__dataclass_params__` are made (by the standard library itself, from the same declaration) when
first read, so `dataclasses.fields`, `replace`, `asdict` and `is_dataclass` give what they give
for a standard dataclass. `replace` and `asdict` here do the same without importing it.

Only what can-i uses is done here (`frozen`, `eq`, `slots`, `field(default=, default_factory=,
compare=, repr=, kw_only=)`, `make_dataclass(name, fields, frozen=, namespace=, slots=)`); any other
option, a dataclass base class, `ClassVar` or `InitVar` leaves the class to the standard
`dataclasses.dataclass`.

>>> @dataclass(frozen=True)
... class Point:
...     x: int
...     y: int = 0
>>> Point(1), Point(1) == Point(1, 0), hash(Point(1)) == hash((1, 0)), Point.__match_args__
(Point(x=1, y=0), True, True, ('x', 'y'))
>>> import dataclasses; [f.name for f in dataclasses.fields(Point)], dataclasses.replace(Point(1), y=2)
(['x', 'y'], Point(x=1, y=2))
"""

from __future__ import annotations

import sys
from types import CodeType, FunctionType

GENERATED_PREFIX = "<dataclass method "   # the file name of the methods compiled here
MISSING = object()   # no default (dataclasses.MISSING plays this part once the class is handed over)
_FIELDS = "__dataclass_fields__"
_PARAMS = "__dataclass_params__"


class _Field:
    """A field as declared (what `field()` returns), until the standard library is asked for it."""
    __slots__ = ("name", "type", "default", "default_factory", "repr", "compare", "kw_only")

    def __init__(self, default=MISSING, default_factory=MISSING, repr=True, compare=True, kw_only=MISSING):
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = self.type = None
        self.default, self.default_factory = default, default_factory
        self.repr, self.compare, self.kw_only = repr, compare, kw_only


def field(*, default=MISSING, default_factory=MISSING, repr=True, compare=True, kw_only=MISSING):
    """As `dataclasses.field`, for the options can-i uses."""
    return _Field(default, default_factory, repr, compare, kw_only)


class _Spec:
    """What a class declared: its fields in order and its parameters."""
    __slots__ = ("cls", "fields", "frozen", "eq", "globals")

    def __init__(self, cls, fields, frozen, eq):
        self.cls, self.fields, self.frozen, self.eq = cls, fields, frozen, eq
        module = sys.modules.get(cls.__module__)
        self.globals = module.__dict__ if module is not None else {}


_SPECS: dict = {}   # class -> _Spec, for every class made here


def dataclass(cls=None, /, *, frozen: bool = False, eq: bool = True, slots: bool = False):
    """`@dataclass` / `@dataclass(frozen=True)`: as the standard library's (see the module's doc).
    With `slots`, as the standard library's too: the class is made again with `__slots__` naming
    its fields (no `__dict__` per instance: a record made by the hundred thousand, such as a long
    lineage's artifacts and edges, is ~60 bytes smaller), and a frozen one pickles and copies
    through `__getstate__`/`__setstate__`."""
    def wrap(cls):
        return _process(cls, frozen, eq, slots)

    return wrap if cls is None else wrap(cls)


def make_dataclass(cls_name: str, fields, *, frozen: bool = False, namespace: dict | None = None,
                   slots: bool = False):
    """As `dataclasses.make_dataclass` for `(name, type[, field])` entries."""
    body = dict(namespace or {})
    annotations = {}
    for entry in fields:
        name, kind = entry[0], entry[1]
        annotations[name] = kind
        if len(entry) == 3:
            body[name] = entry[2]
    body["__annotations__"] = annotations
    body.setdefault("__qualname__", cls_name)
    return dataclass(type(cls_name, (), body), frozen=frozen, slots=slots)


def _standard(cls, frozen, eq, slots=False):
    """The class made a standard dataclass (for what this module does not do)."""
    import dataclasses

    for name, value in list(cls.__dict__.items()):
        if type(value) is _Field:
            setattr(cls, name, _standard_field(value))
    return dataclasses.dataclass(cls, frozen=frozen, eq=eq, slots=slots)


def _standard_field(declared: _Field):
    import dataclasses

    options = {"repr": declared.repr, "compare": declared.compare}
    if declared.default is not MISSING:
        options["default"] = declared.default
    if declared.default_factory is not MISSING:
        options["default_factory"] = declared.default_factory
    if declared.kw_only is not MISSING:
        options["kw_only"] = declared.kw_only
    return dataclasses.field(**options)


def _unsupported_annotation(kind) -> bool:
    text = kind if isinstance(kind, str) else getattr(kind, "__name__", "")
    return "ClassVar" in text or "InitVar" in text


def _process(cls, frozen: bool, eq: bool, slots: bool = False):
    annotations = cls.__dict__.get("__annotations__", {})
    if (any(_FIELDS in base.__dict__ or base in _SPECS for base in cls.__mro__[1:])
            or any(_unsupported_annotation(kind) for kind in annotations.values())
            or any(type(value).__module__ == "dataclasses" for value in cls.__dict__.values())):
        return _standard(cls, frozen, eq, slots)
    fields = []
    for name, kind in annotations.items():
        value = cls.__dict__.get(name, MISSING)
        declared = value if type(value) is _Field else _Field(default=value)
        declared.name, declared.type = name, kind
        if declared.kw_only is MISSING:
            declared.kw_only = False
        default = declared.default
        if default is not MISSING and type(default).__hash__ is None:
            raise ValueError(f"mutable default {type(default)} for field {name} is not allowed: use default_factory")
        if type(value) is _Field:   # as the standard library leaves it: the default, or nothing
            if default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, default)
        fields.append(declared)
    positional = [f for f in fields if not f.kw_only]
    seen_default = False
    for f in positional:
        if f.default is not MISSING or f.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
    if slots:
        cls = _slotted(cls, fields, frozen)
    spec = _SPECS[cls] = _Spec(cls, tuple(fields), frozen, eq)
    own = cls.__dict__
    _lazy(cls, "__init__", spec)
    _lazy(cls, "__repr__", spec)
    if eq:
        _lazy(cls, "__eq__", spec)
    if frozen:
        for name in ("__setattr__", "__delattr__"):
            if name in own:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
            _lazy(cls, name, spec)
    class_hash = own.get("__hash__", MISSING)
    explicit_hash = not (class_hash is MISSING or (class_hash is None and "__eq__" in own))
    if eq and not explicit_hash:
        if frozen:
            type.__setattr__(cls, "__hash__", _stub(spec, "__hash__"))
        else:
            type.__setattr__(cls, "__hash__", None)
    if not cls.__doc__:
        type.__setattr__(cls, "__doc__", _LazyDoc())
    if "__match_args__" not in own:
        type.__setattr__(cls, "__match_args__", tuple(f.name for f in positional))
    type.__setattr__(cls, _FIELDS, _LazyStandard(_FIELDS))
    type.__setattr__(cls, _PARAMS, _LazyStandard(_PARAMS))
    if "__signature__" not in own:
        type.__setattr__(cls, "__signature__", _LazySignature())
    return cls


def _slotted(cls, fields: list, frozen: bool):
    """The class made again with `__slots__` for its fields, as dataclasses._add_slots makes it:
    the defaults are left to `__init__` (a class attribute cannot share a slot's name)."""
    if "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__name__} already specifies __slots__")
    body = dict(cls.__dict__)
    names = tuple(f.name for f in fields)
    for name in names + ("__dict__", "__weakref__"):
        body.pop(name, None)
    body["__slots__"] = names
    if frozen:   # pickle and copy would set the fields through the frozen __setattr__
        body.setdefault("__getstate__", _getstate)
        body.setdefault("__setstate__", _setstate)
    qualname = getattr(cls, "__qualname__", None)
    cls = type(cls)(cls.__name__, cls.__bases__, body)
    if qualname is not None:
        cls.__qualname__ = qualname
    return cls


def _fields_of_instance(self) -> tuple:
    """The fields of a record, or of a subclass of one (a plain class deriving from a record is
    pickled and copied through the record's methods, as the standard library's is)."""
    kind = type(self)
    spec = _SPECS.get(kind)
    if spec is None:
        spec = next(_SPECS[base] for base in kind.__mro__ if base in _SPECS)
    return spec.fields


def _getstate(self):
    return [getattr(self, f.name) for f in _fields_of_instance(self)]


def _setstate(self, state):
    for f, value in zip(_fields_of_instance(self), state):
        object.__setattr__(self, f.name, value)   # as a frozen record's own __init__ sets them


def _lazy(cls, name: str, spec: _Spec) -> None:
    if name not in cls.__dict__:
        type.__setattr__(cls, name, _stub(spec, name))


def _stub(spec: _Spec, name: str):
    """A method that compiles the real one on its first call, puts it on the class in its own
    place (unless the class's module has put another function there since), and calls it."""
    compiled: list = []

    def materialize():
        if not compiled:
            method = _GENERATORS[name](spec)
            method.__qualname__ = f"{spec.cls.__qualname__}.{method.__name__}"
            compiled.append(method)
            if spec.cls.__dict__.get(name) is stub:
                type.__setattr__(spec.cls, name, method)
        return compiled[0]

    def stub(self, *args, **kwargs):
        return (compiled[0] if compiled else materialize())(self, *args, **kwargs)

    stub.__name__ = name
    stub.__qualname__ = f"{spec.cls.__qualname__}.{name}"
    stub.materialize = materialize
    return stub


def _create(name: str, arguments: str, body: list[str], spec: _Spec, local: dict, annotation: str = ""):
    """As dataclasses._create_fn: the function made by source text, with `local` as its closure."""
    local_names = ", ".join(local)
    text = "\n".join(f"  {line}" for line in body)
    source = f"def __create_fn__({local_names}):\n def {name}({arguments}){annotation}:\n{text}\n return {name}"
    # The file name says where the code comes from (tracebacks; tests/test_injection.py allows it).
    filename = f"{GENERATED_PREFIX}{spec.cls.__qualname__}.{name}>"
    code = _precompiled(source, filename)
    if code is not None:
        return FunctionType(code, spec.globals, "__create_fn__")(**local)
    namespace: dict = {}
    # dont_inherit: this module's `from __future__ import annotations` must not turn the
    # generated annotations into strings (the standard library's module has no such import).
    exec(compile(source, filename, "exec", dont_inherit=True), spec.globals, namespace)
    return namespace["__create_fn__"](**local)


_PRECOMPILED: list = []   # [records_precompiled.METHODS], once it is first needed


def _precompiled(source: str, filename: str):
    """The code of `source`'s `__create_fn__` as compile() would make it under `filename`, from
    reasoner/records_precompiled.py (compiled with the package, as any module is: compiling a
    method here is ~0.1 ms, ~4 ms of a cold question's ~37 methods); None when that module has
    no entry for exactly this source (a class changed since it was written: compiled as before)."""
    if not _PRECOMPILED:
        try:
            from .records_precompiled import METHODS
        except ImportError:
            METHODS = {}
        _PRECOMPILED.append(METHODS)
    factory = _PRECOMPILED[0].get(source)
    if factory is None:
        return None
    outer = factory.__code__
    # Lines as in `source` compiled alone: the factory on line 1, the method on line 2.
    consts = tuple(c.replace(co_filename=filename, co_firstlineno=2) if isinstance(c, CodeType) else c
                   for c in outer.co_consts)
    return outer.replace(co_filename=filename, co_firstlineno=1, co_consts=consts)


_HAS_DEFAULT_FACTORY = type("_HAS_DEFAULT_FACTORY_CLASS", (), {"__repr__": lambda self: "<factory>"})()


def _init(spec: _Spec):
    local = {"__dataclass_HAS_DEFAULT_FACTORY__": _HAS_DEFAULT_FACTORY,
             "__dataclass_builtins_object__": object, "__dataclass_return_type__": None}
    parameters, keywords, body = ["self"], [], []
    for f in spec.fields:
        local[f"__dataclass_type_{f.name}__"] = f.type
        if f.default is not MISSING:
            local[f"__dataclass_dflt_{f.name}__"] = f.default
            default = f"=__dataclass_dflt_{f.name}__"
        elif f.default_factory is not MISSING:
            local[f"__dataclass_dflt_{f.name}__"] = f.default_factory
            default = "=__dataclass_HAS_DEFAULT_FACTORY__"
        else:
            default = ""
        (keywords if f.kw_only else parameters).append(f"{f.name}:__dataclass_type_{f.name}__{default}")
        value = f.name
        if f.default_factory is not MISSING:
            value = f"__dataclass_dflt_{f.name}__() if {f.name} is __dataclass_HAS_DEFAULT_FACTORY__ else {f.name}"
        if spec.frozen:
            body.append(f"__dataclass_builtins_object__.__setattr__(self,{f.name!r},{value})")
        else:
            body.append(f"self.{f.name}={value}")
    if hasattr(spec.cls, "__post_init__"):
        body.append("self.__post_init__()")
    if keywords:
        parameters += ["*"] + keywords
    return _create("__init__", ",".join(parameters), body or ["pass"], spec, local,
                   annotation="->__dataclass_return_type__")


def _repr(spec: _Spec):
    shown = ", ".join(f"{f.name}={{self.{f.name}!r}}" for f in spec.fields if f.repr)
    function = _create("__repr__", "self", [f'return self.__class__.__qualname__ + f"({shown})"'], spec, {})
    import functools
    import _thread

    running: set = set()

    @functools.wraps(function)
    def wrapper(self):   # as dataclasses._recursive_repr: a record that holds itself shows `...`
        key = id(self), _thread.get_ident()
        if key in running:
            return "..."
        running.add(key)
        try:
            return function(self)
        finally:
            running.discard(key)

    return wrapper


def _tuple(owner: str, fields) -> str:
    return f"({','.join(f'{owner}.{f.name}' for f in fields)},)" if fields else "()"


def _eq(spec: _Spec):
    compared = [f for f in spec.fields if f.compare]
    return _create("__eq__", "self, other", ["if other.__class__ is self.__class__:",
                                             f" return {_tuple('self', compared)}=={_tuple('other', compared)}",
                                             "return NotImplemented"], spec, {})


def _hash(spec: _Spec):
    return _create("__hash__", "self", [f"return hash({_tuple('self', [f for f in spec.fields if f.compare])})"],
                   spec, {})


def _frozen(name: str, arguments: str, verb: str, call: str):
    def make(spec: _Spec):
        from dataclasses import FrozenInstanceError

        names = "(" + ",".join(repr(f.name) for f in spec.fields) + ",)" if spec.fields else "()"
        return _create(name, arguments, [f"if type(self) is cls or name in {names}:",
                                         f' raise FrozenInstanceError(f"cannot {verb} field {{name!r}}")',
                                         f"super(cls, self).{name}({call})"],
                       spec, {"cls": spec.cls, "FrozenInstanceError": FrozenInstanceError})

    return make


_GENERATORS = {"__init__": _init, "__repr__": _repr, "__eq__": _eq, "__hash__": _hash,
               "__setattr__": _frozen("__setattr__", "self, name, value", "assign to", "name, value"),
               "__delattr__": _frozen("__delattr__", "self, name", "delete", "name")}


class _LazyDoc:
    """The docstring the standard library gives a dataclass without one: its name and signature."""

    def __get__(self, instance, owner):
        import inspect

        cls = next(c for c in owner.__mro__ if type(c.__dict__.get("__doc__")) is _LazyDoc)
        try:
            text = str(inspect.signature(cls)).replace(" -> None", "")
        except (TypeError, ValueError):
            text = ""
        doc = cls.__name__ + text
        type.__setattr__(cls, "__doc__", doc)
        return doc


class _LazySignature:
    """`inspect.signature(cls)` reads the compiled `__init__`, not its stub."""

    def __get__(self, instance, owner):
        if instance is None:
            init = getattr(owner, "__init__", None)
            materialize = getattr(init, "materialize", None)
            if materialize is not None:
                materialize()
        return None


class _LazyStandard:
    """`__dataclass_fields__` / `__dataclass_params__` as the standard library makes them for
    the same declaration (it builds a twin dataclass; its Field objects are those of this class)."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, instance, owner):
        cls = next(c for c in owner.__mro__ if c in _SPECS)
        twin = _twin(_SPECS[cls])
        for name in (_FIELDS, _PARAMS):
            type.__setattr__(cls, name, getattr(twin, name))
        return getattr(cls, self.name)


def _twin(spec: _Spec):
    """A standard dataclass with the same fields, made without generating any method (nothing is
    compiled: reading the fields of a license's class must not run generated source), with
    `__dataclass_params__` then set to this class's parameters."""
    import dataclasses

    entries = [(f.name, f.type, _standard_field(f)) for f in spec.fields]
    twin = dataclasses.make_dataclass(spec.cls.__name__, entries, init=False, repr=False, eq=False,
                                      namespace={"__doc__": spec.cls.__name__})
    params = twin.__dataclass_params__
    params.init, params.repr, params.eq, params.frozen = True, True, spec.eq, spec.frozen
    return twin


def fields(class_or_instance) -> tuple:
    """As `dataclasses.fields`, for the attributes can-i reads (`name`, `type`, `default`,
    `default_factory`, `repr`, `compare`, `kw_only`): for a class made here, its declarations,
    without making the standard library's Field objects."""
    cls = class_or_instance if isinstance(class_or_instance, type) else type(class_or_instance)
    spec = _SPECS.get(cls)
    if spec is None:
        import dataclasses

        return dataclasses.fields(class_or_instance)
    return spec.fields


def is_dataclass(obj) -> bool:
    """As `dataclasses.is_dataclass`."""
    cls = obj if isinstance(obj, type) else type(obj)
    return cls in _SPECS or hasattr(cls, _FIELDS)


def fields_of(cls) -> tuple[str, ...] | None:
    """The field names of a class made here, in order (None for any other class)."""
    spec = _SPECS.get(cls)
    return None if spec is None else tuple(f.name for f in spec.fields)


def replace(obj, /, **changes):
    """As `dataclasses.replace`."""
    spec = _SPECS.get(type(obj))
    if spec is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)
    for f in spec.fields:
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def asdict(obj) -> dict:
    """As `dataclasses.asdict`."""
    if type(obj) not in _SPECS:
        import dataclasses

        return dataclasses.asdict(obj)
    return _asdict(obj)


_ATOMS = frozenset((str, int, float, bool, type(None)))


def _asdict(obj):
    kind = type(obj)
    if kind in _ATOMS:
        return obj
    spec = _SPECS.get(kind)
    if spec is not None:
        return {f.name: _asdict(getattr(obj, f.name)) for f in spec.fields}
    if hasattr(kind, _FIELDS):   # a standard dataclass inside
        import dataclasses

        return dataclasses.asdict(obj)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):   # a named tuple
        return kind(*[_asdict(v) for v in obj])
    if isinstance(obj, (list, tuple)):
        return kind(_asdict(v) for v in obj)
    if isinstance(obj, dict):
        return kind((_asdict(k), _asdict(v)) for k, v in obj.items())
    import copy

    return copy.deepcopy(obj)
