"""What a lesson's media and captions really are: the length of a video or audio, read from the file itself when it
is uploaded, and whether a captions file is WebVTT.

A lesson's clock runs only while its media plays, so a lesson whose media is shorter than its required study time
can never be completed: publishing compares the two (`learning.forms.StudyMaterialForm`). The length is read with
mutagen (pure Python, offline, no ffprobe binary); formats it cannot read (WebM, for one) keep the length the editor
typed, and a file it cannot parse at all leaves the length unknown (0), which publishing refuses.
"""

import logging
import math
from decimal import Decimal

import mutagen
from django.core.exceptions import ValidationError

from home.media import is_webvtt

logger = logging.getLogger(__name__)


def read_duration(field_file):
    """Seconds of playback of the file in this FileField (committed or just uploaded) or of an uploaded file, or
    None when unreadable."""
    if not field_file:
        return None
    try:
        if hasattr(field_file, "storage") and getattr(field_file, "_committed", True):
            handle, close = field_file.storage.open(field_file.name, "rb"), True
        else:  # the upload itself, before storage has it (a FieldFile not yet saved, or a form's UploadedFile)
            handle, close = getattr(field_file, "file", field_file), False
        position = handle.tell()
        try:
            handle.seek(0)
            parsed = mutagen.File(handle)
        finally:
            if close:
                handle.close()
            else:
                handle.seek(position)
    except Exception:  # noqa: BLE001 - any file an editor uploads: a broken one must not stop the upload
        logger.info("Could not read the length of %s", field_file.name, exc_info=True)
        return None
    length = getattr(getattr(parsed, "info", None), "length", None)
    if not length or not math.isfinite(length) or length <= 0:
        return None
    return float(length)


def set_real_duration(media):
    """Give `media` the length read from its file. A readable file's own length always wins over a typed one (the
    check at publishing would mean nothing if a typed figure could stand in for it); an unreadable file keeps what
    the editor typed, or stays unknown (0)."""
    length = read_duration(media.file)
    if length is not None:
        media.duration = round(length, 2)
    elif not media.duration:
        media.duration = 0


def describe_length(seconds):
    """20.4 → "0 分 20 秒": a media's length as the editor reads it (whole seconds, rounded down)."""
    minutes, rest = divmod(int(seconds or 0), 60)
    return f"{minutes} 分 {rest} 秒"


def describe_study_time(seconds):
    """1440 → "24 分钟", 48 → "48 秒", 90 → "1 分 30 秒": a required study time."""
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} 秒"
    return f"{minutes} 分 {rest} 秒" if rest else f"{minutes} 分钟"


def validate_webvtt(document):
    """Refuse a captions document whose file is not WebVTT (home checks uploads of .vtt files the same way; this
    catches a document of another kind chosen as captions)."""
    if document is None:
        return
    try:
        with document.file.open("rb") as handle:
            head = handle.read(16)
    except (OSError, ValueError) as error:
        raise ValidationError("无法读取所选的字幕文件，请重新上传。") from error
    if not is_webvtt(head):
        raise ValidationError(
            f"所选的字幕文件《{document.title}》不是 WebVTT 格式：WebVTT 字幕文件的第一行应为“WEBVTT”。"
            "请上传 .vtt 格式的字幕文件。"
        )


def max_minutes_for(length, seconds_per_minute, ratio):
    """The longest stated duration (whole minutes) whose required study time a media of `length` seconds covers."""
    return int(Decimal(str(length)) // (seconds_per_minute * ratio))


def publish_problems(*, media, transcript, captions, duration_minutes, required_seconds):
    """What stops a lesson from being published with this media: {field name: Chinese message}. Empty when it
    fits, or when there is no media (a text lesson keeps its reading time)."""
    from . import conf
    from .models.pages import has_content

    if media is None:
        return {}
    problems = {}
    kind = "视频" if media.type == "video" else "音频"
    if not media.duration:
        problems["media"] = (
            f"无法读取{kind}《{media.title}》的时长，不能确认党员能否学完本课。"
            f"请上传 MP4、MP3、M4A、WAV 或 OGG 格式的文件，或在媒体库中填写该{kind}的时长（秒）。"
        )
    elif duration_minutes and media.duration < required_seconds:
        most = max_minutes_for(media.duration, conf.seconds_per_minute(), conf.completion_ratio())
        advice = f"请换用完整的{kind}，或把学习时长改为不超过 {most} 分钟。" if most >= 1 else f"请换用完整的{kind}。"
        problems["duration_minutes"] = (
            f"{kind}时长 {describe_length(media.duration)}，短于完成本课所需的 {describe_study_time(required_seconds)}"
            f"学习时间（学习时长 {duration_minutes} 分钟的 {int(conf.completion_ratio() * 100)}%）。"
            f"学习时间只在播放时计算，党员无法学完本课。{advice}"
        )
    if not has_content(transcript):
        problems["transcript"] = f"有{kind}的课程发布前须填写文字稿，供不便收听的党员阅读。"
    if media.type == "video" and captions is None:
        problems["captions"] = "视频课程发布前须选择中文字幕文件（WebVTT 格式，.vtt）。"
    return problems


def replacement_problems(upload, lessons):
    """Why a new file for a video or audio would break the live `lessons` that play it (their study time could no
    longer be met), as one message, or "" if it fits them all."""
    length = read_duration(upload)
    short = [lesson for lesson in lessons if length is None or length < lesson.required_seconds]
    if not short:
        return ""
    titles = "、".join(f"《{lesson.title}》" for lesson in short)
    needed = describe_study_time(max(lesson.required_seconds for lesson in short))
    if length is None:
        return f"无法读取新文件的时长，而已发布的课程{titles}需要 {needed}的学习时间。请上传可识别的音视频文件。"
    return (
        f"新文件时长 {describe_length(length)}，短于已发布的课程{titles}所需的 {needed}学习时间，"
        "换上后学员将无法完成这些课程。请先调整课程的学习时长，或选择更长的文件。"
    )
