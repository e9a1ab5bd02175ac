"""Numbers as people write and read them: "70B", "2T", "700亿" parsed into integers; large figures grouped by
thousands, in words ("70 billion", "700亿") and in scientific notation for people (a times sign and a
superscript exponent), never 6.39e+24."""
import math
import re
from decimal import Decimal, InvalidOperation

# Suffixes people use for model sizes and token counts, case-insensitive, with or without a space.
ENGLISH_SCALES = {
    "k": 10**3, "thousand": 10**3,
    "m": 10**6, "mn": 10**6, "million": 10**6,
    "b": 10**9, "bn": 10**9, "billion": 10**9,
    "t": 10**12, "tn": 10**12, "trillion": 10**12,
}
# Chinese counting units, which can follow one another ("1.2万亿" is 1.2 times 10 to the 4 times 10 to the 8).
CHINESE_UNITS = {"千": 10**3, "万": 10**4, "亿": 10**8}
TIMES = "\u00d7"
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
NUMBER = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*([a-z]*|[千万亿]*)$")


class NotANumber(ValueError):
    """What was typed is not a whole number, even with a suffix such as 70B or 700亿."""


def parse_count(text: str) -> int:
    """A whole count as typed: digits with thousands separators or spaces ("13,000,000,000"), a decimal with an
    English suffix ("70B", "1.5 trillion") or Chinese units ("700亿", "2万亿"). The result must be whole."""
    cleaned = (text or "").strip().lower().replace(",", "").replace("\uff0c", "").replace("_", "").replace(" ", "")
    match = NUMBER.match(cleaned)
    if not match:
        raise NotANumber(text)
    digits, suffix = match.groups()
    scale = 1
    if suffix:
        if suffix in ENGLISH_SCALES:
            scale = ENGLISH_SCALES[suffix]
        elif all(unit in CHINESE_UNITS for unit in suffix):
            scale = math.prod(CHINESE_UNITS[unit] for unit in suffix)
        else:
            raise NotANumber(text)
    try:
        value = Decimal(digits) * scale
    except InvalidOperation as exc:
        raise NotANumber(text) from exc
    if value != value.to_integral_value():
        raise NotANumber(text)
    return int(value)


def grouped(value, places: int = 0) -> str:
    """A number with thousands separators and a fixed number of decimals, whatever the reader's locale (the
    Chinese locale of Django groups nothing, which makes 75000 and 7500 hard to tell apart)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    return f"{number:,.{places}f}"


def scientific(value: float, digits: int = 2) -> str:
    """A large figure as people write it, with a times sign and a superscript exponent (``digits`` significant
    figures); below a million, grouped."""
    if value is None:
        return ""
    if abs(value) < 10**6:
        return grouped(value)
    exponent = math.floor(math.log10(abs(value)))
    mantissa = round(value / 10**exponent, digits - 1)
    if abs(mantissa) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    mantissa_text = f"{mantissa:.{digits - 1}f}".rstrip("0").rstrip(".")
    return f"{mantissa_text} {TIMES} 10{str(exponent).translate(SUPERSCRIPTS)}"


def _short(value: Decimal) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def in_words(value: int, language: str = "en") -> str:
    """A count in words, as a reader checks what they typed: 70 billion, 2 trillion; in Chinese 700亿, 2万亿
    (at most two decimals; below a thousand, or ten thousand in Chinese, the number itself)."""
    if value is None:
        return ""
    number = Decimal(int(value))
    if language.lower().startswith("zh"):
        for unit, scale in (("万亿", 10**12), ("亿", 10**8), ("万", 10**4)):
            if abs(number) >= scale:
                return f"{_short(number / scale)}{unit}"
        return f"{int(number)}"
    for word, scale in (("trillion", 10**12), ("billion", 10**9), ("million", 10**6), ("thousand", 10**3)):
        if abs(number) >= scale:
            return f"{_short(number / scale)} {word}"
    return f"{int(number)}"
