"""Every URL pattern of the project, found by walking the resolver, and how to request it."""

from dataclasses import dataclass

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

SKIPPED_NAMESPACES = {"admin"}  # Django's admin has its own tests (staff only)


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name"
    route: str
    kwargs: tuple
    view_class: type | None

    @property
    def accepts_post(self):
        view = self.view_class
        return view is not None and hasattr(view, "post") and "post" in view.http_method_names

    def url(self, values):
        missing = [name for name in self.kwargs if name not in values]
        if missing:
            raise LookupError(f"{self.name} ({self.route}) needs world values for {missing}")
        return reverse(self.name, kwargs={name: values[name] for name in self.kwargs})


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace + (entry.name or ""), entry


def project_patterns():
    """The project's own URL patterns: allauth's and the admin's are left to their tests."""
    found = []
    for route, name, entry in _walk(get_resolver().url_patterns):
        if entry.callback.__module__.startswith("allauth."):
            continue
        converters = entry.pattern.converters
        outer = [part for part in route.split("<")[1:]]
        kwargs = tuple(part.split(">", 1)[0].split(":")[-1] for part in outer)
        assert set(kwargs) >= set(converters), (name, route)
        found.append(
            Pattern(
                name=name or route,
                route=route,
                kwargs=kwargs,
                view_class=getattr(entry.callback, "view_class", None),
            )
        )
    return found


def request_rolled_back(client, method, url, data=None, **extra):
    """Send one request; whatever it changes is rolled back, so requests do not affect
    each other (and on_commit work, like emails, is never started)."""
    with transaction.atomic():
        response = getattr(client, method.lower())(url, data or {}, **extra)
        transaction.set_rollback(True)
    return response
