"""can-i: cited answers on whether a use of an AI model is permitted under every license in its stack.

>>> from reasoner import Reasoner
>>> Reasoner().ask({"licenses": ["mit"], "use": {"acts": ["distribute"]}}).status
'permitted'
"""

from .api import Reasoner, load
from .errors import CanIError
from .explain import Result

__all__ = ["Reasoner", "Result", "CanIError", "load"]
__version__ = "0.1.0"
