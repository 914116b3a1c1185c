"""Blind review through attachments: the bytes a judge downloads carry none of the author's
name, e-mail or unit from the file's metadata (PDF /Info and XMP, Office docProps and comment
or revision authors, image EXIF/XMP/comments/text chunks), while the organiser and the author
still get the original. A file stored before judges' copies existed is never served raw to a
judge, and a file of which no clean copy can be made is refused at upload."""

from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.initiatives import files as filestore
from contest_app.initiatives.models import Initiative, InitiativeFile, ReviewAssignment
from tests.integration.initiatives.conftest import (
    AUTHOR_EMAIL,
    AUTHOR_NAME,
    AUTHOR_UNIT,
    make_initiative,
    post,
)

ASCII_NAME = "Dinh Thi Tac Gia"
ASCII_UNIT = "UBND xa Hoa Thang Bi Mat"
SECRETS = [AUTHOR_NAME, AUTHOR_EMAIL, AUTHOR_UNIT, ASCII_NAME, ASCII_UNIT, "tacgia.bimat"]

FORM = {
    "title": "Số hoá hồ sơ một cửa", "field": "Cải cách thủ tục hành chính",
    "problem": "Hồ sơ giấy.", "solution": "Số hoá.", "benefits": "Nhanh hơn.",
    "action": "submit",
}


# --- Files that name their author only in metadata ------------------------------------------


def pdf_with_metadata() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.docinfo["/Author"] = AUTHOR_NAME
    pdf.docinfo["/Creator"] = AUTHOR_EMAIL
    pdf.docinfo["/Producer"] = AUTHOR_UNIT
    pdf.docinfo["/Title"] = f"Thuyết minh của {ASCII_NAME}"
    pdf.docinfo["/Subject"] = ASCII_UNIT
    pdf.docinfo["/Keywords"] = "tacgia.bimat"
    xmp = (f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
           f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
           f'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
           f'xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><dc:creator><rdf:Seq><rdf:li>{AUTHOR_NAME}'
           f'</rdf:li></rdf:Seq></dc:creator><pdf:Producer>{AUTHOR_UNIT} {AUTHOR_EMAIL}'
           f'</pdf:Producer></rdf:Description></rdf:RDF></x:xmpmeta>'
           f'<?xpacket end="w"?>').encode()
    stream = pikepdf.Stream(pdf, xmp)
    stream["/Type"], stream["/Subtype"] = pikepdf.Name.Metadata, pikepdf.Name.XML
    pdf.Root.Metadata = pdf.make_indirect(stream)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with_metadata() -> bytes:
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType'
            '="application/xml"/><Override PartName="/word/document.xml" ContentType="application'
            '/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override '
            'PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
            'core-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
            'Target="docProps/custom.xml"/></Relationships>',
        "docProps/core.xml":
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.'
            'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org'
            f'/dc/elements/1.1/"><dc:creator>{AUTHOR_NAME}</dc:creator><cp:lastModifiedBy>'
            f'{AUTHOR_EMAIL}</cp:lastModifiedBy><dc:description>{AUTHOR_UNIT}</dc:description>'
            '</cp:coreProperties>',
        "docProps/app.xml":
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.'
            'openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft'
            f' Office Word</Application><Company>{AUTHOR_UNIT}</Company><Manager>{ASCII_NAME}'
            '</Manager></Properties>',
        "docProps/custom.xml":
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.'
            'openxmlformats.org/officeDocument/2006/custom-properties"><property name="Email">'
            f'{AUTHOR_EMAIL}</property></Properties>',
        "word/document.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body><w:p>'
            f'<w:ins w:id="1" w:author="{AUTHOR_NAME}"><w:r><w:t>Nội dung giải pháp</w:t></w:r>'
            '</w:ins></w:p></w:body></w:document>',
        "word/comments.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><w:comments xmlns:w="{W}"><w:comment '
            f'w:id="0" w:author="{ASCII_NAME}" w:initials="DTTG"><w:p><w:r><w:t>Góp ý</w:t>'
            '</w:r></w:p></w:comment></w:comments>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (4, 2), (20, 120, 200))
    exif = Image.Exif()
    exif[0x013B] = ASCII_NAME  # Artist
    exif[0x8298] = AUTHOR_EMAIL  # Copyright
    exif[0x010E] = ASCII_UNIT  # ImageDescription
    exif[0x9C9D] = AUTHOR_NAME.encode("utf-16-le") + b"\0\0"  # XPAuthor
    exif[0x0112] = 6  # Orientation: shown turned 90° clockwise
    xmp = f"<x:xmpmeta><dc:creator>{AUTHOR_NAME}</dc:creator></x:xmpmeta>".encode()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=xmp, comment=AUTHOR_UNIT.encode())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", ASCII_NAME)
    info.add_itxt("Description", f"{AUTHOR_UNIT} {AUTHOR_EMAIL}")
    out = io.BytesIO()
    Image.new("RGB", (3, 3), (0, 0, 0)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


# --- Looking for the author in every readable form of a file --------------------------------


def readable(kind: str, data: bytes) -> list[bytes]:
    """The raw bytes and, for containers, everything inside them decompressed."""
    found = [data]
    if kind == "pdf":
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    found.append(obj.read_bytes())
                else:
                    found.append(repr(obj).encode())
            found.append(repr(pdf.trailer).encode())
    elif kind in ("docx", "xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            found += [archive.read(n) for n in archive.namelist()]
            found.append(archive.comment)
    else:
        with Image.open(io.BytesIO(data)) as image:
            found.append(repr(image.info).encode())
            found.append(repr(dict(image.getexif())).encode())
    return found


def leaks(kind: str, data: bytes) -> list[str]:
    hits = []
    for blob in readable(kind, data):
        for secret in SECRETS:
            for encoding in ("utf-8", "utf-16-be", "utf-16-le"):
                if secret.encode(encoding) in blob:
                    hits.append(f"{secret!r} ({encoding})")
    return sorted(set(hits))


SAMPLES = [
    ("pdf", "thuyet-minh.pdf", pdf_with_metadata),
    ("docx", "thuyet-minh.docx", docx_with_metadata),
    ("jpg", "anh-minh-hoa.jpg", jpeg_with_exif),
    ("png", "so-do.png", png_with_text),
]


@pytest.mark.parametrize(("kind", "name", "build"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_samples_do_carry_the_author_in_their_metadata(kind, name, build) -> None:
    """The samples are meaningful: before cleaning, the author is in their bytes."""
    assert leaks(kind, build())


def _upload(app, client_for, world, name: str, data: bytes) -> tuple[int, int]:
    author = client_for(world.author)
    response = post(author, f"/sang-kien/dot/{world.call_id}/gui",
                    {**FORM, "files": [(io.BytesIO(data), name)]},
                    page=f"/sang-kien/dot/{world.call_id}/gui",
                    content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        row = db.session.scalar(select(InitiativeFile))
        db.session.add(ReviewAssignment(initiative_id=row.initiative_id, judge_id=world.judge1.id))
        db.session.commit()
        return row.initiative_id, row.id


@pytest.mark.parametrize(("kind", "name", "build"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_judge_download_carries_nothing_of_the_author(app, client_for, world, kind, name,
                                                      build) -> None:
    original = build()
    item_id, file_id = _upload(app, client_for, world, name, original)
    download = client_for(world.judge1).get(f"/sang-kien/tep/{file_id}")
    assert download.status_code == 200
    assert leaks(kind, download.data) == []
    assert filestore.sniff(download.data) == kind  # still a file of the same kind
    ext = filestore.KINDS[kind][0][0]
    assert f"sang-kien-{item_id}-tep-1{ext}" in download.headers["Content-Disposition"]
    # Organiser and author keep the original, byte for byte, under its uploaded name.
    for person in (world.organiser, world.author):
        own = client_for(person).get(f"/sang-kien/tep/{file_id}")
        assert own.status_code == 200 and own.data == original


def test_judge_copy_keeps_the_content(app, client_for, world) -> None:
    _, file_id = _upload(app, client_for, world, "d.docx", docx_with_metadata())
    copy = client_for(world.judge1).get(f"/sang-kien/tep/{file_id}").data
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        assert "Nội dung giải pháp" in archive.read("word/document.xml").decode()
        assert "docProps/custom.xml" not in archive.namelist()
        # The package stays consistent: nothing points at the removed part.
        assert b"custom.xml" not in archive.read("_rels/.rels")
        assert b"custom.xml" not in archive.read("[Content_Types].xml")


def test_judge_copy_of_a_photo_is_turned_upright(app, client_for, world) -> None:
    _, file_id = _upload(app, client_for, world, "a.jpg", jpeg_with_exif())
    copy = client_for(world.judge1).get(f"/sang-kien/tep/{file_id}").data
    with Image.open(io.BytesIO(copy)) as image:
        assert image.size == (2, 4)  # the EXIF orientation is applied, then dropped
        assert 0x0112 not in image.getexif()


def test_file_stored_before_judge_copies_is_never_served_raw(app, clock, client_for,
                                                             world) -> None:
    original = pdf_with_metadata()
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        stored = filestore.store(filestore.upload_dir(app.instance_path), original)
        row = InitiativeFile(initiative_id=item_id, original_name="cu.pdf", stored_name=stored,
                             kind="pdf", size=len(original), sha256="0" * 64)
        db.session.add(row)
        db.session.add(ReviewAssignment(initiative_id=item_id, judge_id=world.judge1.id))
        db.session.commit()
        file_id = row.id
    judge = client_for(world.judge1)
    first = judge.get(f"/sang-kien/tep/{file_id}")
    assert first.status_code == 200 and leaks("pdf", first.data) == []
    assert judge.get(f"/sang-kien/tep/{file_id}").data == first.data  # the copy is kept
    assert client_for(world.organiser).get(f"/sang-kien/tep/{file_id}").data == original


def test_legacy_file_that_cannot_be_cleaned_is_not_given_to_judges(app, clock, client_for,
                                                                   world) -> None:
    broken = b"%PDF-1.4\n" + AUTHOR_NAME.encode() + b"\nkhong phai PDF that\n"
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        stored = filestore.store(filestore.upload_dir(app.instance_path), broken)
        row = InitiativeFile(initiative_id=item_id, original_name="hong.pdf",
                             stored_name=stored, kind="pdf", size=len(broken), sha256="0" * 64)
        db.session.add(row)
        db.session.add(ReviewAssignment(initiative_id=item_id, judge_id=world.judge1.id))
        db.session.commit()
        file_id = row.id
    response = client_for(world.judge1).get(f"/sang-kien/tep/{file_id}")
    assert response.status_code == 404
    assert AUTHOR_NAME.encode() not in response.data
    assert "bản ẩn danh" in response.get_data(as_text=True)
    assert client_for(world.organiser).get(f"/sang-kien/tep/{file_id}").data == broken


def test_file_that_cannot_be_cleaned_is_refused_at_upload(app, client_for, world) -> None:
    broken = b"%PDF-1.4\n" + AUTHOR_NAME.encode() + b"\nkhong phai PDF that\n"
    response = post(client_for(world.author), f"/sang-kien/dot/{world.call_id}/gui",
                    {**FORM, "files": [(io.BytesIO(broken), "hong.pdf")]},
                    page=f"/sang-kien/dot/{world.call_id}/gui",
                    content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Không đọc được tệp “hong.pdf”" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(InitiativeFile.id))) == 0
        assert db.session.scalar(select(func.count(Initiative.id))) == 0


def test_command_makes_the_missing_judge_copies(app, clock, world) -> None:
    original, broken = pdf_with_metadata(), b"%PDF-1.4\nkhong phai PDF\n"
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        folder = filestore.upload_dir(app.instance_path)
        for name, data in (("cu.pdf", original), ("hong.pdf", broken)):
            db.session.add(InitiativeFile(
                initiative_id=item_id, original_name=name, kind="pdf", size=len(data),
                stored_name=filestore.store(folder, data), sha256="0" * 64))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["initiatives", "judge-copies"])
    assert result.exit_code == 0, result.output
    assert "Đã tạo 1 bản ẩn danh" in result.output and "cho tệp số" in result.output
    with app.app_context():
        good, bad = db.session.scalars(select(InitiativeFile).order_by(InitiativeFile.id))
        assert bad.judge_copy_name is None
        copy = filestore.stored_path(folder, good.judge_copy_name).read_bytes()
        assert leaks("pdf", copy) == []
