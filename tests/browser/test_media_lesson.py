"""The demo member opens a video lesson on his phone and on a desktop: the player, its Chinese captions track (loaded
through the checked captions view, under the site's CSP) and the transcript under the player; an audio lesson shows
its transcript and no track."""

import os

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from wagtail.documents import get_document_model
from wagtailmedia.models import Media

from learning.demo import tone_wav
from tests.browser.actions import site_log_in
from tests.learning import conftest as learning_fixtures

learning = learning_fixtures.learning

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots-media"
VTT = "WEBVTT\n\n00:00.000 --> 00:30.000\n同志们好，今天我们学习“三会一课”制度。\n"
TRANSCRIPT = (
    "<p>同志们好，今天我们学习“三会一课”制度。</p>"
    "<p>“三会一课”是指定期召开支部党员大会、支部委员会、党小组会，按时上好党课。</p>"
)


@pytest.fixture
def media_lessons(learning, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # 12 and 30 "minutes" of 1 s: 10 s and 24 s of study, which the recordings below cover.
    settings.LEARNING_SECONDS_PER_MINUTE = 1
    # No video encoder is at hand offline: the "video" is a WAV, which Chromium plays in a <video> element too; what
    # is checked here is the page around the player and its captions track.
    video = Media(title="三会一课讲解视频", type="video")
    video.file.save("sanhui.wav", ContentFile(tone_wav(12, 330)), save=False)
    video.save()
    captions = get_document_model()(title="三会一课字幕")
    captions.file.save("sanhui.vtt", ContentFile(VTT.encode()), save=False)
    captions.save()
    lesson = learning["lesson2"]
    lesson.media, lesson.captions, lesson.transcript = video, captions, TRANSCRIPT
    audio = Media(title="党员的义务讲解录音", type="audio")
    audio.file.save("yiwu.wav", ContentFile(tone_wav(25, 262)), save=False)
    audio.save()
    audio_lesson = learning["lesson"]
    audio_lesson.media, audio_lesson.transcript = audio, "<p>本讲录音的文字稿：党员的八项义务。</p>"
    for page in (lesson, audio_lesson):
        assert page.publish_problems() == {}
        page.save_revision().publish()
    return lesson, audio_lesson


@pytest.mark.parametrize("width", [375, 1280])
def test_the_member_sees_player_captions_and_transcript(browser, live_server, member_user, media_lessons, width):
    os.makedirs(SHOTS, exist_ok=True)
    lesson, audio_lesson = media_lessons
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    external, errors = [], []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        site_log_in(page, live_server, "member")
        page.goto(live_server.url + lesson.url)
        video = page.locator("video[data-study-media]")
        expect(video).to_be_visible()
        track = video.locator('track[kind="captions"]')
        assert track.get_attribute("srclang") == "zh" and track.get_attribute("label") == "中文"
        # The browser fetched the captions through the checked view and parsed them: one cue, shown.
        page.wait_for_function(
            "() => { const t = document.querySelector('video').textTracks[0];"
            " return t && t.mode === 'showing' && t.cues && t.cues.length === 1; }",
            timeout=15_000,
        )
        assert "三会一课" in page.evaluate("document.querySelector('video').textTracks[0].cues[0].text")
        transcript = page.locator("details.study-transcript")
        expect(transcript.locator("summary")).to_have_text("文字稿")
        expect(transcript.get_by_text("党小组会")).to_be_hidden()  # folded until asked for
        transcript.locator("summary").click()
        expect(transcript.get_by_text("党小组会，按时上好党课")).to_be_visible()
        box, player = transcript.bounding_box(), video.bounding_box()
        assert box["y"] >= player["y"] + player["height"]  # under the player
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=f"{SHOTS}/video-lesson-{width}.png", full_page=True)

        page.goto(live_server.url + audio_lesson.url)
        expect(page.locator("audio[data-study-media]")).to_be_visible()
        assert page.locator("track").count() == 0
        page.locator("details.study-transcript summary").click()
        expect(page.get_by_text("本讲录音的文字稿：党员的八项义务。")).to_be_visible()
        page.screenshot(path=f"{SHOTS}/audio-lesson-{width}.png", full_page=True)
        assert external == []
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
