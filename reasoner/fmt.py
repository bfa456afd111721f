"""`can-i fmt`: a license file in canonical layout, comments kept, like Cedar's formatter.

The layout is a function of the parse tree and the comments alone, so formatting is idempotent:
`format_text(format_text(x)) == format_text(x)`. Strings and numbers are printed as written.
Layout: settings, sources and `terms follow` one per line; a blank line before each clause and
before the examples; one statement per line inside a clause, indented by four; compound
conditions inside `and`, `or` and `not` in parentheses; a set that would pass column 100 wrapped
after its commas. A comment stays before the item it precedes, or after the code on its line.

>>> print(format_text('license x { name "X" clause "1" "T" { grant use when commercial and not host } }'), end="")
license x {
  name "X"
<BLANKLINE>
  clause "1" "T" {
    grant use when commercial and not host
  }
}
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Token, Tree

from .parse import parse_tree, too_deep

WIDTH = 101  # the widest line the hand-written encodings used


@dataclass
class _Comment:
    line: int
    column: int
    text: str
    trailing: bool        # code precedes it on its line
    blank_before: bool    # an empty line precedes it
    used: bool = False


def _comments(text: str) -> list[_Comment]:
    """Every `#` comment outside a string (strings never span lines)."""
    out: list[_Comment] = []
    previous_blank = False
    for number, line in enumerate(text.split("\n"), start=1):
        in_string = escaped = False
        for column, char in enumerate(line):
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char == "#":
                code = line[:column].strip()
                out.append(_Comment(number, column + 1, line[column:].rstrip(), bool(code),
                                    previous_blank and not code))
                break
        previous_blank = not line.strip()
    return out


def format_text(text: str, filename: str = "<string>") -> str:
    """The canonical layout of license DSL text (raises LicenseFileError if it does not parse)."""
    text = text.removeprefix("\ufeff")   # as parse_tree reads it
    tree = parse_tree(text, filename)
    printer = _Printer(_comments(text))
    out: list[str] = []
    try:
        for index, lic in enumerate(tree.children):
            if index:
                out.append("")
            out += printer.license(lic)
    except RecursionError:
        raise too_deep(filename, text) from None
    out += printer.leftover(10**9, "")
    return "\n".join(out).rstrip("\n") + "\n"


def _start(node) -> int:
    return node.line if isinstance(node, Token) else node.meta.line


def _end(node) -> int:
    return node.end_line if isinstance(node, Token) else node.meta.end_line


class _Printer:
    def __init__(self, comments: list[_Comment]):
        self.comments = comments

    # --- comments -------------------------------------------------------------------------------

    def leading(self, before_line: int, indent: str, first: bool) -> list[str]:
        """Unused comments on lines before `before_line` (and comments inside the item's first
        lines that no code precedes are handled by `inside`)."""
        lines: list[str] = []
        for c in self.comments:
            if not c.used and c.line < before_line:
                c.used = True
                if c.blank_before and not (first and not lines):
                    lines.append("")
                lines.append(indent + c.text)
        return lines

    def leftover(self, before_line: int, indent: str) -> list[str]:
        return self.leading(before_line, indent, first=False)

    def inside(self, node, indent: str) -> list[str]:
        """Comments within a one-statement item that spans several lines are hoisted before it;
        a comment after the code on the item's last line stays there (see `trailing`)."""
        lines = []
        for c in self.comments:
            if not c.used and _start(node) <= c.line <= _end(node) and not (c.line == _end(node) and c.trailing):
                c.used = True
                lines.append(indent + c.text)
        return lines

    def trailing(self, node) -> str:
        for c in self.comments:
            if not c.used and c.trailing and c.line == _end(node):
                c.used = True
                return "  " + c.text
        return ""

    # --- blocks ---------------------------------------------------------------------------------

    def license(self, node: Tree) -> list[str]:
        id_token, *items = node.children
        out = self.leading(node.meta.line, "", first=True)
        if out:
            out.append("")
        # A comment after `license x {` on its own line belongs to the first item.
        out.append(f"license {id_token} {{")
        seen_example = False
        for position, item in enumerate(items):
            kind = item.data
            blank = kind == "clause" or (kind == "example" and not seen_example)
            if kind == "example":
                seen_example = True
            body = self.leading(item.meta.line, "  ", first=blank or position == 0)
            if blank:
                out.append("")
            out += body
            if kind == "clause":
                out += self.clause(item)
            else:
                out += self.inside(item, "  ")
                out += self.item(item).split("\n")
                out[-1] += self.trailing(item)
        out += self.leftover(node.meta.end_line, "  ")
        out.append("}")
        return out

    def clause(self, node: Tree) -> list[str]:
        number, title, *statements = node.children
        head_comment = self.trailing_on(node.meta.line, node)
        out = [f"  clause {number} {title} {{"]
        for position, st in enumerate(statements):
            out += self.leading(st.meta.line, "    ", first=position == 0)
            out += self.inside(st, "    ")
            out.append("    " + self.statement(st) + self.trailing(st))
        out += self.leftover(node.meta.end_line, "    ")
        out.append("  }" + self.trailing(node))
        return out if not head_comment else [out[0] + head_comment] + out[1:]

    def trailing_on(self, line: int, node: Tree) -> str:
        """A comment after `clause "n" "t" {` on the clause's first line, when no statement
        follows on that line."""
        statements = node.children[2:]
        if statements and _start(statements[0]) == line:
            return ""
        for c in self.comments:
            if not c.used and c.trailing and c.line == line:
                c.used = True
                return "  " + c.text
        return ""

    # --- items and statements -----------------------------------------------------------------

    def item(self, node: Tree) -> str:
        kind = node.data
        if kind == "setting":
            key, value = node.children
            return f"  {key} {value}"
        if kind == "source":
            file, copy = node.children
            return f"  source {file} from {copy}"
        if kind == "based_on":
            name, *rest = [c for c in node.children if c is not None]
            numbers = [str(c) for c in rest if isinstance(c, Token)]
            cited = [c for c in rest if isinstance(c, Tree)]
            return (f"  based on {name}" + (" only " + ", ".join(numbers) if numbers else "")
                    + (f" cited as {cited[0].children[0]}" if cited else ""))
        if kind == "follows":
            return "  terms follow " + ", ".join(map(str, node.children))
        if kind == "define":
            name, cond = node.children
            return f"  define {name} = {self.cond(cond)}"
        if kind == "example":
            description, *facts, expect = node.children
            words = [self.example_fact(f) for f in facts]
            status, *by = expect.children
            tail = f"expect {status}" + (" by " + ", ".join(str(b) for b in by if b is not None) if any(by) else "")
            # One line however long: examples are test data, read in a column.
            return f"  example {description} {{ " + " ".join(words + [tail]) + " }"
        raise ValueError(f"unexpected item {kind}")  # pragma: no cover - the grammar makes no other

    def example_fact(self, node: Tree) -> str:
        word, value = node.children
        if value is None:
            return str(word)
        return f"{word} = " + (self.flat(value) if isinstance(value, Tree) else str(value))

    def statement(self, node: Tree) -> str:
        kind = node.data
        children = node.children
        if kind in ("grant", "forbid", "separate"):
            acts = [str(c) for c in children if isinstance(c, Token)]
            rest = [c for c in children if isinstance(c, Tree)]
            head = {"grant": "grant ", "forbid": "forbid ", "separate": "needs separate license"}[kind]
            if kind == "separate":
                head += (" for " + ", ".join(acts)) if acts else ""
            else:
                head += ", ".join(acts)
            return head + self.conditions(rest)
        if kind == "duty":
            name, params, *rest = children
            words = [f"must {name}"]
            if params is not None:
                for p in params.children:
                    words.append(str(p) if isinstance(p, Token) else f"{p.children[0]}={p.children[1]}")
            return " ".join(words) + self.conditions(self._unbroken(rest)) + self.broken(rest)
        if kind in ("duty_text", "prohibition", "inform"):
            text, *rest = children
            head = {"duty_text": "must", "prohibition": "must not", "inform": "inform"}[kind]
            return f"{head} {text}" + self.conditions(self._unbroken(rest)) + self.broken(rest)
        if kind == "quote":
            return f"quote {children[0]}"
        if kind == "rider":
            number, *targets = [c for c in children if c is not None]
            return f"relicense with rider {number}" + (" to " + ", ".join(map(str, targets)) if targets else "")
        if kind in ("adds_further", "accepts_further"):
            return kind.split("_")[0] + " further " + ", ".join(map(str, children))
        if kind == "later_versions":
            return "later versions " + ", ".join(map(str, children))
        if kind == "except_for":
            number, *ids = children
            return f"excepts {number} for " + ", ".join(map(str, ids))
        if kind == "except_when":
            number, cond = children
            return f"excepts {number} when {self.cond(cond)}"
        if kind == "restrict":
            fact, values, *rest = children
            head = f"restrict {fact} "
            tail = self.conditions([c for c in rest if c is not None])
            return head + self.set(values, 4 + len(head), tail) + tail
        if kind == "risk":
            name, *rest = children
            message = next((c for c in rest if isinstance(c, Token)), None)
            return f"risk {name}" + (f" {message}" if message is not None else "") + \
                self.conditions([c for c in rest if isinstance(c, Tree)])
        if kind == "relicense":
            mode, *targets = [c for c in children if c is not None]
            return f"relicense {mode}" + (" to " + ", ".join(map(str, targets)) if targets else "")
        if kind == "no_further_restrictions":
            return "no further restrictions"
        if kind == "restricts_use":
            return "restricts use"
        if kind == "ambiguous":
            return f"ambiguous {children[0]}"
        if kind == "clause_follows":
            return "follows " + ", ".join(map(str, children))
        if kind == "note":
            return f"note {children[0]}"
        raise ValueError(f"unexpected statement {kind}")  # pragma: no cover

    @staticmethod
    def _unbroken(parts) -> list:
        return [c for c in parts if c is not None and not (isinstance(c, Tree) and c.data == "broken")]

    def broken(self, parts) -> str:
        """A duty's `broken by FACT {values}`, if it has one."""
        for part in parts:
            if isinstance(part, Tree) and part.data == "broken":
                fact, values = part.children
                return f" broken by {fact} " + self.flat(values)
        return ""

    def conditions(self, parts) -> str:
        """`when C` and `unless ["label":] C` parts of a rule, in the order written."""
        out = ""
        for part in parts:
            if isinstance(part, Tree) and part.data == "exception":
                label, cond = part.children
                out += " unless " + (f"{label}: " if label is not None else "") + self.cond(cond)
            else:
                out += " when " + self.cond(part)
        return out

    @staticmethod
    def flat(node: Tree) -> str:
        return "{" + ", ".join(str(v) for v in node.children if v is not None) + "}"

    def set(self, node: Tree, column: int, tail: str = "") -> str:
        values = [str(v) for v in node.children if v is not None]
        flat = "{" + ", ".join(values) + "}"
        if column + len(flat) + len(tail) <= WIDTH:
            return flat
        # Wrap after commas, continuation lines aligned after the `{`.
        lines, current = [], "{"
        for index, value in enumerate(values):
            piece = value + ("," if index < len(values) - 1 else "}")
            candidate = current + ("" if current == "{" else " ") + piece
            if current != "{" and column + len(candidate) > WIDTH:
                lines.append(current)
                current = " " + piece
            else:
                current = candidate
        lines.append(current)
        return ("\n" + " " * column).join(lines)

    def cond(self, node) -> str:
        if isinstance(node, Token):  # pragma: no cover - conditions are always trees
            return str(node)
        kind = node.data
        if kind in ("or_cond", "and_cond"):
            word = " or " if kind == "or_cond" else " and "
            return word.join(self.operand(c) for c in node.children)
        if kind == "negation":
            return "not " + self.operand(node.children[0])
        if kind == "flag":
            return str(node.children[0])
        if kind == "compare":
            fact, op, value = node.children
            return f"{fact} {op} {value}"
        if kind == "member":
            fact, values = node.children
            return f"{fact} in " + self.flat(values)
        if kind == "starts_with":
            fact, prefix = node.children
            return f"{fact} starts with {prefix}"
        if kind == "stated":
            return f"stated {node.children[0]}"
        raise ValueError(f"unexpected condition {kind}")  # pragma: no cover

    def operand(self, node) -> str:
        text = self.cond(node)
        return f"({text})" if isinstance(node, Tree) and node.data in ("or_cond", "and_cond") else text
