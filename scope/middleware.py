"""Security headers that Django 5.2 does not set itself, and the request-size cap."""

from django.conf import settings
from django.shortcuts import render


class SecurityHeadersMiddleware:
    """Content-Security-Policy without inline scripts, and a strict referrer policy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = (
            "default-src 'self'; "
            f"script-src {settings.CSP_SCRIPT_SRC}; "
            "style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is over MAX_REQUEST_BYTES with a 413 page.

    The check reads only the Content-Length header, so the body of a refused request is never
    read into memory or onto disk. (Django reads no body without a Content-Length, so a request
    that omits it cannot smuggle one past this check.) Files within the cap are still checked
    one by one against MAX_UPLOAD_BYTES by `submissions.uploads.CappedUploadHandler`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.MAX_REQUEST_BYTES
        if declared > limit:
            return render(
                request,
                "413.html",
                {"limit_mb": limit // (1024 * 1024), "upload_mb": declared // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)
