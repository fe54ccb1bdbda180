"""Forum attachments: what is accepted (sniffed from the bytes), how it is stored (the storage
API, random names), who may download it (exactly those who may read the post's text, 404 for
everyone else) and how it is served (headers that stop a browser from running it)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forums import attachments as rules
from forums import permissions, services
from forums.models import Post, PostAttachment, Thread
from tests.forums.canary import canary_pdf, seed_forum_canary
from tests.forums.test_permissions import ROLES, fresh
from tests.forums.test_views import login
from tests.world import CANARY

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML_BYTES = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_BYTES = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def ooxml(main_part: str, main_type: str, *, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{main_part}" ContentType="{main_type}"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def ole2(*streams: str) -> bytes:
    """A minimal compound file: header, one directory sector (root + ``streams``), one FAT
    sector."""
    header = bytearray(512)
    header[:8] = rules.OLE2_MAGIC
    struct.pack_into("<HH", header, 26, 3, 0xFFFE)  # major version 3, little-endian
    struct.pack_into("<H", header, 30, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 0)  # directory starts at sector 0
    difat = [1] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 76, *difat)
    directory = bytearray(512)
    for index, name in enumerate(("Root Entry", *streams)):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[index * 128 : index * 128 + len(encoded)] = encoded
        struct.pack_into("<H", directory, index * 128 + 64, len(encoded))
    fat = struct.pack("<128I", 0xFFFFFFFE, 0xFFFFFFFD, *([0xFFFFFFFF] * 126))
    return bytes(header) + bytes(directory) + fat


# --- What is accepted ---------------------------------------------------------------------------

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@pytest.mark.parametrize(
    ("name", "data", "content_type", "kept_name"),
    [
        ("report.pdf", PDF_BYTES, "application/pdf", "report.pdf"),
        ("photo.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg", "photo.jpeg"),
        ("chart.png", PNG_BYTES, "image/png", "chart.png"),
        ("anim.gif", b"GIF89a" + b"\x00" * 16, "image/gif", "anim.gif"),
        ("pic.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp", "pic.webp"),
        (
            "minutes.docx",
            ooxml("word/document.xml", DOCX_TYPE),
            rules.DOCX.content_type,
            "minutes.docx",
        ),
        (
            "budget.xlsx",
            ooxml(
                "xl/workbook.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            ),
            rules.XLSX.content_type,
            "budget.xlsx",
        ),
        (
            "slides.pptx",
            ooxml(
                "ppt/presentation.xml",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
            ),
            rules.PPTX.content_type,
            "slides.pptx",
        ),
        ("notes.odt", odf(rules.ODT.content_type), rules.ODT.content_type, "notes.odt"),
        ("sheet.ods", odf(rules.ODS.content_type), rules.ODS.content_type, "sheet.ods"),
        ("old.doc", ole2("WordDocument", "1Table"), "application/msword", "old.doc"),
        ("old.xls", ole2("Workbook"), "application/vnd.ms-excel", "old.xls"),
        (
            "old.ppt",
            ole2("Current User", "PowerPoint Document"),
            "application/vnd.ms-powerpoint",
            "old.ppt",
        ),
        ("data.csv", "country,wage\nइंडिया,100\n".encode(), "text/csv", "data.csv"),
        ("賃金の表.txt", "最低賃金について".encode(), "text/plain", "賃金の表.txt"),
        # The type comes from the bytes; the extension is made to agree with it.
        ("report.png", PDF_BYTES, "application/pdf", "report.pdf"),
        (
            "minutes.pdf",
            ooxml("word/document.xml", DOCX_TYPE),
            rules.DOCX.content_type,
            "minutes.docx",
        ),
        ("noextension", PNG_BYTES, "image/png", "noextension.png"),
        ("../../etc/passwd.pdf", PDF_BYTES, "application/pdf", "passwd.pdf"),
        # A right-to-left override would show "report\u202efdp.png" as "reportgnp.pdf".
        ("report\u202efdp.png", PDF_BYTES, "application/pdf", "reportfdp.pdf"),
    ],
)
def test_a_file_is_judged_by_its_bytes_and_keeps_a_name_that_agrees(
    name, data, content_type, kept_name
):
    checked = rules.check_file(upload(name, data, content_type="image/png"))
    assert checked.kind.content_type == content_type
    assert checked.name == kept_name
    assert checked.size == len(data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("invoice.pdf", HTML_BYTES),  # HTML named as a PDF
        ("page.html", HTML_BYTES),
        ("notes.txt", HTML_BYTES),  # markup is refused as text too
        ("logo.svg", SVG_BYTES),
        ("logo.png", SVG_BYTES),
        ("macro.docx", ooxml("word/document.xml", DOCX_TYPE, macro=True)),
        ("archive.zip", odf("application/zip")),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 40),
        ("setup.doc", ole2("\x05SummaryInformation")),  # an OLE2 file with no Office stream
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("binary.txt", b"\x00\x01\x02garbage"),
        ("latin1.txt", "café".encode("latin-1")),
        ("readme.md", b"# Just text, but not a .txt or .csv"),
    ],
)
def test_anything_unrecognised_is_refused_with_a_message_naming_the_file(name, data):
    with pytest.raises(ValidationError) as caught:
        rules.check_file(upload(name, data, content_type="application/pdf"))
    assert caught.value.code == "attachment_type"
    assert name.rsplit("/", 1)[-1] in caught.value.messages[0]
    assert "not a type we accept" in caught.value.messages[0]


def test_a_file_over_the_size_limit_or_empty_is_refused(settings):
    settings.TRIPARTITE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        rules.check_file(upload("big.pdf", PDF_BYTES + b"x" * 2000))
    assert caught.value.messages == [
        "“big.pdf” is too large (2.0\xa0KB); each file may be at most 1.0\xa0KB."
    ]
    with pytest.raises(ValidationError, match="is empty"):
        rules.check_file(upload("empty.pdf", b""))


def test_every_problem_of_a_post_is_reported_at_once(settings):
    settings.TRIPARTITE_ATTACHMENTS_PER_POST = 2
    files = [upload("a.pdf", PDF_BYTES), upload("b.html", HTML_BYTES), upload("c.svg", SVG_BYTES)]
    with pytest.raises(ValidationError) as caught:
        rules.check_files(files)
    messages = caught.value.messages
    assert messages[0] == "A post may have at most 2 attachments."
    assert len(messages) == 3 and "b.html" in messages[1] and "c.svg" in messages[2]


def test_content_disposition_carries_names_in_any_script():
    japanese = rules.content_disposition("賃金 報告.pdf", inline=False)
    assert japanese.startswith('attachment; filename="')
    assert f"filename*=UTF-8''{quote('賃金 報告.pdf', safe='')}" in japanese
    lao = rules.content_disposition("ຄ່າແຮງ.xlsx", inline=True)
    assert lao.startswith("inline; ") and "%E0%BA" in lao
    assert 'filename="attachment.xlsx"' in lao  # an ASCII fallback for old clients
    quoted = rules.content_disposition('a"b\\c.pdf', inline=False)
    assert 'filename="a_b_c.pdf"' in quoted


# --- Posting with files ---------------------------------------------------------------------------


@pytest.fixture
def public_thread(forum):
    return services.start_thread(
        author=forum.user("member"),
        space=forum.space("in"),
        title="Minimum wage review",
        body="What do we propose?",
    )


def test_a_member_starts_a_thread_with_files_and_readers_see_and_download_them(client, forum):
    login(client, forum.user("member"))
    url = reverse("forums:new_thread", args=[forum.space("in").slug])
    form = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and "multiple" in form
    response = client.post(
        url,
        {
            "title": "Wage data",
            "body": "Tables attached.",
            "language": "en",
            "attachments": [upload("賃金.pdf", PDF_BYTES), upload("chart.png", PNG_BYTES)],
        },
    )
    assert response.status_code == 302
    thread = Thread.objects.get(title="Wage data")
    files = list(PostAttachment.objects.filter(post__thread=thread).order_by("pk"))
    assert [(a.original_name, a.content_type, a.size) for a in files] == [
        ("賃金.pdf", "application/pdf", len(PDF_BYTES)),
        ("chart.png", "image/png", len(PNG_BYTES)),
    ]
    assert files[0].uploaded_by == forum.user("member")

    client.logout()  # a public space: anyone reads it, files included
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f'href="{files[0].get_absolute_url()}"' in page
    assert (
        "賃金.pdf" in page
        and "PDF document" in page
        and "chart.png" in page
        and "PNG image" in page
    )
    download = client.get(files[0].get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        "attachment; filename=\"attachment.pdf\"; filename*=UTF-8''%E8%B3%83%E9%87%91.pdf"
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert "sandbox" in download["Content-Security-Policy"]
    assert "default-src 'none'" in download["Content-Security-Policy"]
    image = client.get(files[1].get_absolute_url())
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith('inline; filename="chart.png"')


def test_a_pdf_named_png_is_stored_and_served_as_a_pdf(client, forum, public_thread):
    login(client, forum.user("in-workers"))
    client.post(
        reverse("forums:reply", args=[public_thread.pk]),
        {
            "body": "See the report",
            "language": "en",
            "attachments": [upload("report.png", PDF_BYTES, "image/png")],
        },
    )
    attachment = PostAttachment.objects.get(post__thread=public_thread)
    assert (attachment.original_name, attachment.content_type) == (
        "report.pdf",
        "application/pdf",
    )
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="report.pdf"')


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("invoice.pdf", HTML_BYTES)], "“invoice.pdf” is not a type we accept."),
        ([("logo.svg", SVG_BYTES)], "“logo.svg” is not a type we accept."),
        ([("big.pdf", PDF_BYTES + b"x" * 3000)], "“big.pdf” is too large"),
        ([(f"{i}.pdf", PDF_BYTES) for i in range(3)], "A post may have at most 2 attachments."),
    ],
)
def test_a_refused_file_keeps_the_typed_reply_and_posts_nothing(
    client, forum, public_thread, settings, files, message
):
    settings.TRIPARTITE_ATTACHMENT_MAX_BYTES = 2048
    settings.TRIPARTITE_ATTACHMENTS_PER_POST = 2
    login(client, forum.user("in-workers"))
    response = client.post(
        reverse("forums:reply", args=[public_thread.pk]),
        {
            "body": "My long carefully typed reply",
            "language": "en",
            "attachments": [upload(name, data) for name, data in files],
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "My long carefully typed reply</textarea>" in text
    assert "choose the files again" in text
    assert public_thread.posts.count() == 1
    assert not PostAttachment.objects.exists()


def test_the_reply_form_at_the_foot_of_the_thread_takes_files(client, forum, public_thread):
    login(client, forum.user("in-workers"))
    page = client.get(public_thread.get_absolute_url()).content.decode()
    form = re.search(r'<form method="post" action="[^"]*/reply/"[^>]*>', page).group(0)
    assert 'enctype="multipart/form-data"' in form
    assert 'name="attachments"' in page and f'accept="{rules.ACCEPT}"' in page


def test_a_refused_file_in_the_service_rolls_the_new_thread_back(forum):
    with pytest.raises(ValidationError):
        services.start_thread(
            author=forum.user("member"),
            space=forum.space("in"),
            title="T",
            body="b",
            attachments=[upload("ok.pdf", PDF_BYTES), upload("x.html", HTML_BYTES)],
        )
    assert not Thread.objects.filter(title="T").exists()
    assert not PostAttachment.objects.exists()


def test_the_per_post_limit_counts_files_already_attached(forum, public_thread, settings):
    settings.TRIPARTITE_ATTACHMENTS_PER_POST = 2
    post = public_thread.posts.get()
    services.add_attachments(
        post=post, files=[upload("a.pdf", PDF_BYTES)], user=forum.user("member")
    )
    with pytest.raises(ValidationError, match="at most 2 attachments"):
        services.add_attachments(
            post=post,
            files=[upload("b.pdf", PDF_BYTES), upload("c.pdf", PDF_BYTES)],
            user=forum.user("member"),
        )
    assert post.attachments.count() == 1


# --- Editing ------------------------------------------------------------------------------------------


def test_the_author_removes_a_file_and_adds_another_when_editing(
    client, forum, public_thread, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    post = services.reply_to_thread(
        author=forum.user("in-workers"),
        thread=public_thread,
        body="Two files",
        attachments=[upload("old.pdf", PDF_BYTES), upload("keep.png", PNG_BYTES)],
    )
    old, keep = post.attachments.order_by("pk")
    login(client, forum.user("in-workers"))
    url = reverse("forums:edit_post", args=[post.pk])
    form = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form and "old.pdf" in form and "keep.png" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "body": "Two files",
                "language": "en",
                "remove_attachments": [str(old.pk)],
                "attachments": [upload("new.pdf", PDF_BYTES)],
            },
        )
    assert response.status_code == 302
    assert sorted(post.attachments.values_list("original_name", flat=True)) == [
        "keep.png",
        "new.pdf",
    ]
    assert not (tmp_path / old.file.name).exists()  # gone from storage once committed
    assert (tmp_path / keep.file.name).exists()
    assert client.get(old.get_absolute_url()).status_code == 404
    post.refresh_from_db()
    assert post.edited_at is not None
    page = client.get(public_thread.get_absolute_url()).content.decode()
    assert "new.pdf" in page and "old.pdf" not in page


def test_editing_refuses_a_bad_file_or_one_too_many_and_changes_nothing(
    client, forum, public_thread, settings
):
    settings.TRIPARTITE_ATTACHMENTS_PER_POST = 2
    post = services.reply_to_thread(
        author=forum.user("in-workers"),
        thread=public_thread,
        body="Original",
        attachments=[upload("a.pdf", PDF_BYTES), upload("b.pdf", PDF_BYTES)],
    )
    login(client, forum.user("in-workers"))
    url = reverse("forums:edit_post", args=[post.pk])
    for files, message in (
        ([upload("c.pdf", PDF_BYTES)], "A post may have at most 2 attachments."),
        ([upload("page.pdf", HTML_BYTES)], "is not a type we accept."),
    ):
        response = client.post(
            url, {"body": "Changed text", "language": "en", "attachments": files}
        )
        assert response.status_code == 400
        text = response.content.decode()
        assert message in text and "Changed text</textarea>" in text
    post.refresh_from_db()
    assert post.body_markdown == "Original" and post.attachments.count() == 2


def test_only_the_author_changes_a_posts_files(forum, public_thread):
    from django.core.exceptions import PermissionDenied

    post = services.reply_to_thread(
        author=forum.user("in-workers"),
        thread=public_thread,
        body="Mine",
        attachments=[upload("mine.pdf", PDF_BYTES)],
    )
    with pytest.raises(PermissionDenied):
        services.change_post_attachments(
            editor=forum.user("moderator"), post=post, remove=[post.attachments.get().pk]
        )
    assert post.attachments.count() == 1


# --- Storage ------------------------------------------------------------------------------------------


def test_files_go_through_the_storage_api_under_random_names(
    forum, public_thread, settings, tmp_path, client
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    post = services.reply_to_thread(
        author=forum.user("in-workers"),
        thread=public_thread,
        body="file",
        attachments=[upload("Confidential minutes.pdf", PDF_BYTES)],
    )
    attachment = post.attachments.get()
    stored = tmp_path / attachment.file.name
    assert stored.read_bytes() == PDF_BYTES
    assert re.fullmatch(r"forums/attachments/\d{4}/\d{2}/[0-9a-f]{32}", attachment.file.name)
    assert "Confidential" not in attachment.file.name
    assert settings.MEDIA_URL is None  # never a public URL
    response = client.get(attachment.get_absolute_url())
    assert b"".join(response.streaming_content) == PDF_BYTES
    # A file gone from storage answers 404, not a server error.
    stored.unlink()
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_a_failed_write_leaves_no_file_behind(
    forum, public_thread, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    post = public_thread.posts.get()
    original_save = PostAttachment.save
    saves = []

    def fail_second_save(self, *args, **kwargs):
        saves.append(self.file.name)
        if len(saves) == 2:
            raise RuntimeError("database went away")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(PostAttachment, "save", fail_second_save)
    with pytest.raises(RuntimeError):
        services.add_attachments(
            post=post,
            files=[upload("a.pdf", PDF_BYTES), upload("b.pdf", PDF_BYTES)],
            user=forum.user("member"),
        )
    assert len(saves) == 2  # both files had been written when the second row failed
    assert not PostAttachment.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --- Who may download ---------------------------------------------------------------------------------

# Legend: D downloads; "-" 404. Files follow the post's text: a hidden post's files only for the
# space's moderators, a deleted post's for nobody (moderators included: the thread page shows
# neither its text nor its files), a caucus's only for its active members.
ATTACHMENT_MATRIX: dict[str, dict[str, str]] = {
    #                   caucus post  public post  hidden public post  deleted public post
    "anonymous": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "unverified": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "pending": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "in-government": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "in-employers": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "in-workers": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "jp-workers": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "observer": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "secretariat": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "focal-point": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "member": {"caucus": "D", "public": "D", "hidden": "-", "deleted": "-"},
    "moderator": {"caucus": "-", "public": "D", "hidden": "D", "deleted": "-"},
    "caucus-moderator": {"caucus": "D", "public": "D", "hidden": "-", "deleted": "-"},
    "adviser": {"caucus": "D", "public": "D", "hidden": "-", "deleted": "-"},
    "caucus-pending": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "removed": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "revoked": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "deactivated": {"caucus": "-", "public": "D", "hidden": "-", "deleted": "-"},
    "staff": {"caucus": "-", "public": "D", "hidden": "D", "deleted": "-"},
}


@pytest.fixture
def attachments(forum, public_thread):
    w = forum
    member = w.user("member")
    caucus_thread = services.start_thread(
        author=member,
        space=w.space("in-workers"),
        title="Our line",
        body="secret",
        attachments=[upload("line.pdf", PDF_BYTES)],
    )
    hidden = services.reply_to_thread(
        author=member,
        thread=public_thread,
        body="rude",
        attachments=[upload("rude.pdf", PDF_BYTES)],
    )
    services.hide_post(actor=w.user("moderator"), post=hidden, reason="rude")
    deleted = services.reply_to_thread(
        author=member,
        thread=public_thread,
        body="regret",
        attachments=[upload("gone.pdf", PDF_BYTES)],
    )
    services.delete_post(user=member, post=deleted)
    services.add_attachments(
        post=public_thread.posts.get(number=1), files=[upload("open.pdf", PDF_BYTES)], user=member
    )
    return {
        "caucus": PostAttachment.objects.get(post__thread=caucus_thread),
        "public": PostAttachment.objects.get(original_name="open.pdf"),
        "hidden": PostAttachment.objects.get(post=hidden),
        "deleted": PostAttachment.objects.get(post=deleted),
    }


def test_the_attachment_matrix_covers_every_role():
    assert set(ATTACHMENT_MATRIX) == set(ROLES)


def test_attachment_download_matrix(forum, attachments):
    """The table above is what the access module answers: queryset, predicate and fetch agree."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    problems = []
    for role in ROLES:
        user = fresh(forum.user(role)) or AnonymousUser()
        visible = set(permissions.visible_attachments(user).values_list("pk", flat=True))
        for key, attachment in attachments.items():
            attachment = PostAttachment.objects.select_related("post__thread__space").get(
                pk=attachment.pk
            )
            want = ATTACHMENT_MATRIX[role][key] == "D"
            if (attachment.pk in visible) != want:
                problems.append(f"{role} / {key}: visible_attachments says {not want}")
            if permissions.can_download_attachment(user, attachment) != want:
                problems.append(f"{role} / {key}: can_download_attachment says {not want}")
            try:
                permissions.get_attachment_for_user(user, attachment.pk)
                got = True
            except Http404:
                got = False
            if got != want:
                problems.append(f"{role} / {key}: get_attachment_for_user says {got}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "role", ["anonymous", "staff", "moderator", "in-workers", "caucus-pending", "removed"]
)
def test_a_caucus_file_answers_404_like_a_missing_one(client, forum, attachments, role):
    if forum.user(role) is not None:
        login(client, forum.user(role))
    missing = client.get(reverse("forums:attachment", args=[987654321]))
    hidden = client.get(attachments["caucus"].get_absolute_url())
    assert missing.status_code == hidden.status_code == 404
    assert b"line.pdf" not in hidden.content


def test_hidden_and_deleted_posts_take_their_files_with_them(
    client, forum, attachments, public_thread
):
    login(client, forum.user("in-employers"))
    page = client.get(public_thread.get_absolute_url()).content.decode()
    assert "open.pdf" in page and "rude.pdf" not in page and "gone.pdf" not in page
    assert client.get(attachments["hidden"].get_absolute_url()).status_code == 404
    login(client, forum.user("moderator"))
    page = client.get(public_thread.get_absolute_url()).content.decode()
    assert "rude.pdf" in page and "gone.pdf" not in page
    assert client.get(attachments["hidden"].get_absolute_url()).status_code == 200
    assert client.get(attachments["deleted"].get_absolute_url()).status_code == 404
    login(client, forum.user("member"))  # the author of the deleted post too
    assert client.get(attachments["deleted"].get_absolute_url()).status_code == 404
    # Shown again by the moderator: the file is back for readers.
    services.restore_post(actor=forum.user("moderator"), post=attachments["hidden"].post)
    login(client, forum.user("in-employers"))
    assert client.get(attachments["hidden"].get_absolute_url()).status_code == 200


def test_only_get_and_head_are_answered(client, forum, attachments):
    url = attachments["public"].get_absolute_url()
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_the_live_fragment_of_a_new_post_lists_its_files(
    client, forum, public_thread, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = services.reply_to_thread(
            author=forum.user("in-workers"),
            thread=public_thread,
            body="with a table",
            attachments=[upload("table.csv", b"a,b\n1,2\n")],
        )
    attachment = post.attachments.get()
    fragment = client.get(reverse("forums:post_fragment", args=[post.pk])).content.decode()
    assert f'href="{attachment.get_absolute_url()}"' in fragment and "table.csv" in fragment
    assert "CSV table" in fragment


def test_the_canary_attachment_reaches_caucus_members_only(client, forum):
    """Positive control for the crawl: the seeded caucus file carries the canary, in its name
    and its bytes, for a caucus member; outsiders get 404 (the crawl checks every one)."""
    seed_forum_canary(forum)
    attachment = forum.forum["attachments"]["caucus"]
    login(client, forum.user("member"))
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert CANARY.encode() in b"".join(response.streaming_content)
    assert quote(CANARY) in response["Content-Disposition"]
    thread_page = client.get(forum.forum["caucus-thread"].get_absolute_url()).content.decode()
    assert f"Bottom line {CANARY}.pdf" in thread_page
    login(client, forum.user("moderator"))
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_canary_pdf_is_accepted_as_a_pdf():
    assert rules.check_file(canary_pdf("x.pdf")).kind is rules.PDF


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "moderator"])
def test_the_thread_page_with_files_costs_the_same_queries_at_two_sizes(
    client, forum, public_thread, settings, django_assert_max_num_queries, role
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FORUMS_POST_RATE_LIMIT = (10_000, 60)
    if forum.user(role) is not None:
        login(client, forum.user(role))
    authors = [forum.user(k) for k in ("in-government", "in-employers", "in-workers", "member")]
    counts = []
    for grow in (2, 20):
        for i in range(grow):
            services.reply_to_thread(
                author=authors[i % 4],
                thread=public_thread,
                body=f"r{i}",
                attachments=[upload(f"f{i}.pdf", PDF_BYTES), upload(f"g{i}.png", PNG_BYTES)],
            )
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(public_thread.get_absolute_url())
            assert response.status_code == 200
        counts.append(len(ctx))
        assert (
            response.content.decode().count('class="attachment-link"')
            == 2
            * Post.objects.filter(thread=public_thread, attachments__isnull=False)
            .distinct()
            .count()
        )
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[0]):
        client.get(public_thread.get_absolute_url() + "?page=1")
