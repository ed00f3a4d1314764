"""What the staff's browser tests do again and again in the real screens: log in, fill Wagtail's editor, act."""

import base64
import io
import random
import re

from PIL import Image
from playwright.sync_api import expect

from tests.conftest import PASSWORD

ADMIN = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


def fits(page, width):
    """Whether the page is no wider than the window (nothing to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def site_log_in(page, live_server, username, password=PASSWORD):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    # Until the answer has loaded (the next page, or the form again with its message): a click on the page that
    # follows must not land on the login page while it is still being replaced.
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def admin_log_in(page, live_server, username, password=PASSWORD, next_url="/admin/"):
    """Wagtail's login, then the second factor as a person with an authenticator app does it: the first time he
    enrols from the key on the page, later he types the current code (the browser tests require it).
    `live_server` may be the server or its URL."""
    base = live_server if isinstance(live_server, str) else live_server.url
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/|/admin/$"))
    pass_second_factor_if_asked(page, username)
    page.wait_for_url(base + next_url)


def authenticator_code(username=None, secret=None):
    """What the app shows now, for the key read off the enrolment page or, once enrolled, the account's device
    (the next time step if this one was used already: django-otp accepts one step ahead, never a used one)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if secret is not None:
        return f"{TOTP(base64.b32decode(secret.replace(' ', ''))).token():06d}"
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t - totp.t() + 1)
    return f"{totp.token():06d}"


def pass_second_factor_if_asked(page, username):
    """On the two-factor step (after a site login, the first admin page leads there), pass it; else nothing."""
    if "/accounts/two-factor/" not in page.url:
        return
    secret = page.locator("[data-totp-secret]")
    code = authenticator_code(secret=secret.inner_text()) if secret.count() else authenticator_code(username)
    page.get_by_label("6 位验证码").fill(code)
    page.get_by_role("button", name=re.compile("^(完成绑定|验证)$")).click()


def png_file(tmp_path, name="photo.png"):
    """A small PNG of a random colour (Wagtail flags an upload identical to an existing image)."""
    path = tmp_path / name
    colour = tuple(random.randrange(256) for _ in range(3))
    buffer = io.BytesIO()
    Image.new("RGB", (160, 90), colour).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def modal(page):
    return page.locator(".modal-content")


def choose_in_chooser(page, button_name, search, item):
    """Open a chooser, search it as an editor would, pick `item`."""
    page.get_by_role("button", name=button_name).click()
    dialog = modal(page)
    dialog.wait_for()
    dialog.locator("input[name=q]").fill(search)
    dialog.get_by_role("link", name=item, exact=True).click()
    dialog.wait_for(state="hidden")


def add_block(page, stream_root, label):
    """Insert a StreamField block at the end through the block menu."""
    page.locator(f"{stream_root} .c-sf-add-button").last.click()
    page.locator(".w-combobox").get_by_role("option").filter(has_text=label).first.click()


def type_paragraph(page, stream_root, text):
    add_block(page, stream_root, "正文段落")
    editor = page.locator(f"{stream_root} .Draftail-Editor [contenteditable=true]").last
    editor.wait_for()
    editor.click()
    editor.press_sequentially(text)
    expect(editor).to_contain_text(text)
    wait_for_rich_text_saved(page, stream_root, text)


def wait_for_rich_text_saved(page, stream_root, text):
    """Draftail writes what was typed into the form's hidden input a moment later (debounced): a click on a button
    right after typing would post the text before it."""
    page.wait_for_function(
        """([root, text]) => [...document.querySelectorAll(`${root} input[type=hidden]`)]
            .some((input) => input.value.includes(text))""",
        arg=[stream_root, text[-6:]],
    )


def upload_in_chooser(page, button_name, file_path, title):
    """Open an image or document chooser and upload a new file from its 上传 tab; the upload is chosen."""
    page.get_by_role("button", name=button_name).last.click()
    dialog = modal(page)
    dialog.wait_for()
    dialog.get_by_role("tab", name="上传").click()
    dialog.locator("input[type=file]").set_input_files(str(file_path))
    dialog.locator("input[name$=title]").fill(title)
    dialog.get_by_role("button", name="上传").click()
    dialog.wait_for(state="hidden")


def footer_action(page, name):
    """A page editor action from the footer's menu (提交…, 批准, 请求修改 …), or its main button."""
    # The editor autosaves half a second after a change: let that request finish, as a person's pause would.
    page.wait_for_load_state("networkidle")
    footer = page.locator("footer")
    main = footer.get_by_role("button", name=name, exact=True)
    if not main.first.is_visible():
        footer.get_by_role("button", name="更多动作").click()
    footer.get_by_role("button", name=name, exact=True).first.click()


def workflow_action_with_comment(page, name, comment):
    """请求修改 / 带评论批准: the action's dialog asks for the comment."""
    footer_action(page, name)
    dialog = page.locator(".modal-content").filter(has=page.locator("textarea"))
    dialog.locator("textarea").fill(comment)
    dialog.get_by_role("button").filter(has_text=name.replace("带评论", "")).last.click()
