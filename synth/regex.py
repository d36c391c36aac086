"""Translate a pattern in pydantic's default flavour (Rust ``regex``) to ECMA-262 with ``u``.

Pydantic checks ``pattern`` with the Rust ``regex`` crate, whose classes are Unicode-aware
(``\\d`` is ``\\p{Nd}``, ``\\w`` is Unicode word characters, ``\\s`` is ``\\p{White_Space}``),
whose ``.`` matches everything but ``\\n``, and which has ``\\A``, ``\\z``, ``(?P<name>...)``,
inline flags and POSIX classes. ECMA-262 differs on each of these, so a pattern is parsed and
re-emitted rather than pasted. Whatever has no equivalent (set operations in classes, scoped
case-insensitivity, look-around, which the Rust engine rejects anyway) raises
``RegexTranslationError`` naming the schema location.

Shared by the loader, which checks the patterns a contract declares, and the Zod emitter,
which writes them; it depends on nothing else in synth but the base error.

Hand-written because no maintained library translates between these two dialects: ``regex``
crate parsers exist only in Rust, and JS regex tools (regexpp, regjsparser) parse the
*target* dialect, not this source one.
"""

from __future__ import annotations

from dataclasses import dataclass

from synth._errors import SchemaError

__all__ = ["JsRegex", "RegexTranslationError", "translate_regex"]

# Rust's Unicode-aware Perl classes, per UTS#18 Annex C (what regex-syntax implements).
_WORD = r"\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}"
_DIGIT = r"\p{Nd}"
_SPACE = r"\p{White_Space}"
# Characters that are syntax in ECMA-262 (u mode) outside a class; "/" because we emit literals.
_SYNTAX = set("^$\\.*+?()[]{}|/")
# Characters to escape inside a class.
_CLASS_SYNTAX = set("\\]^-[/")
_SIMPLE_ESCAPES = {"n": 0x0A, "t": 0x09, "r": 0x0D, "f": 0x0C, "v": 0x0B, "a": 0x07}
_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\u{0}-\\u{7f}",
    "blank": "\\u{9} ",
    "cntrl": "\\u{0}-\\u{1f}\\u{7f}",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-\\/:-@\\[-`{-~",
    "space": "\\u{9}-\\u{d} ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
# General categories and binary properties that ECMA-262 accepts without a "Script=" prefix.
_GENERAL = {
    "L",
    "Letter",
    "Lu",
    "Uppercase_Letter",
    "Ll",
    "Lowercase_Letter",
    "Lt",
    "Titlecase_Letter",
    "LC",
    "Cased_Letter",
    "Lm",
    "Modifier_Letter",
    "Lo",
    "Other_Letter",
    "M",
    "Mark",
    "Mn",
    "Nonspacing_Mark",
    "Mc",
    "Spacing_Mark",
    "Me",
    "Enclosing_Mark",
    "N",
    "Number",
    "Nd",
    "Decimal_Number",
    "Nl",
    "Letter_Number",
    "No",
    "Other_Number",
    "P",
    "Punctuation",
    "Pc",
    "Connector_Punctuation",
    "Pd",
    "Dash_Punctuation",
    "Ps",
    "Open_Punctuation",
    "Pe",
    "Close_Punctuation",
    "Pi",
    "Initial_Punctuation",
    "Pf",
    "Final_Punctuation",
    "Po",
    "Other_Punctuation",
    "S",
    "Symbol",
    "Sm",
    "Math_Symbol",
    "Sc",
    "Currency_Symbol",
    "Sk",
    "Modifier_Symbol",
    "So",
    "Other_Symbol",
    "Z",
    "Separator",
    "Zs",
    "Space_Separator",
    "Zl",
    "Line_Separator",
    "Zp",
    "Paragraph_Separator",
    "C",
    "Other",
    "Cc",
    "Control",
    "Cf",
    "Format",
    "Cs",
    "Surrogate",
    "Co",
    "Private_Use",
    "Cn",
    "Unassigned",
    "Alphabetic",
    "Alpha",
    "White_Space",
    "Uppercase",
    "Lowercase",
    "Emoji",
    "Any",
    "ASCII",
    "Assigned",
    "Math",
    "Dash",
    "Hex_Digit",
    "ASCII_Hex_Digit",
    "Ideographic",
    "Join_Control",
}
_SCRIPTS = {
    "Arabic", "Armenian", "Bengali", "Cherokee", "Common", "Cyrillic", "Devanagari",
    "Ethiopic", "Georgian", "Greek", "Gujarati", "Gurmukhi", "Han", "Hangul", "Hebrew",
    "Hiragana", "Inherited", "Kannada", "Katakana", "Khmer", "Lao", "Latin", "Malayalam",
    "Mongolian", "Myanmar", "Oriya", "Sinhala", "Tamil", "Telugu", "Thaana", "Thai",
    "Tibetan",
}  # fmt: skip


class RegexTranslationError(SchemaError):
    """A ``pattern`` whose language has no equivalent ECMA-262 regular expression."""


@dataclass(frozen=True, slots=True)
class JsRegex:
    """An ECMA-262 regex: ``source`` and ``flags`` (always containing ``u``)."""

    source: str
    flags: str

    def literal(self) -> str:
        """The regex as a JavaScript literal, e.g. ``/^a+$/u``."""
        return f"/{self.source}/{self.flags}"


def translate_regex(pattern: str, location: str = "#/pattern") -> JsRegex:
    """Translate a Rust-flavour ``pattern`` to an ECMA-262 regex with the same language."""
    return _Translator(pattern, location).translate()


def _cp(code: int) -> str:
    return f"\\u{{{code:x}}}"


def _literal(ch: str, in_class: bool) -> str:
    code = ord(ch)
    if in_class and ch in _CLASS_SYNTAX:
        return "\\" + ch
    if not in_class and ch in _SYNTAX:
        return "\\" + ch
    if 0x20 <= code < 0x7F:
        return ch
    return _cp(code)


@dataclass(slots=True)
class _Flags:
    i: bool = False
    m: bool = False
    s: bool = False
    x: bool = False
    u_greedy: bool = False  # Rust's U: swap greedy and lazy


class _Translator:
    def __init__(self, pattern: str, location: str) -> None:
        self.src = pattern
        self.pos = 0
        self.location = location
        self.global_i = False

    # -- plumbing ---------------------------------------------------------------------------
    def fail(self, what: str, hint: str = "") -> RegexTranslationError:
        return RegexTranslationError(
            self.location,
            f"pattern {self.src!r}: {what} (at offset {self.pos}) has no ECMA-262 equivalent",
            hint or "rewrite the pattern without it",
        )

    def peek(self, n: int = 0) -> str:
        i = self.pos + n
        return self.src[i] if i < len(self.src) else ""

    def take(self) -> str:
        ch = self.peek()
        if not ch:
            raise self.fail("unexpected end of pattern")
        self.pos += 1
        return ch

    def startswith(self, text: str) -> bool:
        return self.src.startswith(text, self.pos)

    # -- entry ------------------------------------------------------------------------------
    def translate(self) -> JsRegex:
        flags = _Flags()
        # A leading (?i) applies to the whole pattern: that one maps onto the JS flag.
        if self.startswith("(?"):
            end = self.src.find(")", 2)
            head = self.src[2:end] if end > 0 else ""
            if head and all(c in "imsxU" for c in head):
                flags = self._flag_set(head, flags)
                self.global_i = flags.i
                self.pos = end + 1
        body = self.alternation(flags)
        if self.pos != len(self.src):
            raise self.fail(f"unbalanced {self.peek()!r}")
        return JsRegex(body, "iu" if self.global_i else "u")

    def _flag_set(self, spec: str, flags: _Flags) -> _Flags:
        new = _Flags(flags.i, flags.m, flags.s, flags.x, flags.u_greedy)
        on = True
        for c in spec:
            if c == "-":
                on = False
            elif c == "i":
                new.i = on
            elif c == "m":
                new.m = on
            elif c == "s":
                new.s = on
            elif c == "x":
                new.x = on
            elif c == "U":
                new.u_greedy = on
            elif c == "R":
                raise self.fail("the CRLF flag R")
            else:
                raise self.fail(f"unknown flag {c!r}")
        return new

    def alternation(self, flags: _Flags) -> str:
        parts = [self.sequence(flags)]
        while self.peek() == "|":
            self.pos += 1
            parts.append(self.sequence(flags))
        return "|".join(parts)

    def sequence(self, flags: _Flags) -> str:
        out: list[str] = []
        while True:
            ch = self.peek()
            if not ch or ch in "|)":
                return "".join(out)
            if flags.x and ch in " \t\n\r\f\v":
                self.pos += 1
                continue
            if flags.x and ch == "#":
                while self.peek() and self.peek() != "\n":
                    self.pos += 1
                continue
            if self.startswith("(?") and self._is_flag_group():
                flags = self._inline_flags(flags)
                continue
            atom = self.atom(flags)
            out.append(atom + self.quantifier(flags, atom))

    def _is_flag_group(self) -> bool:
        i = self.pos + 2
        while i < len(self.src) and self.src[i] in "imsxUR-":
            i += 1
        return i < len(self.src) and self.src[i] == ")" and i > self.pos + 2

    def _inline_flags(self, flags: _Flags) -> _Flags:
        end = self.src.index(")", self.pos)
        spec = self.src[self.pos + 2 : end]
        new = self._flag_set(spec, flags)
        if new.i not in {flags.i or self.global_i, self.global_i}:
            raise self.fail("case-insensitivity for part of the pattern", "use (?i) at the start")
        self.pos = end + 1
        return new

    def quantifier(self, flags: _Flags, atom: str) -> str:
        ch = self.peek()
        q = ""
        if ch in ("*", "+", "?"):
            self.pos += 1
            q = ch
        elif ch == "{":
            end = self.src.find("}", self.pos)
            body = self.src[self.pos + 1 : end] if end > 0 else ""
            lo, _, hi = body.partition(",")
            if end < 0 or not (lo.strip().isdigit() or (not lo.strip() and "," in body)):
                raise self.fail("a '{' that does not start a repetition")
            if hi.strip() and not hi.strip().isdigit():
                raise self.fail("a malformed repetition")
            lo_n = lo.strip() or "0"
            q = "{" + lo_n + ("," + hi.strip() if "," in body else "") + "}"
            self.pos = end + 1
        else:
            return ""
        if atom in ("^", "$") or atom.startswith("(?<!") or atom.startswith("(?!"):
            raise self.fail("a repeated anchor")
        lazy = False
        if self.peek() == "?":
            self.pos += 1
            lazy = True
        elif self.peek() == "+":
            raise self.fail("a possessive quantifier")
        if flags.u_greedy:
            lazy = not lazy
        return q + ("?" if lazy else "")

    # -- atoms ------------------------------------------------------------------------------
    def atom(self, flags: _Flags) -> str:  # noqa: PLR0911 (a return per kind of atom)
        ch = self.take()
        if ch == "(":
            return self.group(flags)
        if ch == "[":
            return self.char_class(flags)
        if ch == ".":
            return "[\\s\\S]" if flags.s else "[^\\n]"
        if ch == "^":
            return "(?<![^\\n])" if flags.m else "^"
        if ch == "$":
            return "(?![^\\n])" if flags.m else "$"
        if ch == "\\":
            return self.escape(flags, in_class=False)
        if ch in "*+?":
            raise self.fail(f"a repetition operator {ch!r} with nothing to repeat")
        if ch == "{":
            raise self.fail("a '{' that does not start a repetition")
        if ch in {"]", "}"}:
            return "\\" + ch
        return _literal(ch, in_class=False)

    def group(self, flags: _Flags) -> str:
        if self.startswith("?P<") or (self.startswith("?<") and self.peek(2) not in "=!"):
            end = self.src.find(">", self.pos)
            if end < 0:
                raise self.fail("an unterminated group name")
            self.pos = end + 1
            prefix = "("  # names do not change the language; JS names are stricter
        elif self.startswith("?:"):
            self.pos += 2
            prefix = "(?:"
        elif self.startswith("?=") or self.startswith("?!") or self.startswith("?<"):
            raise self.fail(
                "look-around", "pydantic's default Rust regex engine rejects look-around too"
            )
        elif self.startswith("?"):
            end = self.src.find(":", self.pos)
            spec = self.src[self.pos + 1 : end] if end > 0 else ""
            if end < 0 or not all(c in "imsxUR-" for c in spec):
                raise self.fail("an unknown group syntax")
            self.pos = end + 1
            inner_flags = self._flag_set(spec, flags)
            if inner_flags.i != flags.i:
                raise self.fail("case-insensitivity for part of the pattern", "use (?i) at start")
            body = self.alternation(inner_flags)
            self._close()
            return f"(?:{body})"
        else:
            prefix = "("
        body = self.alternation(flags)
        self._close()
        return f"{prefix}{body})"

    def _close(self) -> None:
        if self.peek() != ")":
            raise self.fail("an unclosed group")
        self.pos += 1

    def escape(  # noqa: PLR0911, PLR0912 (a case per escape letter)
        self, flags: _Flags, in_class: bool
    ) -> str:
        ch = self.take()
        if ch == "d":
            return _DIGIT
        if ch == "D":
            return r"\P{Nd}"
        if ch == "s":
            return _SPACE
        if ch == "S":
            return r"\P{White_Space}"
        if ch == "w":
            return _WORD if in_class else f"[{_WORD}]"
        if ch == "W":
            if in_class:
                raise self.fail(r"\W inside a class")
            return f"[^{_WORD}]"
        if ch in "pP":
            return self.unicode_class(ch)
        if not in_class:
            if ch == "A":
                return "^"
            if ch == "z":
                return "$"
            if ch in "bB":
                if self.peek() == "{":
                    raise self.fail("a special word boundary \\b{...}")
                w = f"[{_WORD}]"
                boundary = f"(?:(?<={w})(?!{w})|(?<!{w})(?={w}))"
                if ch == "b":
                    return boundary
                return f"(?:(?<={w})(?={w})|(?<!{w})(?!{w}))"
            if ch in "<>":
                raise self.fail(f"the word boundary \\{ch}")
        if ch in _SIMPLE_ESCAPES:
            return _cp(_SIMPLE_ESCAPES[ch])
        if ch in "xuU":
            return _cp(self.hex_escape(ch))
        if ch.isdigit():
            raise self.fail("a backreference or octal escape")
        if ch.isalnum():
            raise self.fail(f"the escape \\{ch}")
        return _literal(ch, in_class)

    def hex_escape(self, kind: str) -> int:
        if self.peek() == "{":
            end = self.src.find("}", self.pos)
            digits = self.src[self.pos + 1 : end] if end > 0 else ""
            self.pos = end + 1 if end > 0 else self.pos
        else:
            width = {"x": 2, "u": 4, "U": 8}[kind]
            digits = self.src[self.pos : self.pos + width]
            self.pos += width
        try:
            code = int(digits, 16)
        except ValueError:
            raise self.fail(f"a malformed \\{kind} escape") from None
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise self.fail(f"the code point {digits}")
        return code

    def unicode_class(self, kind: str) -> str:
        if self.peek() == "{":
            end = self.src.find("}", self.pos)
            name = self.src[self.pos + 1 : end] if end > 0 else ""
            self.pos = end + 1
        else:
            name = self.take()
        negated = kind == "P"
        if name.startswith("^"):
            negated, name = not negated, name[1:]
        key, _, value = name.replace(" ", "").partition("=")
        if not value and ":" in key:
            key, _, value = key.partition(":")
        if value:
            if key.lower() in ("script", "sc"):
                js = f"Script={value}"
            elif key.lower() in ("scx", "script_extensions"):
                js = f"Script_Extensions={value}"
            elif key.lower() in ("gc", "general_category"):
                js = f"General_Category={value}"
            else:
                raise self.fail(f"the Unicode property {name!r}")
        elif key in _GENERAL:
            js = key
        elif key in _SCRIPTS:
            js = f"Script={key}"
        else:
            raise self.fail(f"the Unicode class {name!r}")
        return ("\\P" if negated else "\\p") + "{" + js + "}"

    def char_class(self, flags: _Flags) -> str:
        negated = False
        if self.peek() == "^":
            negated = True
            self.pos += 1
        items: list[str] = []
        first = True
        while True:
            ch = self.peek()
            if not ch:
                raise self.fail("an unclosed character class")
            if ch == "]" and not first:
                self.pos += 1
                break
            first = False
            if self.startswith("&&") or self.startswith("--") or self.startswith("~~"):
                raise self.fail("a class set operation", "list the characters explicitly")
            if self.startswith("[:"):
                items.append(self.posix_class())
                continue
            if ch == "[":
                raise self.fail("a nested character class")
            start = self.class_atom(flags)
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.pos += 1
                end_atom = self.class_atom(flags)
                if start[1] is None or end_atom[1] is None:
                    raise self.fail("a range bounded by a class")
                if start[1] > end_atom[1]:
                    raise self.fail("a reversed range")
                items.append(f"{start[0]}-{end_atom[0]}")
            else:
                items.append(start[0])
        body = "".join(items)
        if not body:
            return "[\\s\\S]" if negated else "[]"
        return f"[{'^' if negated else ''}{body}]"

    def posix_class(self) -> str:
        end = self.src.find(":]", self.pos)
        name = self.src[self.pos + 2 : end] if end > 0 else ""
        neg = name.startswith("^")
        name = name.lstrip("^")
        if name not in _POSIX or neg:
            raise self.fail(f"the POSIX class [:{name}:]")
        self.pos = end + 2
        return _POSIX[name]

    def class_atom(self, flags: _Flags) -> tuple[str, int | None]:
        ch = self.take()
        if ch == "\\":
            save = self.pos
            nxt = self.peek()
            text = self.escape(flags, in_class=True)
            if nxt in "dDsSwWpP":
                return text, None
            # A literal: recover its code point for range checks.
            self.pos = save
            self.take()
            if nxt in _SIMPLE_ESCAPES:
                return text, _SIMPLE_ESCAPES[nxt]
            if nxt in "xuU":
                return text, self.hex_escape(nxt)
            return text, ord(nxt)
        return _literal(ch, in_class=True), ord(ch)
