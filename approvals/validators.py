"""Validators for identifiers and uploads: the Unified Social Credit Code and document content."""
from django.core.exceptions import ValidationError

# GB 32100-2015: 31 characters (no I, O, S, V, Z), weights 3^i mod 31 over the first 17.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError("A Unified Social Credit Code has 18 characters.", code="uscc_length")
    bad = sorted({char for char in code if char not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            "A Unified Social Credit Code uses digits and the letters A-Y except I, O, S, V, Z; "
            f"found {', '.join(bad)}.",
            code="uscc_characters",
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            f"The check character is wrong: {code[17]} given, {expected} expected. Check the code for typos.",
            code="uscc_check",
        )


# Accepted document types, recognised by their first bytes, never by the file name.
DOCUMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_document_type(head: bytes) -> str | None:
    for signature, content_type in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None
