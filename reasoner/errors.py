"""Errors that reach users as one line, never as a traceback."""

from __future__ import annotations


class CanIError(Exception):
    """Base of every error can-i reports. `code` is stable and appears in JSON error documents.

    >>> str(CanIError("bad thing", location="facts/x.lic:3:7"))
    'facts/x.lic:3:7: bad thing'
    """

    code = "error"

    def __init__(self, message: str, location: str | None = None):
        # A lone surrogate quoted from the input (JSON's `\\ud800`) cannot be written as UTF-8: the
        # error document and the error line ended in a traceback (review 31). It is shown escaped.
        if not message.isascii():
            message = message.encode("utf-8", "backslashreplace").decode("utf-8")
        if location is not None and not location.isascii():
            location = location.encode("utf-8", "backslashreplace").decode("utf-8")
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return one_line(text)

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message, "location": self.location}


_MAX_ERROR = 2000


def one_line(text: str) -> str:
    """Escape control characters and line separators (input quoted in a message must not break
    the one-line rule or reach a terminal raw), and cut very long messages.

    >>> one_line("bad `llama\\n3`")
    'bad `llama\\\\n3`'
    """
    import unicodedata   # only for an error's message: a cold answer imports no unicodedata

    out = []
    for char in text:
        if char in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": " "}[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    joined = "".join(out)
    return joined if len(joined) <= _MAX_ERROR else joined[:_MAX_ERROR] + "… (cut)"


class LicenseFileError(CanIError):
    """A license file that does not parse or does not validate; location is file:line:col.

    `error_code` is a stable `DSLnnn` code for the kind of mistake (facts/README.md lists them)
    and `help` one line on how to fix it; the message itself stays one line.

    >>> str(LicenseFileError("unknown act `fly`", "t.lic:1:45", "DSL101", "acts are use, host, …"))
    't.lic:1:45: unknown act `fly` [DSL101]'
    """

    code = "license_file"

    def __init__(self, message: str, location: str | None = None, error_code: str = "DSL000",
                 help: str | None = None):
        super().__init__(message, location)
        self.error_code = error_code
        self.help = help

    def __str__(self) -> str:
        return one_line(f"{super().__str__()} [{self.error_code}]")

    def help_line(self) -> str | None:
        """The help as one printable line (`help: …`), or None."""
        return one_line(f"help: {self.help}") if self.help else None

    def to_json(self) -> dict:
        return {**super().to_json(), "error_code": self.error_code, "help": self.help}


class RequestError(CanIError):
    """A malformed request, model card or lineage file; location names the field or file."""

    code = "request"


class UnknownSubjectError(CanIError):
    """A subject typed on the command line that names nothing we know."""

    code = "unknown_subject"


class LimitError(CanIError):
    """An input larger than can-i answers (named limit)."""

    code = "limit"


class UsageProblem(CanIError):
    """A command line that cannot work as typed."""

    code = "usage"
