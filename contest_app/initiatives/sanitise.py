"""Copies of attachments for judges, without the metadata that names their author.

An uploaded file carries more than its visible content: a PDF's document information and XMP
packet (author, creator tool, company), an Office file's `docProps/` parts (creator, last
modified by, company, manager, custom properties) and comment or tracked-change authors, a
photo's EXIF/XMP (artist, owner, camera serial, GPS). Judges review blind, so they only ever
download the copy made here; organisers and the author keep the original.

`sanitise(kind, data)` is pure (bytes in, bytes out) and raises `Unsanitisable` for a file it
cannot read: such a file is refused at upload, since judges must be able to read every
attachment they score."""

from __future__ import annotations

import io
import zipfile

from ..domain import DomainError

NEUTRAL = "Tác giả ẩn danh"
# Zip members written with a fixed time: the original times can tell who saved the file when.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Refuse Office files that inflate beyond this (a zip bomb would exhaust memory).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# Refuse images larger than this before decoding them (a small file can hold huge pixels).
MAX_IMAGE_PIXELS = 50_000_000


class Unsanitisable(DomainError):
    """The file is of an allowed kind but cannot be read to make a judge's copy."""

    code = "initiative_unsanitisable"


def sanitise(kind: str, data: bytes) -> bytes:
    """The judge's copy of an attachment of this kind ('pdf', 'docx', 'xlsx', 'jpg', 'png')."""
    cleaners = {"pdf": _pdf, "docx": _office, "xlsx": _office, "pptx": _office,
                "jpg": _image, "png": _image}
    cleaner = cleaners.get(kind)
    if cleaner is None:
        raise Unsanitisable(kind=kind)
    try:
        return cleaner(data, kind)
    except Unsanitisable:
        raise
    except Exception as err:  # any parser failure means: no safe copy can be made
        raise Unsanitisable(kind=kind) from err


# --- PDF ------------------------------------------------------------------------------------

# Keys dropped wherever they appear: XMP packets (on the catalog, pages, images, fonts),
# application private data, and page-level actions.
_PDF_OBJECT_KEYS = ("/Metadata", "/PieceInfo", "/AA")
# Keys dropped from the catalog: scripts and actions run on opening, embedded files.
_PDF_ROOT_KEYS = ("/Metadata", "/OpenAction", "/AA", "/PieceInfo", "/SpiderInfo", "/Threads")
_PDF_NAME_TREES = ("/JavaScript", "/EmbeddedFiles")


def _pdf(data: bytes, kind: str) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        root = pdf.Root
        for key in _PDF_ROOT_KEYS:
            if key in root:
                del root[key]
        names = root.get("/Names")
        if isinstance(names, pikepdf.Dictionary):
            for key in _PDF_NAME_TREES:
                if key in names:
                    del names[key]
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                for key in _PDF_OBJECT_KEYS:
                    if key in obj:
                        del obj[key]
                # Annotations keep their text (it is content) but not who wrote them.
                annotation = obj.get("/Type") == "/Annot" or ("/Subtype" in obj
                                                              and "/Rect" in obj)
                if annotation and "/T" in obj and obj.get("/Subtype") != "/Widget":
                    del obj["/T"]
        out = io.BytesIO()
        # A full rewrite: earlier revisions (incremental updates) are not carried over.
        pdf.remove_unreferenced_resources()
        pdf.save(out, encryption=False, fix_metadata_version=False, deterministic_id=True)
    return out.getvalue()


# --- Office Open XML (docx, xlsx, pptx) -----------------------------------------------------

_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>'
)
# docProps/app.xml elements that name a person or an organisation.
_APP_DROP = {"Company", "Manager", "HyperlinkBase"}
# Attributes naming who commented, revised or edited (w:author on w:ins/w:del/w:comment,
# w15:person, threaded comments, PowerPoint comment authors).
_PERSON_ATTRIBUTES = {"author", "initials", "userId", "displayName", "providerId"}
# Parts dropped altogether: custom properties, and the people list of Word and Excel.
_DROP_PARTS = {"docProps/custom.xml"}
_DROP_PREFIXES = ("customXml/",)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _office(data: bytes, kind: str) -> bytes:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    source = zipfile.ZipFile(io.BytesIO(data))
    members = source.infolist()
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise Unsanitisable(kind=kind, reason="too_large")
    dropped = {m.filename for m in members
               if m.filename in _DROP_PARTS or m.filename.startswith(_DROP_PREFIXES)}
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in members:
            name = member.filename
            if name in dropped or member.is_dir():
                continue
            body = source.read(member)
            if name == "docProps/core.xml":
                body = _CORE
            elif name.endswith((".xml", ".rels")):
                body = _clean_xml(etree, parser, name, body, dropped)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, body)
    return out.getvalue()


def _clean_xml(etree, parser, name: str, body: bytes, dropped: set[str]) -> bytes:
    root = etree.fromstring(body, parser)
    changed = False
    if name == "docProps/app.xml":
        for element in list(root):
            if _local(element.tag) in _APP_DROP:
                root.remove(element)
                changed = True
    elif name == "[Content_Types].xml":
        for element in list(root):
            if element.get("PartName", "").lstrip("/") in dropped:
                root.remove(element)
                changed = True
    elif name.endswith(".rels"):
        for element in list(root):
            target = element.get("Target", "")
            if any(target.lstrip("/").endswith(part) for part in dropped) or \
                    "customXml/" in target:
                root.remove(element)
                changed = True
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in list(element.attrib):
            if _local(attribute) in _PERSON_ATTRIBUTES:
                element.set(attribute, NEUTRAL if _local(attribute) != "initials" else "")
                changed = True
        local = _local(element.tag)
        # Excel legacy comments list their authors as <authors><author>Name</author>.
        if local == "author" and element.getparent() is not None and \
                _local(element.getparent().tag) == "authors":
            element.text = NEUTRAL
            changed = True
        # PowerPoint's comment authors and Excel's persons carry the name in `name`.
        if local in ("cmAuthor", "person") and element.get("name") is not None:
            element.set("name", NEUTRAL)
            changed = True
    if not changed:
        return body
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- Images ---------------------------------------------------------------------------------


def _image(data: bytes, kind: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        expected = "JPEG" if kind == "jpg" else "PNG"
        if opened.format != expected:
            raise Unsanitisable(kind=kind, reason="format")
        if opened.width * opened.height > MAX_IMAGE_PIXELS:
            raise Unsanitisable(kind=kind, reason="too_large")
        opened.load()
        icc = opened.info.get("icc_profile")
        transparency = opened.info.get("transparency")
        # Turn the pixels as the EXIF orientation says, since the tag itself is dropped.
        upright = ImageOps.exif_transpose(opened)
        clean = upright.copy()
    clean.info = {}  # no EXIF, XMP, comments or PNG text chunks are carried over
    options: dict = {}
    if icc:
        options["icc_profile"] = icc  # a colour profile, kept for faithful colours
    out = io.BytesIO()
    if kind == "jpg":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=92, optimize=True, **options)
    else:
        if transparency is not None and clean.mode in ("P", "L", "RGB"):
            options["transparency"] = transparency
        clean.save(out, "PNG", optimize=True, **options)
    return out.getvalue()
