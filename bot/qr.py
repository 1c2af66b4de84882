"""A link as a QR code PNG, big enough to print on a poster and scan from a phone."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

BOX_PIXELS = 12  # one module of the code; a t.me link fits in about 33 modules a side


def qr_png(link: str) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=BOX_PIXELS, border=4)
    code.add_data(link)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
