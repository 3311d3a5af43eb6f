"""Anonymising a summary, and the check for what it may still give away about other people.

Names are matched on *folded* text: NFC, then each character case-folded with its accents taken
off (so "ZOË", "Zoe" and a decomposed "Zoe\\u0308" are one spelling), every apostrophe form
(' ’ ʼ ‘) read as one, and a name part matched wherever no letter touches it ("Helen's",
"helen_b", "Helen2"). An e-mail address or an @handle with a partner's name inside it ("kwame.m@…",
"@hbrightwell") is replaced whole. The text outside the matches is left exactly as written.

`findings()` lists what looks like someone outside the pair, or words meant to stay in the room:
capitalised names that are not the pair's, a title before a name (Mr, Ms, Dr, Prof…), e-mail
addresses, phone numbers, and "off the record"-style phrases. It is a prompt for a person to
read the summary again, not a filter: it finds candidates, and both over- and under-finds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rmjournal.core.model import ROLES, Pair, Role

HONORIFICS = frozenset({
    "sir", "dame", "lord", "lady", "dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor",
    "rt", "hon", "mbe", "obe", "cbe", "kbe", "dbe", "cb", "the", "of", "and", "de", "van", "von",
})  # fmt: skip
"""Words in a name that are not the person's own (replacing them everywhere would harm text)."""

APOSTROPHES = "'’ʼ‘`´′"
_EXTRA_FOLDS = {"ø": "o", "đ": "d", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"}
_WINDOW = 16
"""How far back a sentence's start is looked for (the spaces and the punctuation before a word)."""


def _sentence_starts_at(text: str, start: int, marks: str, *, spaced: str = "") -> bool:
    """Whether a word at `start` begins a sentence: the text before it is empty, or ends in a
    line break or in one of `marks` (then any spaces), or in one of `spaced` and a space. Only
    a few characters back are read, so a long text costs no more per word than a short one."""
    window = text[max(start - _WINDOW, 0) : start]
    kept = window.rstrip()
    if not kept:
        return start <= _WINDOW or "\n" in window
    if "\n" in window[len(kept) :]:
        return True
    return kept[-1] in marks or (kept[-1] in spaced and len(kept) < len(window))


_LETTER = r"[^\W\d_]"


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in APOSTROPHES:
        return "'"
    bare = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return "".join(_EXTRA_FOLDS.get(c, c) for c in bare.casefold())


def fold(text: str) -> tuple[str, list[int] | range]:
    """`text` folded (see the module's note), and for each folded character the index of the
    character of `text` it came from."""
    if text.isascii():  # the common case, in C: one character for one
        return text.lower().replace("`", "'"), range(len(text))
    pieces = [_fold_char(ch) for ch in text]
    flat = "".join(pieces)
    if len(flat) == len(text) and all(len(p) == 1 for p in pieces):
        return flat, range(len(text))
    where: list[int] = []
    for i, piece in enumerate(pieces):
        where.extend([i] * len(piece))
    return flat, where


def folded(text: str) -> str:
    """`text` folded, NFC first: the form names are compared in."""
    return fold(unicodedata.normalize("NFC", text))[0]


def name_parts(name: str) -> set[str]:
    """The folded words of a name that stand for the person: the whole name, each part and each
    hyphen or apostrophe part ("Anne-Marie O'Neill": "anne", "marie", "o'neill", "oneill",
    "neill"), honorifics and single letters left out."""
    whole = " ".join(folded(name).split())
    if not whole:
        return set()
    parts = {whole}
    for word in whole.split(" "):
        parts.add(word)
        parts.update(re.split(r"[-‐']", word))
        parts.add(word.replace("'", ""))
    return {p.strip(".,") for p in parts if len(p.strip(".,")) >= 2 and p not in HONORIFICS}


_EMAIL = r"[\w.+'%-]+@[\w-]+(?:\.[\w-]+)+"
_HANDLE = r"(?<![\w@.])@\w[\w.]*\w"


class Anonymiser:
    """Puts "the mentor" / "the mentee" in place of each partner's names in any text."""

    def __init__(self, pair: Pair) -> None:
        roles: dict[str, set[Role]] = {}
        for role in ROLES:
            for part in name_parts(pair.person(role).name):
                roles.setdefault(part, set()).add(role)
        self._words = {
            w: (f"the {next(iter(r))}" if len(r) == 1 else "a partner") for w, r in roles.items()
        }
        # Inside an address or handle a name may run into other letters ("hbrightwell"), so
        # parts of three letters or more are looked for anywhere in it.
        self._inside = sorted((w for w in self._words if len(w) >= 3), key=len, reverse=True)
        ordered = sorted(self._words, key=len, reverse=True)
        names = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)
        # Two patterns: a text with no "@" (most) is searched for names alone, which is fast.
        name_re = rf"(?<!{_LETTER})(?P<name>{names})(?!{_LETTER})" if names else r"(?!x)x"
        self._names = re.compile(name_re)
        self._pattern = re.compile(rf"(?P<email>{_EMAIL})|(?P<handle>{_HANDLE})|{name_re}")

    def _whose(self, address: str) -> str | None:
        letters = address.replace("'", "")
        return next((self._words[w] for w in self._inside if w in letters), None)

    def __call__(self, text: str) -> str:
        """`text` with every partner's name replaced by their role."""
        if not self._words or not text:
            return text
        text = unicodedata.normalize("NFC", text)
        flat, where = fold(text)
        out: list[str] = []
        done = 0  # how far `text` is copied to `out`
        pattern = self._pattern if "@" in flat else self._names
        for match in pattern.finditer(flat):
            kind = match.lastgroup
            if kind == "name":
                words = self._words[" ".join(match.group().split())]
            else:
                whose = self._whose(match.group())
                if whose is None:
                    continue  # someone else's address: the findings list it
                words = f"{whose}'s e-mail address" if kind == "email" else whose
            start, end = where[match.start()], where[match.end() - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1  # a combining mark NFC could not join belongs to the name
            if start < done:
                continue
            if _sentence_starts_at(text, start, '.!?:"“('):
                words = words[0].upper() + words[1:]
            out.append(text[done:start])
            out.append(words)
            done = end
        out.append(text[done:])
        return "".join(out)


# ---------------------------------------------------------------------- the findings


@dataclass(frozen=True)
class Finding:
    """One thing in a summary's text that may give away someone else, or a confidence."""

    kind: str
    text: str

    def sentence(self) -> str:
        """E.g. 'a title and a name: "Mr Patel"'."""
        return f'{self.kind}: "{self.text}"'


_TITLES = r"(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Rev|Revd)"
_TITLED = re.compile(rf"\b{_TITLES}\.?[ \t]+[^\W\d_][\w'’-]*")
_EMAIL_RE = re.compile(_EMAIL)
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d(?!\w)")
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CAPITALISED = re.compile(r"[A-Z\u00c0-\u00de][^\W\d_A-Z]+(?:[-'’][A-Z][^\W\d_]+)?")
_RECORD_HINTS = (
    *("record", "between", "confiden", "shar", "repeat", "pass", "tell", "keep"),
    *("room", "ears", "private"),
)
"""Words one of which every `_RECORD` phrase holds: a text with none is not searched."""
_TITLE_HINTS = ("Mr", "Ms", "Mx", "Miss", "Dr", "Prof", "Sir", "Dame", "Lord", "Lady", "Rev")


def _glued(text: str, at: int, chars: str = "'’") -> bool:
    """Whether the match at `at` continues a word (a letter, digit or apostrophe before it)."""
    return at > 0 and (text[at - 1].isalnum() or text[at - 1] in chars)


_RECORD = re.compile(
    r"\b(?:off[- ]the[- ]record|between (?:us|you and me|ourselves)|in (?:strict )?confidence"
    r"|(?:strictly )?confidential|not for (?:sharing|circulation|the summary)"
    r"|(?:do not|don't|dont|please don't) (?:share|repeat|pass (?:this|it) on|tell)"
    r"|keep (?:this|it) (?:between|to (?:yourself|ourselves))|this stays in the room"
    r"|for your ears only|not to be shared|private and personal)\b",
    re.IGNORECASE,
)
COMMON_CAPITALISED = frozenset({
    "i", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "english", "british", "uk", "london",
})  # fmt: skip
"""Capitalised words that are not a person's name often enough to leave out of the list."""


def findings(texts: Iterable[str], pair: Pair, *, extra_names: Iterable[str] = ()) -> list[Finding]:
    """What in `texts` looks like someone outside the pair, or a confidence, in order, once each.

    The pair's own names (any spelling `folded` makes equal) and `extra_names` are not listed.
    """
    own: set[str] = set()
    for role in ROLES:
        own |= name_parts(pair.person(role).name)
    for name in extra_names:
        own |= name_parts(name)
    own |= {"mentor", "mentee", "partner"}
    found: dict[Finding, None] = {}

    def add(kind: str, text: str) -> None:
        found.setdefault(Finding(kind, " ".join(text.split())), None)

    for raw in texts:
        text = unicodedata.normalize("NFC", raw or "")
        if not text.strip():
            continue
        lower = text.lower()
        if any(hint in lower for hint in _RECORD_HINTS):
            for m in _RECORD.finditer(text):
                add("words meant to stay in the room", m.group())
        if any(hint in text for hint in _TITLE_HINTS):
            for m in _TITLED.finditer(text):
                name = m.group().split()[-1]
                if name[:1].isupper() and folded(name) not in own:
                    add("a title and a name", m.group())
        if "@" in text:
            for m in _EMAIL_RE.finditer(text):
                add("an e-mail address", m.group())
        for m in _PHONE.finditer(text):
            digits = sum(c.isdigit() for c in m.group())
            if _glued(text, m.start(), "+_") or digits < 8 or _DATE_LIKE.match(m.group()):
                continue
            add("a phone number", m.group())
        for m in _CAPITALISED.finditer(text):
            if _glued(text, m.start()):
                continue
            word = m.group()
            key = folded(word)
            if key in own or key in COMMON_CAPITALISED or key in HONORIFICS:
                continue
            if _sentence_starts_at(text, m.start(), "\"“(‘'-*•", spaced=".!?:;"):
                # At a sentence's start a capital says nothing, unless a second capitalised
                # word follows ("Sarah Jones said").
                following = _CAPITALISED.match(text, m.end() + 1)
                if following is None or text[m.end() : m.end() + 1] != " ":
                    continue
                if folded(following.group()) in own:
                    continue
            add("a capitalised name", word)
    return list(found)
