"""Security headers that Django 5.2 does not set itself."""

from django.conf import settings


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
