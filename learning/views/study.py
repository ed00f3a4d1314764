"""The study-time heartbeat: a studying page's reports, counted by the server's clock (services.record_heartbeat)."""

import re

from django.http import JsonResponse

from .. import access, services
from .common import PAGE_ID_PATTERN, studyable_lesson

HEARTBEAT_MAX_BYTES = 2048
TAB_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,40}")
MAX_POSITION = 24 * 3600


def _bad(message, status=400):
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def heartbeat(request):
    """A studying page reports every LEARNING_HEARTBEAT_SECONDS (form-encoded, CSRF-protected POST).

    Answers JSON: 200 with what was counted, 429 with Retry-After when it came too soon after the last accepted
    beat, and a 4xx with a Chinese `error` (counting nothing) for anything malformed or not allowed."""
    if request.method != "POST":
        response = _bad("计时请求只接受 POST 方式。", status=405)
        response["Allow"] = "POST"
        return response
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _bad("请求格式不正确。")
    if length > HEARTBEAT_MAX_BYTES:
        return _bad("请求内容过大。", status=413)
    if not request.user.is_authenticated:
        return _bad("请先登录。", status=403)
    member = access.member_for(request.user)
    if member is None:
        return _bad("仅限在册党员计算学习时间。", status=403)
    page_id, tab, event = request.POST.get("page", ""), request.POST.get("tab", ""), request.POST.get("event", "")
    if not PAGE_ID_PATTERN.fullmatch(page_id):
        return _bad("请求格式不正确：缺少课程编号或编号无效。")
    if not TAB_PATTERN.fullmatch(tab):
        return _bad("请求格式不正确：缺少窗口标识或标识无效。")
    if event not in services.EVENTS:
        return _bad("请求格式不正确：未知的计时事件。")
    position = None
    if request.POST.get("position"):
        try:
            position = float(request.POST["position"])
        except ValueError:
            return _bad("播放位置格式不正确。")
        if not 0 <= position <= MAX_POSITION:  # also rejects NaN and infinity
            return _bad("播放位置超出范围。")
    page = studyable_lesson(request, page_id)
    if page is None:
        return _bad("找不到这一课，或这一课尚未发布。", status=404)
    result = services.record_heartbeat(member, page, tab=tab, event=event, position=position)
    progress = result.progress
    response = JsonResponse(
        {
            "status": result.status,
            "counted": result.counted,
            "message": result.message,
            "retry_after": result.retry_after,
            "seconds": progress.seconds,
            "required": page.required_seconds,
            "percent": min(100, progress.seconds * 100 // page.required_seconds),
            "completed": progress.completed_at is not None,
            "completed_now": result.completed_now,
        },
        status=429 if result.status == services.Beat.TOO_FAST else 200,
        json_dumps_params={"ensure_ascii": False},
    )
    if result.retry_after is not None:
        response["Retry-After"] = str(result.retry_after)
    return response
