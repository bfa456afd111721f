"""Plain values for the knowledge-base cache: parsed licenses (trees of the dataclasses in
licenses.py) to and from tuples of str, int, float, bool and None that `marshal` writes.

Loading a cache file must never run code, whoever wrote it: `pickle` calls whatever a file
names, while `marshal` builds only values, and `decode` accepts only plain values and builds only
the classes of licenses.py (and Decimal), field by field, without calling their code. Anything
else (a code object, a set, an unknown class, a wrong number of fields) is a `ValueError`, and the
cache entry is produced again.

>>> from reasoner.licenses import Compare
>>> decode(encode([Compare("mau", ">", 700)])) == [Compare("mau", ">", 700)]
True
"""

from __future__ import annotations

from decimal import Decimal

from . import licenses
from .records import fields_of

# A dataclass instance is the tuple (b"ClassName", field values...): bytes appear nowhere else
# in an encoded value (`encode` refuses them), so such a tuple is never a plain tuple.
_DECIMAL = b"Decimal"
_CLASSES = {name.encode(): cls for name, cls in vars(licenses).items()
            if isinstance(cls, type) and fields_of(cls) is not None and cls.__module__ == licenses.__name__}
_FIELDS = {cls: fields_of(cls) for cls in _CLASSES.values()}
_TAGS = {cls: name for name, cls in _CLASSES.items()}
_SCALARS = (str, int, float, bool, type(None))


def encode(value):
    """`value` as plain values (ValueError for a value of another type)."""
    kind = type(value)
    if kind in _FIELDS:
        return (_TAGS[kind],) + tuple(encode(getattr(value, name)) for name in _FIELDS[kind])
    if kind is tuple:
        return tuple(encode(item) for item in value)
    if kind is list:
        return [encode(item) for item in value]
    if kind is dict:
        return {encode(key): encode(item) for key, item in value.items()}
    if kind is Decimal:
        return (_DECIMAL, str(value))
    if kind in _SCALARS:
        return value
    raise ValueError(f"cannot store a {kind.__name__} in the cache")


def decode(value):
    """The value `encode` gave, rebuilt; ValueError for anything `encode` cannot give."""
    kind = type(value)
    if kind is tuple:
        if value and type(value[0]) is bytes:
            return _instance(value)
        return tuple(decode(item) for item in value)
    if kind is list:
        return [decode(item) for item in value]
    if kind is dict:
        return {decode(key): decode(item) for key, item in value.items()}
    if kind in _SCALARS:
        return value
    raise ValueError(f"a {kind.__name__} in a cache file")


def _instance(value: tuple):
    tag, *fields = value
    if tag == _DECIMAL:
        if len(fields) != 1 or type(fields[0]) is not str:
            raise ValueError("a malformed number in a cache file")
        return Decimal(fields[0])
    cls = _CLASSES.get(tag)
    if cls is None or len(fields) != len(_FIELDS[cls]):
        raise ValueError("an unknown class in a cache file")
    instance = object.__new__(cls)   # its fields are set as its own __init__ would set them
    state = instance.__dict__
    for name, item in zip(_FIELDS[cls], fields):
        state[name] = decode(item)
    return instance
