import pytest

from members import roles


@pytest.mark.django_db
def test_the_guide_is_local_and_puts_the_users_own_job_first(client, make_user):
    client.force_login(make_user("reviewer", roles.REVIEWER))
    html = client.get("/admin/").content.decode()
    assert "/admin/guide/" in html
    assert "guide.wagtail.org" not in html and "What's new" not in html  # nothing on the internet
    response = client.get("/admin/guide/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("党务公开：审核与审批") < html.index("党务公开：撰写与提交")
    assert "请求修改" in html


@pytest.mark.django_db
def test_the_guide_needs_admin_access(client, make_user):
    client.force_login(make_user("member", roles.MEMBER))
    assert client.get("/admin/guide/").status_code in (302, 403)


@pytest.mark.django_db
def test_the_admin_login_form_is_chinese(client):
    html = client.get("/admin/login/").content.decode()
    assert ">密码<" in html.replace("\n", "").replace(" ", "") or 'for="id_password">密码' in html
    assert "Password<" not in html
