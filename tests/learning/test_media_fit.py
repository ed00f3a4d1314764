"""A lesson fits its media: the media's real length is read when it is uploaded, publishing a lesson whose video or
audio is shorter than its required study time (or of unknown length, or without a transcript, or a video without
captions) is refused in Chinese, and a video's captions reach only those who may study it."""

import io
import wave

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import rich_text
from wagtailmedia.models import Media

from learning.models import LessonPage, MicroLessonPage
from learning.views.media import captions_file  # noqa: F401  (the view the URL names; imported to fail early if gone)

from .conftest import publish
from .test_staff_editing import add_url, lesson_form, micro_form

pytestmark = pytest.mark.django_db

VTT = "WEBVTT\n\n00:00.000 --> 00:04.000\n同志们好，今天学习党章。\n"
TRANSCRIPT = "<p>同志们好。今天这一讲，我们学习党章规定的党员义务。</p>"


def wav_bytes(seconds, rate=8000):
    """A real WAV of `seconds` of silence, written here with the standard library (not the demo's tone)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(rate)
        wav.writeframes(b"\x80" * int(seconds * rate))
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LEARNING_SECONDS_PER_MINUTE = 60
    settings.LEARNING_COMPLETION_RATIO = "0.8"
    return tmp_path


def make_media(seconds=None, kind="audio", content=None, typed=0, name="lecture.wav"):
    media = Media(title=f"党课录音{seconds}", type=kind, duration=typed)
    media.file.save(name, ContentFile(content if content is not None else wav_bytes(seconds)), save=False)
    media.save()
    return media


def make_captions(text=VTT, name="captions.vtt"):
    document = get_document_model()(title="第一讲字幕")
    document.file.save(name, ContentFile(text.encode()), save=False)
    document.save()
    return document


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


# ---------------------------------------------------------------------------------------------- the real length


def test_the_length_is_read_from_the_file_when_it_is_saved():
    media = make_media(3)
    media.refresh_from_db()
    assert media.duration == 3.0
    # A typed figure does not stand in for the file's own length.
    assert make_media(7, typed=1800).duration == 7.0


def test_an_unreadable_file_keeps_its_length_unknown_or_as_typed():
    broken = b"RIFF" + bytes(range(200))
    assert make_media(content=broken).duration == 0
    assert make_media(content=broken, typed=90).duration == 90


def test_an_upload_in_the_editor_gets_its_length(editor_client):
    response = editor_client.post(
        "/admin/media/audio/chooser/upload/",
        {
            "media-chooser-upload-title": "支部书记讲党课",
            "media-chooser-upload-file": SimpleUploadedFile("dangke.wav", wav_bytes(12), "audio/wav"),
            "media-chooser-upload-duration": "",
            "media-chooser-upload-tags": "",
        },
    )
    assert response.status_code == 200 and '"step": "media_chosen"' in response.content.decode()
    media = Media.objects.get(title="支部书记讲党课")
    assert media.duration == 12.0
    with media.file.open("rb") as handle:  # the upload was read and still stored whole
        assert handle.read() == wav_bytes(12)


# ---------------------------------------------------------------------------------------------- publishing


def post_lesson(client, learning, **fields):
    return client.post(add_url(LessonPage, learning["course"]), lesson_form(**fields))


def test_publishing_media_shorter_than_the_study_time_is_refused(editor_client, learning):
    media = make_media(20)
    response = post_lesson(editor_client, learning, media=str(media.pk), transcript=rich_text(TRANSCRIPT))
    assert response.status_code == 200
    content = response.content.decode()
    assert "音频时长 0 分 20 秒，短于完成本课所需的 24 分钟学习时间（学习时长 30 分钟的 80%）" in content
    assert "学习时长改为" not in content  # 20 seconds cover no whole minute: only a longer recording helps
    assert "第一讲：全会的主要精神" in content  # the form keeps what was typed
    assert not LessonPage.objects.filter(slug="jingshen").exists()


def test_a_lesson_is_held_to_both_publishing_checks(editor_client, learning):
    # Its media's fit (this section) and its test bank's size (a bank larger than the draw), on the same form.
    from .test_staff_editing import question

    bank = [question("true_false", f"判断题第{n}题", "", "对") for n in range(2)]
    fields = {"transcript": rich_text(TRANSCRIPT), "questions": bank, "duration_minutes": "1"}
    response = post_lesson(editor_client, learning, media=str(make_media(20).pk), **fields)
    assert "音频时长 0 分 20 秒，短于完成本课所需的 48 秒学习时间" in response.content.decode()
    response = post_lesson(editor_client, learning, media=str(make_media(50).pk), **fields)
    assert "题库只有 2 题，每次抽取 10 题" in response.content.decode()
    assert not LessonPage.objects.filter(slug="jingshen").exists()
    response = post_lesson(editor_client, learning, media=str(make_media(50).pk), questions_per_attempt="1", **fields)
    assert response.status_code == 302
    assert LessonPage.objects.get(slug="jingshen").live


def test_the_message_says_how_short_the_lesson_must_be(editor_client, learning):
    media = make_media(100)  # covers 2 minutes (96 s), not 3 (144 s)
    response = post_lesson(
        editor_client, learning, media=str(media.pk), transcript=rich_text(TRANSCRIPT), duration_minutes="3"
    )
    content = response.content.decode()
    assert "音频时长 1 分 40 秒，短于完成本课所需的 2 分 24 秒学习时间" in content
    assert "或把学习时长改为不超过 2 分钟。" in content


def test_publishing_media_of_unknown_length_is_refused(editor_client, learning):
    media = make_media(content=b"RIFF" + bytes(range(200)))
    response = post_lesson(editor_client, learning, media=str(media.pk), transcript=rich_text(TRANSCRIPT))
    assert response.status_code == 200
    assert f"无法读取音频《{media.title}》的时长" in response.content.decode()
    assert not LessonPage.objects.filter(slug="jingshen").exists()


def test_publishing_media_without_a_transcript_is_refused(editor_client, learning):
    media = make_media(50)
    response = post_lesson(editor_client, learning, media=str(media.pk), duration_minutes="1")
    assert response.status_code == 200
    assert "有音频的课程发布前须填写文字稿" in response.content.decode()
    assert not LessonPage.objects.filter(slug="jingshen").exists()


def test_media_that_fits_publishes_with_its_transcript(editor_client, learning):
    media = make_media(50)  # a 1-minute lesson needs 48 seconds
    response = post_lesson(
        editor_client, learning, media=str(media.pk), transcript=rich_text(TRANSCRIPT), duration_minutes="1"
    )
    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="jingshen")
    assert lesson.live and lesson.media == media and "党员义务" in lesson.transcript


def test_a_draft_may_be_saved_before_its_media_fits(editor_client, learning):
    media = make_media(20)
    data = lesson_form(media=str(media.pk))
    del data["action-publish"]
    response = editor_client.post(add_url(LessonPage, learning["course"]), data)
    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="jingshen")
    assert not lesson.live
    # Publishing that draft is refused all the same, with both figures.
    data = lesson_form(media=str(media.pk), transcript=rich_text(TRANSCRIPT))
    response = editor_client.post(f"/admin/pages/{lesson.pk}/edit/", data)
    assert response.status_code == 200
    assert "短于完成本课所需的 24 分钟学习时间" in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.live


def save_draft(client, learning, slug, media):
    data = lesson_form(slug=slug, media=str(media.pk), transcript=rich_text(TRANSCRIPT), duration_minutes="1")
    del data["action-publish"]
    assert client.post(add_url(LessonPage, learning["course"]), data).status_code == 302
    return LessonPage.objects.get(slug=slug)


def test_bulk_publishing_holds_drafts_to_the_same_rule(editor_client, learning):
    short = save_draft(editor_client, learning, "duan", make_media(20))
    fits = save_draft(editor_client, learning, "he", make_media(50))
    course = learning["course"]
    url = f"/admin/bulk/wagtailcore/page/publish/?id={short.pk}&next=/admin/pages/{course.pk}/"
    response = editor_client.post(url, {"include_descendants": ""}, follow=True)
    assert "以下课程的视频或音频不符合发布要求，均未发布。" in response.content.decode()
    assert "音频时长 0 分 20 秒，短于完成本课所需的 48 秒学习时间" in response.content.decode()
    # Publishing the course with its draft lessons (包括子页面) stops at the one that does not fit.
    url = f"/admin/bulk/wagtailcore/page/publish/?id={course.pk}&next=/admin/pages/{course.pk}/"
    editor_client.post(url, {"include_descendants": "on"})
    short.refresh_from_db()
    fits.refresh_from_db()
    assert not short.live and not fits.live
    url = f"/admin/bulk/wagtailcore/page/publish/?id={fits.pk}&next=/admin/pages/{course.pk}/"
    assert editor_client.post(url, {"include_descendants": ""}).status_code == 302
    fits.refresh_from_db()
    assert fits.live


def test_a_video_needs_captions_and_an_audio_does_not(editor_client, learning):
    video = make_media(50, kind="video", name="lecture.mp4")
    fields = {"media": str(video.pk), "transcript": rich_text(TRANSCRIPT), "duration_minutes": "1"}
    response = post_lesson(editor_client, learning, **fields)
    assert response.status_code == 200
    assert "视频课程发布前须选择中文字幕文件（WebVTT 格式，.vtt）。" in response.content.decode()
    response = post_lesson(editor_client, learning, captions=str(make_captions().pk), **fields)
    assert response.status_code == 302
    assert LessonPage.objects.get(slug="jingshen").live


def test_a_captions_file_that_is_not_webvtt_is_refused(editor_client, learning):
    video = make_media(50, kind="video", name="lecture.mp4")
    srt = make_captions("1\n00:00:00,000 --> 00:00:04,000\n同志们好\n", name="captions.srt")
    data = lesson_form(media=str(video.pk), transcript=rich_text(TRANSCRIPT), duration_minutes="1")
    data["captions"] = str(srt.pk)
    del data["action-publish"]  # refused even as a draft: the wrong file is never right
    response = editor_client.post(add_url(LessonPage, learning["course"]), data)
    assert response.status_code == 200
    assert "所选的字幕文件《第一讲字幕》不是 WebVTT 格式" in response.content.decode()
    assert not LessonPage.objects.filter(slug="jingshen").exists()
    # A BOM before WEBVTT, as some editors save it, is WebVTT.
    data["captions"] = str(make_captions("\ufeff" + VTT).pk)
    assert editor_client.post(add_url(LessonPage, learning["course"]), data).status_code == 302


def test_a_vtt_upload_that_is_not_webvtt_is_refused(editor_client):
    def upload(name, text):
        return editor_client.post(
            reverse("wagtaildocs_chooser:create"),
            {
                "document-chooser-upload-title": "第二讲字幕",
                "document-chooser-upload-file": SimpleUploadedFile(name, text.encode(), "text/vtt"),
                "document-chooser-upload-collection": "1",
                "document-chooser-upload-tags": "",
            },
        )

    response = upload("dier.vtt", "1\n00:00:00,000 --> 00:00:04,000\n同志们好\n")  # SubRip renamed .vtt
    answer = response.json()
    assert answer["step"] == "reshow_creation_form"
    assert "字幕文件（.vtt）须为 WebVTT 格式：文件的第一行应为“WEBVTT”。" in answer["htmlFragment"]
    assert not get_document_model().objects.filter(title="第二讲字幕").exists()
    response = upload("dier.vtt", VTT)
    assert response.json()["step"] == "chosen"
    document = get_document_model().objects.get(title="第二讲字幕")
    with document.file.open("rb") as handle:  # read on upload and still stored whole
        assert handle.read().decode() == VTT


def test_a_micro_lesson_is_held_to_the_same_rule(editor_client, learning, member):
    media = make_media(20)
    url = add_url(MicroLessonPage, learning["micro_index"])
    fields = {"media": str(media.pk), "transcript": rich_text(TRANSCRIPT)}
    response = editor_client.post(url, micro_form(member, **fields))
    assert response.status_code == 200
    assert "音频时长 0 分 20 秒，短于完成本课所需的 9 分 36 秒学习时间" in response.content.decode()
    response = editor_client.post(url, micro_form(member, duration_minutes="1", media=str(make_media(60).pk)))
    assert "有音频的课程发布前须填写文字稿" in response.content.decode()
    response = editor_client.post(
        url, micro_form(member, duration_minutes="1", **{**fields, "media": str(make_media(60).pk)})
    )
    assert response.status_code == 302
    assert MicroLessonPage.objects.get(slug="minsheng").live


def test_a_text_lesson_keeps_its_reading_time(editor_client, learning):
    response = post_lesson(editor_client, learning, duration_minutes="45")
    assert response.status_code == 302
    assert LessonPage.objects.get(slug="jingshen").live


# ---------------------------------------------------------------------------------------------- the lesson page


@pytest.fixture
def video_lesson(learning):
    lesson = learning["lesson2"]  # 12 minutes: 9 分 36 秒 of study
    lesson.media = make_media(600, kind="video", name="lecture.mp4")
    lesson.captions = make_captions()
    lesson.transcript = TRANSCRIPT
    assert lesson.publish_problems() == {}
    publish(lesson)
    return lesson


def test_the_captions_reach_members_only(client, video_lesson, member_user, make_user):
    url = f"/learning/captions/{video_lesson.pk}/"
    assert client.get(url).status_code == 403  # a visitor
    client.force_login(make_user("volunteer"))  # logged in, but not a member
    assert client.get(url).status_code == 403
    client.force_login(member_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.content.decode("utf-8") == VTT
    assert "private" in response["Cache-Control"]


def test_the_captions_document_itself_is_for_members_too(client, video_lesson, member_user, make_user):
    document = video_lesson.captions
    url = f"/documents/{document.pk}/{document.filename}"
    assert client.get(url).status_code == 403  # the lesson page is public; what it teaches is not
    client.force_login(make_user("volunteer"))
    assert client.get(url).status_code == 403
    client.force_login(member_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == VTT


def test_no_captions_for_a_lesson_without_them_or_a_draft(client, learning, video_lesson, member_user):
    client.force_login(member_user)
    assert client.get(f"/learning/captions/{learning['lesson'].pk}/").status_code == 404
    video_lesson.unpublish()
    assert client.get(f"/learning/captions/{video_lesson.pk}/").status_code == 404


def test_the_lesson_page_shows_transcript_and_captions_track_to_members(client, video_lesson, member_user):
    html = client.get(video_lesson.url).content.decode()
    assert "党员义务" not in html and "<track" not in html  # a visitor sees the title only
    client.force_login(member_user)
    html = client.get(video_lesson.url).content.decode()
    assert (
        f'<track kind="captions" srclang="zh" label="中文" default src="/learning/captions/{video_lesson.pk}/">' in html
    )
    assert '<details class="study-transcript"' in html and "党员义务" in html
    # The transcript comes right after the player, before the lesson's text.
    assert html.index("</video>") < html.index("study-transcript") < html.index("三会一课制度。")


# ---------------------------------------------------------------------------------------------- replacing a file


def edit_media(client, media, seconds, content=None):
    return client.post(
        f"/admin/media/edit/{media.pk}/",
        {
            "title": media.title,
            "file": SimpleUploadedFile("new.wav", content or wav_bytes(seconds), "audio/wav"),
            "collection": str(media.collection_id),
            "duration": "",
            "tags": "",
        },
    )


def test_a_live_lessons_media_cannot_be_replaced_by_a_shorter_file(editor_client, learning):
    media = make_media(50)
    lesson = learning["lesson2"]
    lesson.media, lesson.duration_minutes, lesson.transcript = media, 1, TRANSCRIPT  # needs 48 s of 50
    lesson.save_revision().publish()
    before = media.file.name

    response = edit_media(editor_client, media, 20)
    assert response.status_code == 200
    html = response.content.decode()
    assert "新文件时长 0 分 20 秒，短于已发布的课程《第二讲：三会一课》所需的 48 秒学习时间" in html
    media.refresh_from_db()
    assert (media.file.name, media.duration) == (before, 50.0)
    response = edit_media(editor_client, media, 0, content=b"RIFF" + bytes(range(200)))
    assert "无法读取新文件的时长，而已发布的课程《第二讲：三会一课》需要 48 秒的学习时间" in response.content.decode()
    media.refresh_from_db()
    assert media.file.name == before

    # A file that still covers the study time replaces it.
    assert edit_media(editor_client, media, 55).status_code == 302
    media.refresh_from_db()
    assert media.duration == 55.0 and media.file.name != before


def test_media_no_live_lesson_plays_may_be_replaced_freely(editor_client, learning):
    media = make_media(50)
    assert edit_media(editor_client, media, 5).status_code == 302
    media.refresh_from_db()
    assert media.duration == 5.0
