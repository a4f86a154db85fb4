"""A .qdpx archive read with bounds: an untrusted upload must not unpack to gigabytes.

The archive's size is checked first; then each member is read in chunks, counting the bytes
it actually unpacks to (not what its header claims), and refused as soon as the total passes
`max_unpacked_bytes` or the member's ratio to its packed size passes `max_ratio` (the same
rule as for docx transcripts, `analysis.transcripts.formats.docx`): memory stays at what the
limits allow whatever the headers say.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from analysis.qda.refi import QdaError, QdaTooLarge

_CHUNK = 64 * 1024
# Below this many unpacked bytes a ratio says nothing (a short XML compresses very well).
RATIO_FLOOR = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ProjectLimits:
    """Bounds of one .qdpx: far above a real project of interviews (a few MB), low enough
    that a hostile archive is refused before it costs memory or minutes."""

    max_archive_bytes: int = 100 * 1024 * 1024
    max_unpacked_bytes: int = 200 * 1024 * 1024  # all members read, actually unpacked
    max_ratio: int = 100  # unpacked over packed, per member past RATIO_FLOOR
    max_members: int = 10_000
    max_sources: int = 1_000
    max_selections: int = 200_000
    max_source_chars: int = 1_000_000  # one source's text, as for an uploaded transcript


DEFAULT_PROJECT_LIMITS = ProjectLimits()


class QdpxArchive:
    """The members of a .qdpx, each read once with its actual size bounded."""

    def __init__(self, data: bytes, limits: ProjectLimits):
        if len(data) > limits.max_archive_bytes:
            raise QdaTooLarge("bytes", limits.max_archive_bytes)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise QdaError("not a .qdpx (zip) archive") from None
        infos = self.zip.infolist()
        if len(infos) > limits.max_members:
            raise QdaTooLarge("members", limits.max_members)
        self.limits = limits
        self.unpacked = 0
        self.by_name = {info.filename.lower(): info for info in infos if not info.is_dir()}

    def project_member(self) -> zipfile.ZipInfo:
        names = sorted(n for n in self.by_name if n.endswith(".qde") and "/" not in n)
        if "project.qde" in names:
            return self.by_name["project.qde"]
        if not names:
            raise QdaError("no project.qde in the archive")
        return self.by_name[names[0]]

    def source(self, path: str) -> bytes | None:
        """The member an ``internal://name`` path names (in sources/ or Sources/)."""
        name = path.removeprefix("internal://").lstrip("/").lower()
        info = self.by_name.get(f"sources/{name}") or self.by_name.get(name)
        return self.read(info) if info is not None else None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        chunks, size = [], 0
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    self.unpacked += len(chunk)
                    if self.unpacked > self.limits.max_unpacked_bytes:
                        raise QdaTooLarge("unpacked bytes", self.limits.max_unpacked_bytes)
                    if size > RATIO_FLOOR and size > self.limits.max_ratio * max(
                        info.compress_size, 1
                    ):
                        raise QdaTooLarge("compression ratio", self.limits.max_ratio)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise QdaError(f"damaged archive member {info.filename} ({error})") from error
        return b"".join(chunks)
