"""A tiny typo fixer: one edit (insert, delete, replace, swap) for words of 5+ letters, a swap or a
dropped letter for 4-letter words, only towards the words the rules know ("thnag" -> "thang",
"tieenf" -> "tien" once repeated letters are collapsed). Real Vietnamese words the rules do not use
are protected, so "nhanh" never becomes "nhan"."""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

PLACE_TITLES = frozenset(("phuong", "xa", "thon", "huyen", "tinh", "quan", "lang", "to"))
MIN_LENGTH = 5
MAX_LENGTH = 14


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance <= 1, or one swap of neighbouring letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    return any(b[:i] + b[i + 1:] == a for i in range(len(b)))


class Corrector:
    def __init__(self, vocabulary: set[str], protected: set[str]):
        self._vocabulary = frozenset(vocabulary)
        self._known = set(vocabulary) | set(protected)
        self._neighbours: dict[str, tuple[str, ...]] = {}
        self._index: dict[str, list[str]] = {}
        for word in sorted(vocabulary):
            if len(word) < MIN_LENGTH - 1:
                continue
            for key in _deletions(word) | {word}:
                self._index.setdefault(key, []).append(word)

    def _candidates(self, word: str) -> list[str]:
        candidates: list[str] = []
        for key in _deletions(word) | {word}:
            for candidate in self._index.get(key, ()):
                if candidate not in candidates and candidate != word and _within_one_edit(word, candidate):
                    candidates.append(candidate)
        return candidates

    def knows(self, word: str) -> bool:
        """A word of the rules or a protected real word, spelt exactly as typed."""
        return word in self._known

    def correct(self, word: str) -> str:
        if word in self._known or not word.isalpha() or len(word) > MAX_LENGTH or len(word) < MIN_LENGTH - 1:
            return word
        if word[-1] in "sfrxj" and word[:-1] in self._known:
            return word[:-1]  # a Telex tone key left in: "tienf", "thangs"
        for ending, base in (("ies", "y"), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
            stem = word[: -len(ending)] + base
            if word.endswith(ending) and len(stem) >= 4 and stem in self._vocabulary:
                return stem  # English endings: "qualifies", "subscribed"
        candidates = self._candidates(word)
        swaps = [c for c in candidates if len(c) == len(word) and sorted(c) == sorted(word)]
        if swaps:  # a swap of neighbours is the likeliest slip ("tein", "tohng")
            candidates = swaps
        elif len(word) < MIN_LENGTH:  # short words: only a dropped letter ("nhng" -> "nhung")
            candidates = [c for c in candidates if len(c) == len(word) + 1]
        if len(candidates) != 1:
            return word
        logger.debug("typo %s -> %s", word, candidates[0])
        return candidates[0]

    def in_context(self, tokens: tuple[str, ...], phrases: frozenset[str], marked: list[bool]) -> tuple[str,
                                                                                                        ...]:
        """Fix slips that spell another real word ("teng anh", "bao nieu", "hung dan"): a word the
        rules do not know, typed without diacritics, becomes a known word one edit away when that
        makes a known phrase with its neighbour."""
        fixed = list(tokens)
        for i, word in enumerate(tokens):
            if (
                marked[i]
                or word in self._vocabulary
                or len(word) < 3
                or len(word) > MAX_LENGTH
                or not word.isalpha()
            ):
                continue
            if i and tokens[i - 1] in PLACE_TITLES:
                continue  # a place's name ("phường Thủy Xuân"), not a slip for "phương thức"
            neighbours = self._neighbours.get(word)
            if neighbours is None:
                neighbours = tuple(c for c in self._candidates(word) if len(c) >= 4)
                if len(self._neighbours) > 50000:
                    self._neighbours.clear()
                self._neighbours[word] = neighbours
            if not neighbours:
                continue
            before = fixed[i - 1] + " " if i else ""
            after = " " + tokens[i + 1] if i + 1 < len(tokens) else ""
            fits = [
                c
                for c in neighbours
                if (before and before + c in phrases) or (after and c + after in phrases)
            ]
            if len(fits) == 1:
                fixed[i] = fits[0]
        return tuple(fixed)


_ONSETS = ("", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
           "ph", "qu", "r", "s", "t", "th", "tr", "v", "x")
_RHYMES = (
    "a", "ai", "ao", "au", "ay", "an", "ang", "anh", "am", "ap", "at", "ac", "ach", "e", "eo", "en", "eng",
    "em", "ep", "et", "ec", "eu", "i", "ia", "iu", "in", "inh", "im", "ip", "it", "ich", "iec", "ien",
    "ieng", "iem", "iep", "iet", "ieu", "o", "oa", "oai", "oan", "oang", "oanh", "oac", "oach", "oat",
    "oap", "oam", "oay", "oe", "oen", "oet", "oeo", "oi", "on", "ong", "om", "op", "ot", "oc", "oong",
    "ooc", "u", "ua", "uan", "uang", "uat", "uay", "ue", "uen", "uet", "ui", "uoi", "uon", "uong", "uoc",
    "uot", "uom", "uop", "uou", "un", "ung", "um", "up", "ut", "uc", "uu", "uy", "uya", "uyen", "uyet",
    "uynh", "uych", "uyu", "uyn", "uyt", "y", "yen", "yet", "yeu", "yem",
)


def _spelt_right(onset: str, rhyme: str) -> bool:
    """Vietnamese spelling: "ghe", "nghe", "ke", never "ge", "nge", "ce", "ka"."""
    front = rhyme[:1] in ("e", "i", "y")
    if onset in ("g", "ng", "c"):
        return not front or onset == "g" and rhyme.startswith("i")  # "gi…" is its own onset
    if onset in ("gh", "ngh", "k"):
        return front
    return True


# Every syllable of two letters or more, spelt as Vietnamese is: for words typed without spaces.
SYLLABLES = frozenset(onset + rhyme for onset in _ONSETS for rhyme in _RHYMES
                      if len(onset + rhyme) >= 2 and _spelt_right(onset, rhyme))


def vietnamese_syllables() -> set[str]:
    """Every plausible Vietnamese syllable, folded: real words that must not be 'corrected'."""
    return {onset + rhyme for onset in _ONSETS for rhyme in _RHYMES if len(onset + rhyme) >= MIN_LENGTH - 1}


# Everyday English the typo fixer must leave alone ("phone" is not a misspelt "phong").
ENGLISH_WORDS = frozenset((
    "about", "account", "address", "again", "all", "allowance", "also", "alone", "amount", "another",
    "anyone",
    "anything", "apply", "april", "arrive", "arrived", "asking", "august", "back", "bank", "been", "before",
    "bill",
    "being", "below", "block", "blocked", "called", "calling", "cancel", "cannot", "card", "cards", "cash",
    "change", "changed", "charge", "charged", "cheat", "call", "collect", "come", "coming", "contact",
    "could",
    "daughter", "dead", "death", "december", "did", "didn", "does", "done", "dont", "down", "each",
    "eligible", "else", "email", "english", "every", "father", "february", "fee", "fees", "feel", "find",
    "fine", "free", "full",
    "first", "for", "from", "gave", "getting", "give", "given", "going", "good", "grandfather",
    "grandmother", "great", "guardian", "have", "hello", "help", "here", "history", "home", "house",
    "hours", "how", "husband", "information", "into", "january", "july", "june", "just", "know", "last",
    "later", "less", "like", "link", "list", "live", "lost", "lower", "make", "many", "march", "mother",
    "money", "month", "monthly", "more", "most", "moved", "much", "need", "needs", "never", "news", "next",
    "none", "not", "notify", "november", "number", "october", "office", "officer", "only", "open", "other",
    "paid", "password", "passed", "payment", "payments", "people", "person", "phone", "please", "pocket",
    "previous", "problem", "question", "quit", "receive", "received", "reply", "right", "same", "scam",
    "see", "seen", "sent",
    "send", "sending", "september", "should", "show", "since", "small", "smaller", "some", "someone",
    "something", "soon", "sorry", "speak", "start", "statement", "still", "stole", "stolen", "stop",
    "subscribe", "sure", "switch", "take", "talk", "tell", "than", "thank", "thanks", "that", "their",
    "them", "then", "there", "these", "they", "thing", "this", "those", "time", "today", "told", "transfer",
    "transferred", "update", "updates", "usually", "very", "vietnamese", "wait", "wallet", "want", "week",
    "well",
    "were", "what", "when", "where", "which", "while", "who", "whom", "whose", "why", "will", "wife",
    "with", "withdraw", "without", "work", "would", "wrong", "year", "yesterday", "your",
))
