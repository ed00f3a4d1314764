"""Public views of a competition page: showing it, voting, the voter's receipt, and objections during publicity."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from dangjian.http import client_address

from .forms import ObjectionForm
from .models import Ballot, Objection
from .services import AlreadyVoted, AwardError, cast_ballot, competition_results, raise_objection


def receipt_url(page, code, request):
    # get_url(request) reads the site's root paths once per request; page.url reads them from the cache each time.
    return page.get_url(request) + page.reverse_subpage("receipt", args=[code])


def competition_context(page, request):
    now = timezone.now()
    user = request.user
    entries = list(page.entries())
    for entry in entries:
        entry.vote_count = None  # shown only where the rules allow
    context = {
        "now": now,
        "phase": page.phase(now),
        "phase_label": page.phase_label(now),
        "entries": entries,
        "voting_open": page.voting_open(now),
        "publicity_open": page.publicity_open(now),
        "may_vote": page.user_may_vote(user),
        "my_ballot": None,
        "results": None,
        "counts": {},
        "receipt_url": "",
        "objection_url": page.url + page.reverse_subpage("objection"),
    }
    if context["voting_open"] and user.is_authenticated:
        day = page.voting_day(now)
        context["my_ballot"] = my_ballot = Ballot.objects.filter(competition=page, voter=user, voting_day=day).first()
        if my_ballot:
            context["receipt_url"] = receipt_url(page, my_ballot.code, request)
    if page.counts_visible(now):
        results = competition_results(page, entries)
        context["counts"] = results.votes_by_entry
        for entry in entries:
            entry.vote_count = results.votes_by_entry.get(entry.pk, 0)
        if page.results_public(now):
            context["results"] = results
            context["objection_summary"] = {
                "total": Objection.objects.filter(competition=page).count(),
                "pending": Objection.objects.filter(competition=page, status=Objection.Status.PENDING).count(),
            }
    return context


# Live vote counts (a competition that shows them during voting) are cached this long at most, since casting a
# ballot does not empty the page cache (awards/signals.py).
LIVE_COUNTS_SECONDS = 10


def live_counts_cache_control(competition, response, now=None):
    if competition.phase(now) == competition.Phase.VOTING and competition.show_counts_during_voting:
        patch_cache_control(response, max_age=LIVE_COUNTS_SECONDS)
    return response


def competition_view(page, request):
    if request.method == "POST":
        return vote(page, request)
    if request.method not in ("GET", "HEAD"):
        response = page.render(request)
        response.status_code = 405
        return response
    return live_counts_cache_control(page, page.render(request))


def vote(page, request):
    if not request.user.is_authenticated:
        return redirect_to_login(page.url)
    selected = request.POST.getlist("entries")
    try:
        ballot = cast_ballot(page, request.user, selected, client_address(request))
    except AlreadyVoted as error:
        # A second ballot is most often a double click: the browser shows this answer, not the first one's, so it
        # leads to the voter's receipt. A short page, not the whole competition: it is the commonest refusal.
        context = {"page": page, "self": page, "message": error.message, "ballot": error.ballot}
        context["receipt_url"] = receipt_url(page, error.ballot.code, request)
        return TemplateResponse(request, "awards/already_voted.html", context, status=error.status)
    except AwardError as error:
        response = page.render(request, context_overrides={"vote_error": error.message})
        # Keep the voter's choices ticked so that he can correct them.
        for entry in response.context_data["entries"]:
            entry.is_selected = str(entry.pk) in selected
        response.status_code = error.status
        return response
    messages.success(request, "投票成功，感谢您的参与。请记下您的选票凭证号。")
    return redirect(receipt_url(page, ballot.code, request))


def receipt_view(page, request, code):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    ballot = (
        Ballot.objects.filter(competition=page, voter=request.user, code=code)
        .prefetch_related("choices__entry")
        .first()
    )
    if ballot is None:
        raise Http404("没有找到这张选票。")
    return TemplateResponse(request, "awards/receipt.html", {"page": page, "ballot": ballot, "self": page})


def objection_view(page, request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    entries = page.entries()
    status = 200
    error = None
    if not page.publicity_open():
        form = None
        error = "只能在公示期内提出异议。"
        status = 403
    elif request.method == "POST":
        form = ObjectionForm(request.POST, entries=entries)
        if form.is_valid():
            try:
                raise_objection(
                    page,
                    request.user,
                    form.cleaned_data["signature"],
                    form.cleaned_data["content"],
                    form.cleaned_data["contact"],
                    form.cleaned_data["entry"],
                )
            except AwardError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(request, "您的异议已提交，评选委员会将核查处理并告知处理情况。")
                return redirect(page.url)
        else:
            status = 400
    else:
        form = ObjectionForm(entries=entries, initial={"signature": _signature_for(request.user)})
    return TemplateResponse(
        request,
        "awards/objection.html",
        {"page": page, "self": page, "form": form, "error": error},
        status=status,
    )


def _signature_for(user):
    try:
        return user.member.name
    except ObjectDoesNotExist:
        return user.get_full_name()
