"""What may be attached to a post, decided from the file's bytes.

The browser's content type and the file's extension are never trusted: the type is sniffed
from the content (magic numbers; the members of a zip for OOXML and OpenDocument files; the
directory of an OLE2 compound file for legacy Office files), and the extension is made to
agree with it. Anything we do not recognise is refused — HTML and SVG (script vectors) among
them. Only the standard library is used (``zipfile``, ``struct``).

The limits come from settings read at call time:

* ``TRIPARTITE_ATTACHMENT_MAX_BYTES`` — per file, default 10 MiB;
* ``TRIPARTITE_ATTACHMENTS_PER_POST`` — per post, default 5.
"""

from __future__ import annotations

import os
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_PER_POST = 5
# Bytes read to sniff a file's head; [Content_Types].xml of an OOXML file is read up to this.
HEAD_BYTES = 8192
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_NAME_LENGTH = 120


def max_bytes() -> int:
    return int(getattr(settings, "TRIPARTITE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_per_post() -> int:
    return int(getattr(settings, "TRIPARTITE_ATTACHMENTS_PER_POST", DEFAULT_PER_POST))


@dataclass(frozen=True)
class Kind:
    """One accepted type: its MIME type, its extensions (the first is the canonical one) and a
    short label for people."""

    content_type: str
    extensions: tuple[str, ...]
    label: Promise

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


PDF = Kind("application/pdf", ("pdf",), gettext_lazy("PDF document"))
PNG = Kind("image/png", ("png",), gettext_lazy("PNG image"))
JPEG = Kind("image/jpeg", ("jpg", "jpeg"), gettext_lazy("JPEG image"))
GIF = Kind("image/gif", ("gif",), gettext_lazy("GIF image"))
WEBP = Kind("image/webp", ("webp",), gettext_lazy("WebP image"))
DOCX = Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
    gettext_lazy("Word document"),
)
XLSX = Kind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
    gettext_lazy("Excel spreadsheet"),
)
PPTX = Kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
    gettext_lazy("PowerPoint presentation"),
)
ODT = Kind("application/vnd.oasis.opendocument.text", ("odt",), gettext_lazy("OpenDocument text"))
ODS = Kind(
    "application/vnd.oasis.opendocument.spreadsheet",
    ("ods",),
    gettext_lazy("OpenDocument spreadsheet"),
)
ODP = Kind(
    "application/vnd.oasis.opendocument.presentation",
    ("odp",),
    gettext_lazy("OpenDocument presentation"),
)
DOC = Kind("application/msword", ("doc",), gettext_lazy("Word 97–2003 document"))
XLS = Kind("application/vnd.ms-excel", ("xls",), gettext_lazy("Excel 97–2003 spreadsheet"))
PPT = Kind(
    "application/vnd.ms-powerpoint", ("ppt",), gettext_lazy("PowerPoint 97–2003 presentation")
)
TEXT = Kind("text/plain", ("txt",), gettext_lazy("Plain text"))
CSV = Kind("text/csv", ("csv",), gettext_lazy("CSV table"))

KINDS: tuple[Kind, ...] = (
    PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT, TEXT, CSV,
)  # fmt: skip
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}

# What the file chooser offers (a convenience only: the server sniffs every file).
ACCEPT = ",".join(f".{ext}" for kind in KINDS for ext in kind.extensions)


def kind_for(content_type: str) -> Kind | None:
    return BY_CONTENT_TYPE.get(content_type)


# --- Sniffing ---------------------------------------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# The main part of each OOXML type, as [Content_Types].xml declares it. Macro-enabled
# variants (docm, xlsm, pptm) declare other types and are not accepted.
OOXML_MAIN_PARTS = (
    (DOCX, "word/document.xml", b"wordprocessingml.document.main+xml"),
    (XLSX, "xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
    (PPTX, "ppt/presentation.xml", b"presentationml.presentation.main+xml"),
)
ODF_MIMETYPES = {ODT.content_type: ODT, ODS.content_type: ODS, ODP.content_type: ODP}
# Stream names in an OLE2 file's directory that identify the legacy Office formats.
OLE2_STREAMS = (
    (DOC, {"WordDocument"}),
    (XLS, {"Workbook", "Book"}),
    (PPT, {"PowerPoint Document"}),
)
# Text that a browser (or a careless viewer) might treat as markup.
MARKUP_START = re.compile(rb"^\s*(<|\xef\xbb\xbf\s*<)", re.ASCII)


def sniff(file: IO[bytes], name: str = "") -> Kind | None:
    """The kind of ``file`` judged from its bytes, or None if it is not one we accept.

    ``name`` matters only for text, which has no magic number: a file named ``.csv`` that is
    valid UTF-8 text is a CSV table, any other name makes it plain text (and only if the name
    ends in ``.txt`` or ``.csv`` — text under another name is refused)."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(file)
    if head.startswith(OLE2_MAGIC):
        return _sniff_ole2(file)
    return _sniff_text(file, head, name)


def _sniff_zip(file: IO[bytes]) -> Kind | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            infos = archive.infolist()
            # OpenDocument: the first member is "mimetype", stored uncompressed.
            if infos and infos[0].filename == "mimetype" and infos[0].file_size < 100:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODF_MIMETYPES.get(mimetype)
            if "[Content_Types].xml" not in names:
                return None
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None  # macros
            with archive.open("[Content_Types].xml") as manifest:
                types = manifest.read(MAX_MANIFEST_BYTES)
            for kind, part, main_type in OOXML_MAIN_PARTS:
                if part in names and main_type in types:
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None
    finally:
        file.seek(0)
    return None


def _sniff_ole2(file: IO[bytes]) -> Kind | None:
    names = _ole2_stream_names(file)
    file.seek(0)
    for kind, streams in OLE2_STREAMS:
        if names & streams:
            return kind
    return None  # e.g. an encrypted OOXML file, an installer, a mail message


def _ole2_stream_names(file: IO[bytes], max_entries: int = 4096) -> set[str]:
    """Names in a compound file's directory (MS-CFB): the header gives the sector size, the
    first 109 FAT sectors and the directory's first sector; the directory is a FAT chain of
    128-byte entries. Malformed files give an empty set."""
    try:
        file.seek(0)
        header = file.read(512)
        if len(header) < 512:
            return set()
        sector_shift = struct.unpack_from("<H", header, 30)[0]
        if sector_shift not in (9, 12):
            return set()
        sector_size = 1 << sector_shift
        first_dir = struct.unpack_from("<I", header, 48)[0]
        difat = struct.unpack_from("<109I", header, 76)

        def read_sector(number: int) -> bytes:
            file.seek((number + 1) * sector_size)
            return file.read(sector_size)

        fat: list[int] = []
        for sector in difat:
            if sector >= 0xFFFFFFFA:
                break
            data = read_sector(sector)
            fat.extend(struct.unpack_from(f"<{len(data) // 4}I", data))
        names: set[str] = set()
        sector, seen = first_dir, set()
        while sector < 0xFFFFFFFA and sector not in seen and len(names) < max_entries:
            seen.add(sector)
            data = read_sector(sector)
            for offset in range(0, len(data) - 127, 128):
                length = struct.unpack_from("<H", data, offset + 64)[0]
                if 2 <= length <= 64:
                    raw = data[offset : offset + length - 2]
                    names.add(raw.decode("utf-16-le", "replace"))
            if sector >= len(fat):
                break
            sector = fat[sector]
        return names
    except (struct.error, OSError, ValueError):
        return set()


def _sniff_text(file: IO[bytes], head: bytes, name: str) -> Kind | None:
    extension = _extension(name)
    if extension not in ("txt", "csv"):
        return None
    if b"\x00" in head or MARKUP_START.match(head):
        return None
    data = file.read(max_bytes() + 1)
    file.seek(0)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return CSV if extension == "csv" else TEXT


# --- Names -----------------------------------------------------------------------------------

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lstrip(".").lower()


def clean_name(name: str, kind: Kind) -> str:
    """The name kept for the download: no path, no control characters, NFC, at most
    ``MAX_NAME_LENGTH`` characters, and an extension that agrees with ``kind`` (replaced when
    it does not: ``report.png`` that is a PDF becomes ``report.pdf``). Extensions are
    lower-cased."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = _UNSAFE_NAME.sub(" ", name)
    # Invisible formatting characters (category Cf: right-to-left override, zero-width
    # joiners...) could make "report\u202efdp.exe" display as something else.
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cf").strip().strip(".")
    stem, dot_ext = os.path.splitext(name)
    extension = dot_ext.lstrip(".").lower()
    if extension not in kind.extensions:
        # Something that looks like a type's extension is replaced ("report.png" that is a
        # PDF becomes "report.pdf"); anything else is part of the name ("v2.1" + ".pdf").
        if not re.fullmatch(r"[a-z0-9]{1,5}", extension):
            stem = name
        extension = kind.extensions[0]
    stem = stem.strip() or _("attachment")
    return f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"


def _ascii_fallback(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._ ()\-]+", "_", text).strip()


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266 with an RFC 5987 ``filename*`` for names in any script (Japanese, Lao...),
    and an ASCII ``filename`` for old clients ("attachment.pdf" when nothing of the name is
    ASCII)."""
    stem, extension = os.path.splitext(name)
    fallback = (_ascii_fallback(stem) or "attachment") + _ascii_fallback(extension)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- Validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: its content, the name to keep, its kind and size."""

    file: IO[bytes]
    name: str
    kind: Kind
    size: int


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def check_file(upload) -> CheckedFile:
    """Validate one uploaded file (a Django ``UploadedFile`` or any named binary file);
    ValidationError with a message naming the file otherwise."""
    original = getattr(upload, "name", "") or ""
    shown = os.path.basename(original.replace("\\", "/")) or _("attachment")
    size = _size_of(upload)
    limit = max_bytes()
    if size == 0:
        raise ValidationError(
            _("“%(name)s” is empty."), code="attachment_empty", params={"name": shown}
        )
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s); each file may be at most %(limit)s."),
            code="attachment_too_large",
            params={"name": shown, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    kind = sniff(upload, original)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a type we accept. Attach PDF, PNG, JPEG, GIF or WebP images, "
                "Word, Excel or PowerPoint files, OpenDocument files, or plain text (.txt, .csv)."
            ),
            code="attachment_type",
            params={"name": shown},
        )
    upload.seek(0)
    return CheckedFile(file=upload, name=clean_name(original, kind), kind=kind, size=size)


def check_files(uploads: Iterable, *, already: int = 0) -> list[CheckedFile]:
    """Validate the files for one post (``already``: how many it has). Every problem is
    reported at once, so a person fixes them in one go."""
    uploads = [upload for upload in uploads if upload]
    limit = max_per_post()
    errors: list[ValidationError] = []
    if already + len(uploads) > limit:
        errors.append(
            ValidationError(
                _("A post may have at most %(limit)d attachments."),
                code="too_many_attachments",
                params={"limit": limit},
            )
        )
    checked = []
    for upload in uploads:
        try:
            checked.append(check_file(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked


# --- Reading (for pages that already decided which posts the viewer sees) ----------------------


def attachments_by_post(post_ids: list[int]) -> dict[int, list]:
    """One query: the attachments of each post, in upload order (posts without any get an
    empty list). The caller shows them only where it shows the post's text."""
    from forums.models import PostAttachment

    grouped: dict[int, list] = {pk: [] for pk in post_ids}
    if grouped:
        rows = (
            PostAttachment.objects.filter(post_id__in=post_ids)
            .only("pk", "post_id", "original_name", "content_type", "size")
            .order_by("post_id", "pk")
        )
        for attachment in rows:
            grouped[attachment.post_id].append(attachment)
    return grouped
