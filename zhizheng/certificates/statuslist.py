"""W3C Bitstring Status List: the bitstring, its ``encodedList`` form, and reading one bit. Pure, no Django.

``encodedList`` is multibase base64url (prefix ``u``, no padding) of the GZIP-compressed bitstring; bit 0 is the
left-most (most significant) bit of the first byte. A list holds at least 131,072 entries (16 KiB), so a holder's
index says little about who they are (herd privacy).
"""

from __future__ import annotations

import base64
import gzip
import zlib

MIN_ENTRIES = 131_072
MAX_ENCODED_BYTES = 1 << 20  # refuse status lists that inflate beyond 1 MiB (a zip bomb is not a status list)


class StatusListError(ValueError):
    """An encoded list that cannot be read, or an index outside it."""


def empty(size: int = MIN_ENTRIES) -> bytes:
    if size % 8:
        raise StatusListError("the number of entries must be a multiple of 8")
    return bytes(size // 8)


def set_bit(bits: bytes, index: int, value: bool) -> bytes:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index} is outside the list of {len(bits) * 8} entries")
    array = bytearray(bits)
    mask = 0x80 >> (index % 8)
    if value:
        array[index // 8] |= mask
    else:
        array[index // 8] &= ~mask & 0xFF
    return bytes(array)


def get_bit(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index} is outside the list of {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode(bits: bytes) -> str:
    """GZIP (mtime 0, so the same list always encodes the same) then multibase base64url."""
    compressed = gzip.compress(bits, compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList must be multibase base64url (starting with 'u')")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        bits = inflater.decompress(compressed, MAX_ENCODED_BYTES)
    except (ValueError, zlib.error) as exc:
        raise StatusListError(f"encodedList is not base64url GZIP data: {exc}") from exc
    if inflater.unconsumed_tail:
        raise StatusListError("encodedList inflates beyond the allowed size")
    return bits
