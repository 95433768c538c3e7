"""QR codes (segno) as data URIs for printed pages."""

import base64
import io

import segno


def qr_data_uri(data: str, *, scale: int = 4) -> str:
    """A QR code as an SVG data URI, ready for <img src>."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def qr_png_data_uri(data: str, *, mask: int | None = None) -> str:
    """A QR code as a PNG data URI with one pixel per module: a few hundred bytes, drawn
    fast by PDF renderers. Size it in CSS with `image-rendering: pixelated` so the modules
    stay sharp at any size.

    `mask` fixes the mask pattern (0–7) instead of scoring all eight, which is most of the
    cost of making a code (about 7 of 9 ms). Every mask gives a valid code; for data that
    is mostly random (a link ending in a random token) the eight score alike anyway."""
    buffer = io.BytesIO()
    segno.make(data, error="m", mask=mask).save(buffer, kind="png", scale=1, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
