"""Licence certificates: the signed PDF a holder shows a seller or customs, kept while what it shows is unchanged
and made anew when that changes (a suspended licence's certificate says so)."""
import hashlib
import io
import json
from dataclasses import asdict, dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from approvals.models import Licence, LicenceCertificate
from approvals.signing import SigningIdentity, signing_identity
from approvals.states import LicenceStatus
from approvals.verification import status_statement

# Chinese (and any other text outside Windows-1252) in a name or the conditions: a CID font the PDF reader supplies.
CJK_FONT = "STSong-Light"
SIGNATURE_FIELD = "AuthoritySignature"


def verification_url(code: str) -> str:
    """The public page that tells anyone a licence's current status: printed, and in the QR code."""
    return f"{settings.CHIPGATE_BASE_URL}/verify/{code}/"


@dataclass(frozen=True)
class CertificateFacts:
    """Everything a certificate prints; its fingerprint decides whether a stored certificate is still right."""

    authority: str
    number: str
    status: str
    holder: str
    uscc: str
    valid_from: str
    valid_until: str
    issued_on: str
    conditions: str
    lines: tuple[tuple[str, int], ...]  # (chip name, approved units)
    verification_code: str
    verification_url: str


def certificate_facts(licence: Licence) -> CertificateFacts:
    lines = licence.lines.select_related("chip").order_by("chip__vendor", "chip__name")
    return CertificateFacts(
        authority=settings.CHIPGATE_AUTHORITY_NAME,
        number=licence.number,
        status=licence.status,
        holder=licence.holder.legal_name,
        uscc=licence.holder.uscc,
        valid_from=licence.valid_from.isoformat(),
        valid_until=licence.valid_until.isoformat(),
        issued_on=timezone.localdate(licence.issued_at).isoformat(),
        conditions=licence.conditions.strip(),
        lines=tuple((str(line.chip), line.approved) for line in lines),
        verification_code=licence.verification_code,
        verification_url=verification_url(licence.verification_code),
    )


def certificate_fingerprint(facts: CertificateFacts, identity: SigningIdentity) -> str:
    content = json.dumps({"facts": asdict(facts), "signed_by": identity.fingerprint}, sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()


def licence_certificate(licence: Licence) -> bytes:
    """The licence's signed certificate: the stored one while the licence shows the same, else a new one (kept)."""
    identity = signing_identity()
    facts = certificate_facts(licence)
    fingerprint = certificate_fingerprint(facts, identity)
    stored = LicenceCertificate.objects.filter(licence=licence, fingerprint=fingerprint).first()
    if stored is not None:
        try:
            with stored.file.open("rb") as stored_file:
                return stored_file.read()
        except OSError:
            pass  # the file went missing (a restored database without its media): make it again below
    pdf = certificate_sign(certificate_pdf(facts), identity=identity, facts=facts)
    _keep(licence, fingerprint, facts.status, pdf, stored)
    return pdf


def _keep(licence: Licence, fingerprint: str, status: str, pdf: bytes, stored: LicenceCertificate | None) -> None:
    if stored is not None:
        stored.file.save("certificate.pdf", ContentFile(pdf), save=False)
        stored.size = len(pdf)
        stored.save(update_fields=["file", "size"])
        return
    certificate = LicenceCertificate(licence=licence, fingerprint=fingerprint, status=status, size=len(pdf))
    certificate.file.save("certificate.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        # Another download made the same certificate a moment ago: theirs is kept, ours is equally valid.
        certificate.file.delete(save=False)


# The signature -------------------------------------------------------------------------------------------------

def certificate_sign(pdf: bytes, *, identity: SigningIdentity, facts: CertificateFacts) -> bytes:
    """A PAdES signature of the authority that certifies the document: any later change breaks it."""
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=f"Import licence {facts.number}", name=facts.authority,
        certify=True, docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    signed = signers.PdfSigner(metadata, identity.signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)))
    return signed.getvalue()


# The document --------------------------------------------------------------------------------------------------

INK = colors.HexColor("#1d2a3a")
MUTED = colors.HexColor("#5b6675")
RULE = colors.HexColor("#c9d1db")
ACTIVE_FILL = colors.HexColor("#e3f4e8")
ACTIVE_INK = colors.HexColor("#1b6b35")
STOPPED_FILL = colors.HexColor("#fbe3e1")
STOPPED_INK = colors.HexColor("#a32117")

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13.5, textColor=INK)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11.5, textColor=MUTED)
LABEL = ParagraphStyle("label", parent=BODY, textColor=MUTED)
AUTHORITY = ParagraphStyle("authority", parent=BODY, fontName="Helvetica-Bold", fontSize=11, textColor=MUTED)
TITLE = ParagraphStyle("title", parent=BODY, fontName="Helvetica-Bold", fontSize=20, leading=25, spaceBefore=4)
NUMBER = ParagraphStyle("number", parent=BODY, fontName="Helvetica-Bold", fontSize=15, leading=20, spaceBefore=2)
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=12, leading=16,
                         spaceBefore=12, spaceAfter=4)
BANNER = ParagraphStyle("banner", parent=BODY, fontName="Helvetica-Bold", fontSize=13, leading=17)
CELL_RIGHT = ParagraphStyle("cell_right", parent=BODY, alignment=TA_RIGHT)
CODE = ParagraphStyle("code", parent=BODY, fontName="Courier-Bold", fontSize=11, leading=15)
LINK = ParagraphStyle("link", parent=BODY, fontSize=9, textColor=colors.HexColor("#1f4e8c"))


def _needs_cjk_font(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return True
    return False


def _text(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of data (escaped), in a font that has its characters."""
    if _needs_cjk_font(text):
        if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
        style = ParagraphStyle(f"{style.name}_cjk", parent=style, fontName=CJK_FONT)
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _qr_code(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def _status_banner(facts: CertificateFacts, width: float) -> Table:
    active = facts.status == LicenceStatus.ACTIVE
    style = ParagraphStyle("banner_status", parent=BANNER, textColor=ACTIVE_INK if active else STOPPED_INK)
    banner = Table([[Paragraph(escape(status_statement(facts.status)), style)]], colWidths=[width])
    banner.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), ACTIVE_FILL if active else STOPPED_FILL),
        ("BOX", (0, 0), (-1, -1), 1.2, ACTIVE_INK if active else STOPPED_INK),
        ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
    ]))
    return banner


def _details(facts: CertificateFacts, width: float) -> Table:
    rows = [
        ("Holder", facts.holder),
        ("Unified social credit code (USCC)", facts.uscc),
        ("Valid from", facts.valid_from),
        ("Valid until", facts.valid_until),
        ("Issued on", facts.issued_on),
    ]
    table = Table([[Paragraph(label, LABEL), _text(value, BODY)] for label, value in rows],
                  colWidths=[width * 0.38, width * 0.62])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _lines(facts: CertificateFacts, width: float) -> Table:
    header = [Paragraph("<b>Chip</b>", BODY), Paragraph("<b>Approved quantity (units)</b>", CELL_RIGHT)]
    rows = [[_text(chip, BODY), Paragraph(f"{approved:,}", CELL_RIGHT)] for chip, approved in facts.lines]
    total = [Paragraph("<b>Total</b>", BODY),
             Paragraph(f"<b>{sum(approved for _, approved in facts.lines):,}</b>", CELL_RIGHT)]
    table = Table([header, *rows, total], colWidths=[width * 0.62, width * 0.38], repeatRows=1)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK), ("LINEBELOW", (0, 1), (-1, -2), 0.4, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _verification(facts: CertificateFacts, width: float) -> Table:
    qr_size = 34 * mm
    text = [
        Paragraph("Verification code", LABEL),
        Paragraph(escape(facts.verification_code), CODE),
        Spacer(1, 4),
        Paragraph("Anyone can check this licence's current status and what remains on it, without an account, by "
                  "scanning the code or at:", BODY),
        Paragraph(f'<a href="{escape(facts.verification_url)}">{escape(facts.verification_url)}</a>', LINK),
    ]
    table = Table([[_qr_code(facts.verification_url, qr_size), text]], colWidths=[qr_size + 8 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def certificate_pdf(facts: CertificateFacts) -> bytes:
    """The certificate as an unsigned A4 PDF."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=f"Import licence {facts.number}", author=facts.authority, subject="Import licence certificate",
        creator="Chipgate", invariant=True,
    )
    width = document.width - 12  # inside the frame's padding (6 pt each side), where the paragraphs are
    conditions = facts.conditions or "None stated."
    story = [
        _text(facts.authority, AUTHORITY),
        Paragraph("Import licence for AI accelerators", TITLE),
        Paragraph(f"Licence number {escape(facts.number)}", NUMBER),
        Spacer(1, 8),
        _status_banner(facts, width),
        Spacer(1, 10),
        _details(facts, width),
        Paragraph("Approved chips", HEADING),
        _lines(facts, width),
        Paragraph("Conditions", HEADING),
        _text(conditions, BODY),
        KeepTogether([Paragraph("Verification", HEADING), _verification(facts, width)]),
        Spacer(1, 14),
        _text(
            f"Issued by {facts.authority}. This certificate is digitally signed by the authority: a PDF reader shows "
            "whether the signature is valid and the document unchanged since signing. It states the licence's "
            "status when it was produced; the verification page always shows the current status.", SMALL,
        ),
    ]
    document.build(story)
    return buffer.getvalue()
