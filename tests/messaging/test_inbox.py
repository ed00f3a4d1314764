"""The site's inbox: workflow notices reach the people concerned, on /me/ and by e-mail where they have an address."""

import pytest
from django.core import mail

from disclosures.models import DisclosureNoticePage
from messaging.models import Message
from messaging.services import send
from tests.disclosures.test_workflow import act, create, notice_form


def subjects(user):
    return list(Message.objects.filter(recipient=user).order_by("pk").values_list("subject", flat=True))


@pytest.mark.django_db
def test_each_step_of_the_workflow_tells_the_next_person(
    client, editor_user, reviewer, approver, make_user, disclosure_index, category, org_tree
):
    editor_user.email = "editor@example.gov.cn"
    editor_user.save()
    bystander = make_user("bystander", "审核人", is_active=False)
    client.force_login(editor_user)
    create(client, disclosure_index, notice_form(category, org_tree, **{"action-submit": "submit"}))
    notice = DisclosureNoticePage.objects.get(slug="theme-day")
    # The reviewers (and nobody else: not the approver yet, not an inactive account) are told.
    assert subjects(reviewer) == ["《关于开展主题党日活动的通知》等待您审核（保密审查）"]
    assert subjects(approver) == [] and subjects(bystander) == []

    client.force_login(reviewer)
    act(client, notice, "reject", "文号有误，请核对。")
    message = Message.objects.get(recipient=editor_user)
    assert message.subject == "《关于开展主题党日活动的通知》在审核（保密审查）中被退回修改"
    assert "文号有误，请核对。" in message.text
    assert message.url == f"/admin/pages/{notice.pk}/edit/"
    # The editor has an address: Wagtail's notifier e-mailed him too, in Chinese.
    assert [m.to for m in mail.outbox] == [["editor@example.gov.cn"]]

    client.force_login(editor_user)
    client.post(f"/admin/pages/{notice.pk}/edit/", notice_form(category, org_tree, **{"action-submit": "submit"}))
    client.force_login(reviewer)
    act(client, notice, "approve")
    assert subjects(approver) == ["《关于开展主题党日活动的通知》等待您审批"]
    client.force_login(approver)
    act(client, notice, "approve")
    assert subjects(editor_user)[-1] == "《关于开展主题党日活动的通知》已审批通过并发布"
    notice.refresh_from_db()
    assert Message.objects.filter(recipient=editor_user).first().url == notice.url  # the newest


@pytest.mark.django_db
def test_messages_on_me_and_in_the_inbox(client, member_user, make_user):
    other = make_user("other")
    send([member_user], "请参加本月主题党日", "12月5日下午3点，县财政局会议室。", url="/dwgk/")
    send([other], "别人的消息")
    client.force_login(member_user)
    html = client.get("/me/").content.decode()
    assert "我的消息" in html and "请参加本月主题党日" in html and "未读" in html
    assert "别人的消息" not in html
    response = client.get("/messages/")
    assert response["Cache-Control"] == "private, no-store"
    assert "12月5日下午3点" in response.content.decode()

    message = Message.objects.get(recipient=member_user)
    response = client.get(f"/messages/{message.pk}/")
    assert response.status_code == 302 and response["Location"] == "/dwgk/"
    message.refresh_from_db()
    assert message.read_at is not None
    # Another user's message is not found; a link off the site never becomes a redirect.
    assert client.get(f"/messages/{Message.objects.get(recipient=other).pk}/").status_code == 404
    (evil,) = send([member_user], "外部链接", url="https://evil.example/")
    assert client.get(f"/messages/{evil.pk}/")["Location"] == "/messages/"


@pytest.mark.django_db
def test_a_mail_server_that_is_down_loses_no_message(member_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    member_user.email = "member@example.gov.cn"
    send([member_user], "学习提醒", "本月学时尚未完成。")
    assert subjects(member_user) == ["学习提醒"]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/messages/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
