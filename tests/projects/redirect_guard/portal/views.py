from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.request_utils import looks_like_url, safe_for_redirect


@require_GET
def go_next(request):
    redirect_url = request.GET.get("next")
    if redirect_url and safe_for_redirect(redirect_url):
        return HttpResponseRedirect(redirect_url)
    return HttpResponseRedirect(reverse("home"))


@require_GET
def go_elsewhere(request):
    redirect_url = request.GET.get("next")
    if redirect_url and looks_like_url(redirect_url):
        return HttpResponseRedirect(redirect_url)  # expect: SCG403
    return HttpResponseRedirect(reverse("home"))
