"""The PDF of a certificate: its data in Chinese, the issuer, the validity, and a QR code to verify it.

Fonts come from the ``pylopdf-fonts-zh-cn`` wheel (Noto Sans SC, SIL OFL 1.1), so a fresh machine
with only PyPI renders the same document; fpdf2 embeds a subset of the font (only the glyphs used), never
relying on system fonts. The QR code carries the public verification link of the certificate.

Parsing a 65,000-glyph CJK font costs fpdf2 about half a second per document. ``manage.py certificate_fonts``
therefore prepares, once per installation, a copy reduced to GB 2312 (6,763 hanzi, symbols and ASCII) under
``CERTIFICATES_FONT_CACHE``; a document whose text it covers uses it (about ten times faster), any other
document (a rare character in a name) the full font, so no character is ever lost.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from functools import cache
from pathlib import Path

import pylopdf_fonts_zh_cn
import qrcode
from django.conf import settings
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M

from zhizheng.certificates import credentials
from zhizheng.certificates.models import Certificate

logging.getLogger("fontTools").setLevel(logging.WARNING)  # the subsetter logs every glyph at INFO

SANS = "NotoSansSC"
STATUS_WORDS = {"valid": "有效", "revoked": "已撤销", "expired": "已过期", "superseded": "已被替换"}
FOOTER = (
    "本电子证照由发证机关以数字签名签发（W3C 可验证凭证，eddsa-jcs-2022）。"
    "真伪、撤销与有效期以扫码核验结果为准；签名凭证可在“我的证照”下载 JSON 后离线核验。"
)
_FIXED_TEXT = "".join(STATUS_WORDS.values()) + FOOTER + "电子证照编号发证机关持证主体有效期长期状态扫码核验地址："


FULL_FONTS = {SANS: pylopdf_fonts_zh_cn.sans_path}
"""One family: every embedded font costs a parse and a subset per document, so the page uses Noto Sans SC only."""


@cache
def gb2312_repertoire() -> frozenset[str]:
    """Every character of GB 2312 (rows 1-87: symbols and 6,763 hanzi) and printable ASCII."""
    found = {chr(code) for code in range(0x20, 0x7F)} | {"\n"}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(found)


def reduced_font_path(family: str) -> Path:
    return Path(settings.CERTIFICATES_FONT_CACHE) / f"{family}-GB2312.otf"


def fonts_prepare() -> list[Path]:
    """Write the GB 2312 copy of the font (atomically) unless present; returns its path in a list."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    written = []
    for family, full in FULL_FONTS.items():
        target = reduced_font_path(family)
        if target.exists():
            written.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        options = subset.Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.layout_features = ["*"]
        options.hinting = False
        font = TTFont(str(full()))
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in gb2312_repertoire()])
        subsetter.subset(font)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".otf.part")
        os.close(handle)
        font.save(temporary)
        os.replace(temporary, target)
        written.append(target)
    return written


def font_file(family: str, text: str) -> Path:
    """The reduced font when it exists and covers ``text``, else the full one."""
    reduced = reduced_font_path(family)
    if reduced.exists() and set(text) <= gb2312_repertoire():
        return reduced
    return FULL_FONTS[family]()


def qr_png(data: str, *, box_size: int = 6) -> bytes:
    """A QR code (error correction M) as PNG bytes."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=2)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def _date(value: object) -> str:
    return f"{value:%Y年%m月%d日}" if value is not None else "长期"


def certificate_pdf(certificate: Certificate, *, status: str | None = None) -> bytes:
    """An A4 page for ``certificate`` (type, department and holder loaded). ``status`` overrides the stored one."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"{certificate.type.name} {certificate.serial}")
    pdf.set_creator("Zhizheng 智政")
    pdf.set_auto_page_break(auto=True, margin=20)
    text = "".join(str(v) for v in certificate.subject.values()) + certificate.type.name + _FIXED_TEXT
    text += certificate.issuing_department.name + "".join(str(f["label"]) for f in certificate.type.fields)
    pdf.add_font(SANS, fname=str(font_file(SANS, text)))
    for font in pdf.fonts.values():
        # Saving the embedded subset would recompute every CFF glyph's bounds in Python (most of a render's
        # time); the font's own bounding box stays valid for a subset of its glyphs.
        font.ttfont.recalcBBoxes = False  # type: ignore[union-attr]
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_draw_color(180, 30, 30)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(22)
    pdf.set_font(SANS, size=24)
    pdf.set_text_color(160, 20, 20)
    pdf.cell(width, 14, certificate.type.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, size=10)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(width, 7, f"电子证照  编号 {certificate.serial}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    pdf.set_text_color(20, 20, 20)
    labels = {str(f["key"]): str(f["label"]) for f in certificate.type.fields}
    label_width = 48
    for key, value in certificate.subject.items():
        pdf.set_font(SANS, size=11)
        pdf.set_fill_color(246, 240, 236)
        y = pdf.get_y()
        pdf.multi_cell(label_width, 8, labels.get(key, key), border="B", fill=True, new_x="RIGHT", new_y="TOP")
        pdf.set_font(SANS, size=12)
        pdf.multi_cell(width - label_width, 8, str(value), border="B", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), y + 8))

    pdf.ln(6)
    pdf.set_font(SANS, size=10)
    facts = [
        ("发证机关", certificate.issuing_department.name),
        ("持证主体", certificate.holder_masked),
        ("有效期", f"{_date(certificate.valid_from)} 至 {_date(certificate.valid_until)}"),
        ("状态", STATUS_WORDS.get(status or certificate.status, status or certificate.status)),
    ]
    for label, value in facts:
        pdf.cell(24, 7, label)
        pdf.cell(width - 24 - 50, 7, value, new_x="LMARGIN", new_y="NEXT")

    link = credentials.verify_url(certificate.serial)
    qr_size = 42
    qr_y = pdf.h - 20 - qr_size - 14
    pdf.image(io.BytesIO(qr_png(link)), x=pdf.w - 15 - qr_size, y=qr_y, w=qr_size, h=qr_size, link=link)
    pdf.set_xy(pdf.w - 15 - qr_size - 4, qr_y + qr_size)
    pdf.set_font(SANS, size=8)
    pdf.cell(qr_size + 8, 5, "扫码核验真伪与状态", align="C")
    pdf.set_xy(18, pdf.h - 38)
    pdf.set_font(SANS, size=8)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(
        width - qr_size - 12,
        4.5,
        f"{FOOTER}\n核验地址：{link}",
    )
    return bytes(pdf.output())
