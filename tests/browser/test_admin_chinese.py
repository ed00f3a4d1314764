"""The page editor in Chinese as its scripts render it (issue 15, point 10): a 党务干部 logs in through
/admin/login/, opens a new notice, the StreamField's "insert a block" menu, a block, the image and organization
choosers, the action menu and the side panels, and no English is on the screen (what it shows, document.body's
innerText, and what it reads out: aria-label, title, placeholder, alt). At 1280 px and 375 px."""

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from members import roles
from tests.home.test_admin_chinese import english_in_text, unexpected

from .actions import admin_log_in as log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a person sees or hears: the rendered text and the read attributes of every element, with where they stand
# in the same form as the HTML checker's ("nav[aria-label]").
SCREEN_TEXTS = """() => {
  const found = document.body.innerText.split('\\n').map(line => ['text', line]);
  for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = element.getAttribute(name);
      if (value) found.push([element.tagName.toLowerCase() + '[' + name + ']', value]);
    }
  }
  return found;
}"""


def english_on_screen(page, names):
    texts = page.evaluate(SCREEN_TEXTS)
    return unexpected([item for item in (english_in_text(where, text, names) for where, text in texts) if item])


@pytest.mark.parametrize("width", [1280, 375])
def test_the_notice_editor_is_chinese(live_server, browser, make_user, disclosure_index, org_tree, width):
    make_user("editor", roles.PARTY_CADRE)
    get_image_model().objects.create(title="主题党日合影", file=get_test_image_file("hy.png"))
    names = {"editor"}
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    found = {}

    def look(step, screenshot=None):
        page.wait_for_timeout(300)  # the scripts' last redraw
        english = english_on_screen(page, names)
        if english:
            found[step] = english
        if screenshot:
            page.screenshot(path=f"/tmp/i18n-{width}-{screenshot}.png")

    log_in(page, live_server, "editor")
    look("控制面板", "dashboard")

    page.goto(f"{live_server.url}/admin/pages/add/disclosures/disclosurenoticepage/{disclosure_index.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="新建: 公开事项").count() or page.title().startswith("新建")
    look("新建通知", "editor")

    # StreamField: the "insert a block" menu, then an image block with its own strings.
    page.get_by_role("button", name="插入区块").first.click()
    page.get_by_placeholder("搜索项…").wait_for()
    look("插入区块菜单", "insert-block")
    page.get_by_role("option", name="图片").click()
    page.get_by_text("替代文本").first.wait_for()
    look("图片区块")

    # Choosers: the image chooser of the block, the organization chooser of the notice.
    page.get_by_role("button", name="选择一个图片").first.click()
    modal = page.locator(".modal-content").first
    modal.get_by_text("主题党日合影").first.wait_for()
    look("图片选择器", "image-chooser")
    page.keyboard.press("Escape")
    modal.wait_for(state="hidden")
    page.get_by_role("button", name="选择 党组织").first.click()
    modal.get_by_text("县直机关工委").first.wait_for()
    look("党组织选择器", "organization-chooser")
    page.keyboard.press("Escape")
    modal.wait_for(state="hidden")

    # The action menu under 保存草稿.
    page.locator("footer .w-dropdown__toggle").first.click()
    page.get_by_role("button", name="提交给党务公开审批").wait_for()
    look("操作菜单", "actions")
    page.keyboard.press("Escape")

    # The side panels: status, preview, checks, comments.
    for name, shot in (
        ("状态开关", "status"),
        ("预览开关", "preview"),
        ("显示/隐藏检查", "checks"),
        ("评论开关", None),
    ):
        page.get_by_role("button", name=name).click()
        page.locator("[data-side-panel]:not([hidden])").first.wait_for()
        page.wait_for_timeout(700)  # the preview and the checks fill in after a request
        look(name, shot)

    context.close()
    assert not found, found
