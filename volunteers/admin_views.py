"""The 工委's review of a member's project proposal, in the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from . import services
from .forms import ReviewNoteForm
from .models import ProjectProposal


def review_proposal(request, proposal_id):
    if not request.user.has_perm("volunteers.change_projectproposal"):
        raise PermissionDenied
    proposal = get_object_or_404(ProjectProposal.objects.select_related("proposer", "organization"), pk=proposal_id)
    listing = reverse("wagtailsnippets_volunteers_projectproposal:list")
    status = 200
    form = ReviewNoteForm(request.POST or None)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("accept", "decline"):
            form.add_error(None, "请选择“采纳”或“不采纳”。")
        if form.is_valid():
            try:
                if decision == "accept":
                    page = services.accept_proposal(proposal.pk, request.user, form.cleaned_data["note"])
                    messages.success(request, f"已采纳“{proposal.title}”，并生成项目草稿，请补充服务时段后发布。")
                    return redirect("wagtailadmin_pages:edit", page.pk)
                if not form.cleaned_data["note"]:
                    form.add_error("note", "不采纳时请填写审核意见，告诉提议人原因。")
                else:
                    services.decline_proposal(proposal.pk, request.user, form.cleaned_data["note"])
                    messages.success(request, f"已处理“{proposal.title}”：不采纳。")
                    return redirect(listing)
            except services.Refused as error:
                form.add_error(None, error.message)
                status = error.status
        if status == 200:
            status = 400
    return TemplateResponse(
        request,
        "volunteers/admin/review_proposal.html",
        {"proposal": proposal, "form": form, "listing": listing},
        status=status,
    )
