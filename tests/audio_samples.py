"""Small real recordings built byte by byte, as browsers' MediaRecorder writes them: Opus in a
streamed WebM (Chromium: Segment and Clusters of unknown size, no Duration) and in Ogg
(Firefox). Every packet is Opus's 20 ms silence frame, so the files play."""

import struct

# TOC 0xF8 (CELT, fullband, 20 ms, one frame) and a frame that decodes to silence.
SILENT_OPUS_FRAME = b"\xf8\xff\xfe"
FRAME_MS = 20
PRE_SKIP = 312
OPUS_HEAD = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, PRE_SKIP, 48_000, 0, 0)
UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"


def _size(length):
    """An EBML size in 8 bytes (always valid, if not the shortest)."""
    return bytes([0x01]) + length.to_bytes(7, "big")


def _element(element_id, body):
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + _size(len(body)) + body


def _uint(element_id, value, width=4):
    return _element(element_id, value.to_bytes(width, "big"))


def make_webm(seconds, *, codec="A_OPUS", track_type=2, declared_duration=None):
    """A WebM of `seconds` of Opus silence, streamed as Chromium writes it."""
    header = _element(
        0x1A45DFA3,
        _uint(0x4286, 1, 1)
        + _uint(0x42F7, 1, 1)
        + _uint(0x42F2, 4, 1)
        + _uint(0x42F3, 8, 1)
        + _element(0x4282, b"webm")
        + _uint(0x4287, 4, 1)
        + _uint(0x4285, 2, 1),
    )
    info_body = _uint(0x2AD7B1, 1_000_000) + _element(0x4D80, b"test") + _element(0x5741, b"test")
    if declared_duration is not None:
        info_body += _element(0x4489, struct.pack(">d", declared_duration * 1000))
    audio = _element(0xB5, struct.pack(">d", 48_000.0)) + _uint(0x9F, 1, 1)
    track = _element(
        0xAE,
        _uint(0xD7, 1, 1)
        + _uint(0x73C5, 1234)
        + _uint(0x83, track_type, 1)
        + _element(0x86, codec.encode())
        + _element(0x63A2, OPUS_HEAD)
        + _element(0xE1, audio),
    )
    clusters = []
    frames = round(seconds * 1000 / FRAME_MS)
    per_cluster = 250  # 5 s: block timestamps are 16-bit offsets from the cluster's
    for first in range(0, frames, per_cluster):
        blocks = b"".join(
            _element(
                0xA3, b"\x81" + struct.pack(">hB", (n - first) * FRAME_MS, 0x80) + SILENT_OPUS_FRAME
            )
            for n in range(first, min(first + per_cluster, frames))
        )
        clusters.append(b"\x1f\x43\xb6\x75" + UNKNOWN_SIZE + _uint(0xE7, first * FRAME_MS) + blocks)
    segment = (
        b"\x18\x53\x80\x67"
        + UNKNOWN_SIZE
        + _element(0x1549A966, info_body)
        + _element(0x1654AE6B, track)
        + b"".join(clusters)
    )
    return header + segment


def _crc32_ogg(data):
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _page(packets, granule, sequence, flags):
    table = b"".join(bytes([len(packet)]) for packet in packets)  # each packet < 255 bytes
    header = struct.pack(
        "<4sBBqIIIB", b"OggS", 0, flags, granule, 0x5EED, sequence, 0, len(packets)
    )
    page = header + table + b"".join(packets)
    return page[:22] + struct.pack("<I", _crc32_ogg(page)) + page[26:]


def make_ogg(seconds):
    """An Ogg Opus file of `seconds` of silence, as Firefox writes one."""
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    pages = [_page([OPUS_HEAD], 0, 0, 0x02), _page([tags], 0, 1, 0)]
    frames = round(seconds * 1000 / FRAME_MS)
    per_page = 50
    for first in range(0, frames, per_page):
        count = min(per_page, frames - first)
        granule = PRE_SKIP + (first + count) * 960
        last = first + count >= frames
        pages.append(_page([SILENT_OPUS_FRAME] * count, granule, len(pages), 0x04 if last else 0))
    return b"".join(pages)
