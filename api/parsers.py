"""The API's parsers: valid JSON (or a valid form) is not yet valid text, so strings the database cannot store are
refused here."""
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import DataAndFiles, JSONParser, MultiPartParser

NOT_TEXT = "Contains a character that is not valid text (a lone surrogate such as \\udfff)."
NUL = "Contains a NUL character (\\u0000), which text may not hold."


def _problem(text: str) -> str | None:
    if "\x00" in text:
        return NUL
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return NOT_TEXT
    return None


def unstorable_strings(value, path: str = "") -> dict[str, list[str]]:
    """Every string (or key) in a parsed JSON document that is not storable text, by its dotted path."""
    found: dict[str, list[str]] = {}
    if isinstance(value, str):
        problem = _problem(value)
        if problem:
            found[path or "non_field_errors"] = [problem]
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = _problem(key)
            if problem:
                found[path or "non_field_errors"] = [f"A field name: {problem[0].lower()}{problem[1:]}"]
                continue
            found.update(unstorable_strings(item, f"{path}.{key}" if path else key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(unstorable_strings(item, f"{path}.{index}" if path else str(index)))
    return found


class TextJSONParser(JSONParser):
    """DRF's JSON parser, then a 400 naming each field whose text holds a NUL or a lone surrogate (PostgreSQL
    refuses both, and a lone surrogate cannot even be encoded to compute an idempotency digest)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        problems = unstorable_strings(data)
        if problems:
            raise ValidationError(problems)
        return data


class TextMultiPartParser(MultiPartParser):
    """DRF's multipart parser (a body with a file), then the same 400 for form fields holding a NUL."""

    def parse(self, stream, media_type=None, parser_context=None) -> DataAndFiles:
        parsed = super().parse(stream, media_type, parser_context)
        problems = {}
        for name in parsed.data:
            for value in parsed.data.getlist(name):
                problems.update(unstorable_strings(value, name))
        if problems:
            raise ValidationError(problems)
        return parsed
