"""The site's roles, as Django groups (created by migration 0002)."""

MEMBER = "党员"
BRANCH_SECRETARY = "支部书记"
PARTY_CADRE = "党务干部"  # the editors
REVIEWER = "审核人"
APPROVER = "审批人"
VOLUNTEER_MANAGER = "志愿服务管理员"

ALL = [MEMBER, BRANCH_SECRETARY, PARTY_CADRE, REVIEWER, APPROVER, VOLUNTEER_MANAGER]
# Roles that work in the Wagtail admin.
ADMIN_ROLES = [PARTY_CADRE, REVIEWER, APPROVER, VOLUNTEER_MANAGER]
