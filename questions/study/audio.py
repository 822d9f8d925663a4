"""What an uploaded recording is, read from its bytes: the container (WebM or Ogg), that its
audio is Opus, and how long it lasts. The client's file name and content type are never asked.

Browsers' MediaRecorder writes Opus in WebM (Chromium) or in Ogg (Firefox). Chromium streams
its WebM as it records, so the Segment and its Clusters have an "unknown" size and the Info
element carries no Duration: the length is read from the timestamps of the blocks instead. In
Ogg the length is the last page's granule position (48 kHz samples) less the OpusHead's
pre-skip. Both walks are linear and bounded by the file's size; anything they cannot read is
"not a recording", never an exception.
"""

import struct
from dataclasses import dataclass

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
OGG_MAGIC = b"OggS"

WEBM = "audio/webm"
OGG = "audio/ogg"

# Matroska element ids (https://www.matroska.org/technical/elements.html).
_EBML = 0x1A45DFA3
_DOCTYPE = 0x4282
_SEGMENT = 0x18538067
_INFO = 0x1549A966
_TIMECODE_SCALE = 0x2AD7B1
_DURATION = 0x4489
_TRACKS = 0x1654AE6B
_TRACK_ENTRY = 0xAE
_TRACK_TYPE = 0x83
_CODEC_ID = 0x86
_CLUSTER = 0x1F43B675
_CLUSTER_TIMECODE = 0xE7
_SIMPLE_BLOCK = 0xA3
_BLOCK_GROUP = 0xA0
_BLOCK = 0xA1
# Masters whose children are read; every other element is skipped by its size.
_DESCEND = {_SEGMENT, _INFO, _TRACKS, _TRACK_ENTRY, _CLUSTER, _BLOCK_GROUP}
_TRACK_AUDIO = 2
# An Opus frame lasts 2.5 to 60 ms; browsers write 20 ms ones. The last block's timestamp is
# where it starts, so its own length is added.
_LAST_FRAME_SECONDS = 0.02
_OPUS_RATE = 48_000


class NotARecording(ValueError):
    """The bytes are not Opus audio in WebM or Ogg (or are damaged)."""


@dataclass(frozen=True)
class AudioInfo:
    content_type: str  # audio/webm or audio/ogg, from the bytes
    duration: float  # seconds


def sniff(head: bytes) -> str | None:
    """The container named by the first bytes, or None."""
    if head.startswith(EBML_MAGIC):
        return WEBM
    if head.startswith(OGG_MAGIC):
        return OGG
    return None


def inspect(data: bytes) -> AudioInfo:
    """The recording's container and length; NotARecording for anything else."""
    kind = sniff(data[:4])
    try:
        if kind == WEBM:
            return AudioInfo(WEBM, _webm_duration(data))
        if kind == OGG:
            return AudioInfo(OGG, _ogg_duration(data))
    except (IndexError, struct.error, UnicodeDecodeError, OverflowError) as error:
        raise NotARecording("damaged container") from error
    raise NotARecording("not WebM or Ogg")


# --- WebM (Matroska) ---------------------------------------------------------------------------


def _vint(data, pos, *, keep_marker):
    """An EBML variable-length integer at `pos`: (value, length, all value bits set)."""
    first = data[pos]
    if first == 0:
        raise NotARecording("bad variable-length integer")
    length = 9 - first.bit_length()
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    if pos + length > len(data):
        raise NotARecording("truncated")
    all_ones = value == (1 << (7 * length)) - 1
    return value, length, all_ones


def _elements(data, pos, end):
    """(id, body start, body end) of each element from `pos`, descending into the masters that
    carry what we read. An unknown size (streamed Segment or Cluster) runs to `end`."""
    while pos < end:
        element_id, id_length, _ = _vint(data, pos, keep_marker=True)
        size, size_length, unknown = _vint(data, pos + id_length, keep_marker=False)
        body = pos + id_length + size_length
        if unknown:
            if element_id not in _DESCEND:
                raise NotARecording("unknown size outside a master element")
            body_end = end
        else:
            body_end = body + size
            if body_end > end:
                # A recording cut short (a tab closed mid-upload): only whole elements count.
                body_end = end
        yield element_id, body, body_end
        pos = body if element_id in _DESCEND else body_end


def _uint(data, start, end):
    return int.from_bytes(data[start:end], "big")


def _webm_duration(data):
    header_id, id_length, _ = _vint(data, 0, keep_marker=True)
    header_size, size_length, _ = _vint(data, id_length, keep_marker=False)
    header_end = id_length + size_length + header_size
    doctype = ""
    for element_id, start, end in _elements(data, id_length + size_length, header_end):
        if element_id == _DOCTYPE:
            doctype = data[start:end].decode("ascii")
    if header_id != _EBML or doctype not in ("webm", "matroska"):
        raise NotARecording("not a WebM document")

    scale = 1_000_000  # nanoseconds per timestamp tick, Matroska's default
    declared = None
    codecs, track_type, cluster_time, last_block = [], None, None, None
    for element_id, start, end in _elements(data, header_end, len(data)):
        if element_id == _TIMECODE_SCALE:
            scale = _uint(data, start, end)
        elif element_id == _DURATION:
            declared = struct.unpack(">f" if end - start == 4 else ">d", data[start:end])[0]
        elif element_id == _TRACK_ENTRY:
            track_type = None
        elif element_id == _TRACK_TYPE:
            track_type = _uint(data, start, end)
            if track_type != _TRACK_AUDIO:
                raise NotARecording("a track that is not audio")
        elif element_id == _CODEC_ID:
            codecs.append(data[start:end].decode("ascii").rstrip("\0"))
        elif element_id == _CLUSTER_TIMECODE:
            cluster_time = _uint(data, start, end)
        elif element_id in (_SIMPLE_BLOCK, _BLOCK) and cluster_time is not None:
            _track, track_length, _ = _vint(data, start, keep_marker=False)
            (relative,) = struct.unpack(">h", data[start + track_length : start + track_length + 2])
            block_time = cluster_time + relative
            last_block = block_time if last_block is None else max(last_block, block_time)
    if not codecs or any(codec != "A_OPUS" for codec in codecs):
        raise NotARecording("not Opus audio")
    seconds = []
    if declared is not None:
        seconds.append(declared * scale / 1e9)
    if last_block is not None:
        seconds.append(last_block * scale / 1e9 + _LAST_FRAME_SECONDS)
    if not seconds:
        raise NotARecording("no audio in the file")
    return max(seconds)


# --- Ogg ---------------------------------------------------------------------------------------

_PAGE_HEADER = struct.Struct("<4sBBqIIIB")


def _ogg_duration(data):
    pos, pre_skip, last_granule, serial = 0, None, None, None
    while pos < len(data):
        magic, version, _flags, granule, page_serial, _seq, _crc, segments = (
            _PAGE_HEADER.unpack_from(data, pos)
        )
        if magic != OGG_MAGIC or version != 0:
            raise NotARecording("bad Ogg page")
        table = pos + _PAGE_HEADER.size
        body = table + segments
        body_end = body + sum(data[table:body])
        if body_end > len(data) or len(data[table:body]) != segments:
            break  # a last page cut short: the pages before it count
        if pre_skip is None:
            if data[body : body + 8] != b"OpusHead":
                raise NotARecording("not Opus audio")
            (pre_skip,) = struct.unpack_from("<H", data, body + 10)
            serial = page_serial
        elif page_serial != serial:
            raise NotARecording("more than one stream")
        elif granule >= 0:  # -1: no packet ends on this page
            last_granule = granule
        pos = body_end
    if last_granule is None:
        raise NotARecording("no audio in the file")
    return max(last_granule - pre_skip, 0) / _OPUS_RATE
