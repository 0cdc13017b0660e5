from django.utils.http import url_has_allowed_host_and_scheme


def safe_for_redirect(url):
    """True if the URL is safe to redirect to."""
    return url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def looks_like_url(url):
    return url.startswith(("http://", "https://", "/"))
