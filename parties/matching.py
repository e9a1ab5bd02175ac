"""Name matching for denied-party screening: normalise names and score a party's name against list names.

Pure functions, no database. A Chinese company name is a place, a trade name, industry words and a legal form
(深圳 龙岗 精密计算 有限公司); lists write the same company as "Shenzhen Longgang Precision Computing Co., Ltd.":
the place and trade name in pinyin, one word each, the industry words translated. The normaliser takes a name
in either writing to the same words, each with a role: place (p), generic industry word (g) or distinctive (d).
The score rests mostly on the distinctive words, so that two companies sharing only a city and an industry word
do not match; places and industry words only confirm or weaken a match.
"""
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process
from unidecode import unidecode

from parties.policy import MATCHING_POLICY, MatchingPolicy

PLACE, GENERIC, DISTINCTIVE = "p", "g", "d"

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
# Full stops and apostrophes join ("S.A.", "Xi'an"); every other non-alphanumeric character separates words.
JOINING = re.compile(r"[.'\u2019`]")
SEPARATING = re.compile(r"[^0-9a-z]+")
# At most this many readings of one name (a Chinese name whose industry words may be part of its trade name).
MAX_FORMS = 4


@dataclass(frozen=True)
class NameForm:
    """One normalised reading of a name: its words and one role letter per word."""

    tokens: tuple[str, ...]
    roles: str

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @cached_property
    def key(self) -> str:
        """The distinctive words run together, so that "Long Gang" and "Longgang" compare equal."""
        return "".join(token for token, role in zip(self.tokens, self.roles, strict=True) if role == DISTINCTIVE)

    @cached_property
    def places(self) -> frozenset[str]:
        return frozenset(token for token, role in zip(self.tokens, self.roles, strict=True) if role == PLACE)

    @cached_property
    def generic(self) -> frozenset[str]:
        return frozenset(token for token, role in zip(self.tokens, self.roles, strict=True) if role == GENERIC)

    def stored(self) -> list[str]:
        return [self.text, self.roles]

    @classmethod
    def from_stored(cls, stored: Sequence[str]) -> "NameForm":
        text, roles = stored
        return cls(tuple(text.split()), roles)


@dataclass(frozen=True)
class _Vocabulary:
    """A policy's word lists, compiled for lookup."""

    legal_en: tuple[tuple[str, ...], ...]
    legal_zh: tuple[str, ...]
    glossary: dict[str, tuple[str, ...]]
    glossary_pinyin: dict[str, tuple[str, ...]]
    variants: dict[str, tuple[str, ...]]
    generic: frozenset[str]
    stopwords: frozenset[str]
    places_zh: dict[str, str]
    places_en: frozenset[str]
    joinable: frozenset[str]
    place_suffixes: tuple[str, ...]
    longest_glossary: int = field(default=0)
    longest_place: int = field(default=0)


_VOCABULARIES: dict[str, _Vocabulary] = {}


def _vocabulary(policy: MatchingPolicy) -> _Vocabulary:
    """Published policies never change, so their version identifies their compiled word lists."""
    vocabulary = _VOCABULARIES.get(policy.version)
    if vocabulary is None:
        glossary = {chinese: tuple(english.split()) for chinese, english in policy.glossary}
        # Lists sometimes romanise an industry word instead of translating it ("Keji"): the same word. One
        # character is left alone: as pinyin it is as likely a trade name's syllable ("Yun" of "Huayun").
        glossary_pinyin = {
            _pinyin_word(chinese): english for chinese, english in glossary.items() if len(chinese) > 1
        }
        variants = {word: tuple(canonical.split()) for word, canonical in policy.english_variants}
        generic = policy.generic_words_en | {word for english in glossary.values() for word in english}
        places_en = frozenset(roman for _, roman in policy.places)
        vocabulary = _VOCABULARIES[policy.version] = _Vocabulary(
            legal_en=tuple(sorted(policy.legal_forms_en, key=len, reverse=True)),
            legal_zh=tuple(sorted(policy.legal_forms_zh, key=len, reverse=True)),
            glossary=glossary,
            glossary_pinyin=glossary_pinyin,
            variants=variants,
            generic=generic,
            stopwords=policy.stopwords_en,
            places_zh=dict(policy.places),
            places_en=places_en,
            joinable=places_en | generic | frozenset(variants),
            place_suffixes=tuple(sorted(policy.place_suffixes_zh, key=len, reverse=True)),
            longest_glossary=max(len(chinese) for chinese in glossary),
            longest_place=max(len(chinese) for chinese, _ in policy.places),
        )
    return vocabulary


def _syllables(han: str) -> list[str]:
    """Toneless pinyin, one syllable per character (read in context: 重庆 chong qing, 银行 yin hang); ü as u,
    as lists write it."""
    return [syllable.replace("v", "u") for syllable in lazy_pinyin(han, style=Style.NORMAL)]


def _pinyin_word(han: str) -> str:
    return "".join(_syllables(han))


def name_forms(name: str, policy: MatchingPolicy = MATCHING_POLICY) -> tuple[NameForm, ...]:
    """Every reading of ``name`` worth comparing, the likeliest first (empty for a name with no words)."""
    vocabulary = _vocabulary(policy)
    text = unicodedata.normalize("NFKC", name).casefold()
    # Each piece is a list of alternative (tokens, roles) readings; Latin pieces have one.
    pieces: list[list[tuple[list[str], str]]] = []
    position = 0
    for match in HAN.finditer(text):
        if match.start() > position:
            pieces.append([_latin_reading(text[position:match.start()], vocabulary)])
        pieces.append(_han_readings(match.group(), vocabulary))
        position = match.end()
    if position < len(text):
        pieces.append([_latin_reading(text[position:], vocabulary)])

    readings: list[tuple[list[str], str]] = [([], "")]
    for alternatives in pieces:
        readings = [
            (tokens + more_tokens, roles + more_roles)
            for tokens, roles in readings
            for more_tokens, more_roles in alternatives
        ][:MAX_FORMS]
    forms = []
    for tokens, roles in readings:
        form = NameForm(tuple(tokens), roles)
        if tokens and form not in forms:
            forms.append(form)
    return tuple(forms)


def normalize(name: str, policy: MatchingPolicy = MATCHING_POLICY) -> str:
    """The likeliest reading of ``name`` as plain words ("" when nothing is left)."""
    forms = name_forms(name, policy)
    return forms[0].text if forms else ""


def _latin_reading(text: str, vocabulary: _Vocabulary) -> tuple[list[str], str]:
    words = SEPARATING.sub(" ", JOINING.sub("", unidecode(text).lower())).split()
    words = [word for word in words if word not in vocabulary.stopwords]
    kept: list[str] = []
    index = 0
    while index < len(words):
        legal = next((form for form in vocabulary.legal_en if tuple(words[index:index + len(form)]) == form), None)
        if legal:
            index += len(legal)
            continue
        kept.extend(vocabulary.variants.get(words[index]) or vocabulary.glossary_pinyin.get(words[index])
                    or (words[index],))
        index += 1
    tokens: list[str] = []
    index = 0
    while index < len(kept):
        # A place or an industry word written in parts ("Shen Zhen", "Hong Kong", "Super-computing") is one word.
        span = next((size for size in (3, 2) if index + size <= len(kept)
                     and "".join(kept[index:index + size]) in vocabulary.joinable), 1)
        joined = "".join(kept[index:index + span])
        tokens.extend(vocabulary.variants.get(joined, (joined,)) if span > 1 else (joined,))
        index += span
    roles = "".join(
        PLACE if token in vocabulary.places_en else GENERIC if token in vocabulary.generic else DISTINCTIVE
        for token in tokens
    )
    return tokens, roles


def _han_readings(han: str, vocabulary: _Vocabulary) -> list[tuple[list[str], str]]:
    """Read a run of Chinese characters as place + trade name + industry words + legal form."""
    syllables = _syllables(han)
    start, end = 0, len(han)
    leading: list[str] = []
    trailing: list[str] = []

    def place_from(position: int) -> str | None:
        for size in range(min(vocabulary.longest_place, end - position), 1, -1):
            if han[position:position + size] in vocabulary.places_zh:
                return han[position:position + size]
        return None

    def place_until(position: int) -> str | None:
        for size in range(min(vocabulary.longest_place, position - start), 1, -1):
            if han[position - size:position] in vocabulary.places_zh:
                return han[position - size:position]
        return None

    changed = True
    while changed and start < end:
        changed = False
        legal = next((form for form in vocabulary.legal_zh if han.endswith(form, start, end)), None)
        if legal:
            end -= len(legal)
            changed = True
            continue
        # A branch's place after the company's legal form: ……有限公司深圳(市)分公司.
        for suffix in (*vocabulary.place_suffixes, ""):
            if not han.endswith(suffix, start, end):
                continue
            place = place_until(end - len(suffix))
            before = end - len(suffix) - len(place or "")
            if place and any(han.endswith(form, start, before) for form in vocabulary.legal_zh):
                trailing.insert(0, vocabulary.places_zh[place])
                end = before
                changed = True
                break
    while start < end and (place := place_from(start)):
        leading.append(vocabulary.places_zh[place])
        start += len(place)
        start += len(next((suffix for suffix in vocabulary.place_suffixes if han.startswith(suffix, start, end)), ""))

    # Industry words, peeled from the end of what remains, the longest first.
    industry: list[tuple[int, tuple[str, ...]]] = []
    trade_end = end
    while trade_end > start:
        size = next((size for size in range(min(vocabulary.longest_glossary, trade_end - start), 0, -1)
                     if han[trade_end - size:trade_end] in vocabulary.glossary), 0)
        if not size:
            break
        trade_end -= size
        industry.insert(0, (trade_end, vocabulary.glossary[han[trade_end:trade_end + size]]))

    def reading(trade_until: int, words: list[tuple[int, tuple[str, ...]]]) -> tuple[list[str], str]:
        tokens = list(leading)
        roles = PLACE * len(leading)
        if trade_until > start:
            tokens.append("".join(syllables[start:trade_until]))
            roles += DISTINCTIVE
        for _, english in words:
            tokens.extend(english)
            roles += GENERIC * len(english)
        return tokens + trailing, roles + PLACE * len(trailing)

    trade_length = trade_end - start
    if trade_length >= 2 or not industry:
        return [reading(trade_end, industry)]
    # A trade name of one character is no trade name: the first industry word belongs to it ("华云科技" is
    # Huayun Technology). With no trade name left at all, both readings stand ("中国电子科技": China
    # Electronics Technology, or China Dianzi Technology).
    first_end = industry[1][0] if len(industry) > 1 else end
    with_first = reading(first_end, industry[1:])
    if trade_length == 1:
        return [with_first]
    return [reading(trade_end, industry), with_first]


def name_score(query: NameForm, listed: NameForm, policy: MatchingPolicy = MATCHING_POLICY) -> float:
    """0-100: how alike two readings are, mostly by their distinctive words."""
    if query.tokens == listed.tokens:
        return 100.0
    if query.key and listed.key:
        distinctive = fuzz.ratio(query.key, listed.key)
    elif query.key or listed.key:
        return 0.0
    else:
        # Names made only of places and industry words ("Beijing Institute of Advanced Computing Technology")
        # compare whole, in any word order.
        return round(fuzz.token_sort_ratio(query.text, listed.text), 1)
    weight = policy.distinctive_weight
    return round(weight * distinctive + (1 - weight) * _context_agreement(query, listed), 1)


def _context_agreement(query: NameForm, listed: NameForm) -> float:
    """0-100: places, then industry words, each agree (100: shared; a subset agrees in full), disagree (0: both
    name some, none shared) or say nothing (50: one side names none, as an alias often does)."""
    place = 50.0 if not query.places or not listed.places else 100.0 * bool(query.places & listed.places)
    if not query.generic or not listed.generic:
        generic = 50.0
    else:
        generic = 100.0 * len(query.generic & listed.generic) / min(len(query.generic), len(listed.generic))
    return (place + generic) / 2


def normalize_identifier(identifier: str) -> str:
    """An identifier as compared: NFKC, upper case, without spaces, dashes, dots or slashes."""
    return re.sub(r"[\s\-./]", "", unicodedata.normalize("NFKC", identifier)).upper()


@dataclass(frozen=True)
class ListedName:
    """A name or alias of a list entry, with its stored readings."""

    entry_id: int
    name: str
    alias: bool
    forms: tuple[NameForm, ...]


@dataclass(frozen=True)
class NameMatch:
    listed: ListedName
    score: float


class ScreeningIndex:
    """Every loaded name and identifier, arranged so that a party is compared only with the list names that can
    reach the threshold: rapidfuzz's C++ extract over the distinct distinctive keys, with a cut-off derived
    from the score's own formula (a key less alike than that cannot reach the threshold whatever its context)."""

    def __init__(self, names: Iterable[ListedName], identifiers: Iterable[tuple[int, str]],
                 policy: MatchingPolicy = MATCHING_POLICY):
        self.policy = policy
        keyed: dict[str, list[tuple[ListedName, NameForm]]] = {}
        keyless: dict[str, list[tuple[ListedName, NameForm]]] = {}
        for listed in names:
            for form in listed.forms:
                if form.key:
                    keyed.setdefault(form.key, []).append((listed, form))
                else:
                    keyless.setdefault(form.text, []).append((listed, form))
        self._keys = list(keyed)
        self._keyed = list(keyed.values())
        self._texts = list(keyless)
        self._keyless = list(keyless.values())
        self._identifiers: dict[str, list[tuple[int, str]]] = {}
        for entry_id, number in identifiers:
            normalized = normalize_identifier(number)
            if normalized:
                self._identifiers.setdefault(normalized, []).append((entry_id, number))
        weight = policy.distinctive_weight
        self._key_cutoff = max(0.0, (policy.threshold - (1 - weight) * 100) / weight)

    def match_name(self, name: str) -> list[NameMatch]:
        """The list names that ``name`` matches, the best reading per entry, highest score first."""
        best: dict[int, NameMatch] = {}
        for form in name_forms(name, self.policy):
            if form.key:
                candidates = process.extract(form.key, self._keys, scorer=fuzz.ratio,
                                             score_cutoff=self._key_cutoff, limit=None)
                groups = (self._keyed[index] for _, _, index in candidates)
            else:
                candidates = process.extract(form.text, self._texts, scorer=fuzz.token_sort_ratio,
                                             score_cutoff=self.policy.threshold, limit=None)
                groups = (self._keyless[index] for _, _, index in candidates)
            for group in groups:
                for listed, listed_form in group:
                    score = name_score(form, listed_form, self.policy)
                    if score < self.policy.threshold:
                        continue
                    current = best.get(listed.entry_id)
                    if current is None or (score, not listed.alias) > (current.score, not current.listed.alias):
                        best[listed.entry_id] = NameMatch(listed, score)
        return sorted(best.values(), key=lambda match: (-match.score, match.listed.entry_id))

    def match_identifier(self, identifier: str) -> list[tuple[int, str]]:
        """The entries that carry ``identifier`` exactly (after normalising spaces, dashes and case), each with the
        identifier as the list writes it."""
        normalized = normalize_identifier(identifier)
        return sorted(self._identifiers.get(normalized, [])) if normalized else []
