from django.template.response import TemplateResponse

from members import roles

# The guide's parts in the order of the office's work; each names the roles it is for.
GUIDE_PARTS = [
    ("notices", "党务公开：撰写与提交", {roles.PARTY_CADRE}),
    ("review", "党务公开：审核与审批", {roles.REVIEWER, roles.APPROVER}),
    ("schedule", "定期公开与复制", {roles.PARTY_CADRE}),
    ("roster", "党员名册导入与开通账号", {roles.PARTY_CADRE}),
    ("learning", "网上党校：课程、课时与微型党课", {roles.PARTY_CADRE}),
    ("volunteers", "志愿服务：报名、工时与证明", {roles.PARTY_CADRE, roles.VOLUNTEER_MANAGER}),
    ("awards", "十佳评选：异议答复与定案", {roles.PARTY_CADRE}),
]


def staff_guide(request):
    """操作指南: the steps of each job, the parts for the user's own roles first."""
    own = roles.role_names(request.user)
    everything = request.user.is_superuser
    parts = [
        {"slug": slug, "title": title, "mine": everything or bool(own & part_roles)}
        for slug, title, part_roles in GUIDE_PARTS
    ]
    parts.sort(key=lambda part: not part["mine"])
    return TemplateResponse(request, "home/admin/guide.html", {"parts": parts, "header_title": "操作指南"})
