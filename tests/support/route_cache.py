"""FastAPI's route state built once a test run instead of once an app.

FastAPI builds what a route needs to answer (its parameters' and response's pydantic models,
its dependencies, its handler) lazily, for each app that includes the router, on the app's
first request: 0.1-0.3 s of CPU for the routes a request walks past. A server builds them once
for its life; the suite makes an app for each of its hundreds of tests, so it built them again
and again. :func:`install` keeps each built route for the next app that includes the same
route in the same way (the same prefix, tags, dependencies, limits: the whole inclusion
context but the app itself), so every app after the first answers at once.

What is kept depends on nothing an app holds but its dependency overrides (the app is where a
handler looks them up): the suite sets none (real parts, no stand-ins), and an app that has
some at the time its routes are built builds its own. If FastAPI's internals change shape,
:func:`install` changes nothing and the suite only runs slower.
"""

from __future__ import annotations

import dataclasses

from fastapi import routing

_built: dict[tuple[int, str], tuple[object, object]] = {}


def install() -> bool:
    """Keep built routes across apps; False (nothing changed) if FastAPI has no such step."""
    context_class = getattr(routing, "_EffectiveRouteContext", None)
    build = getattr(context_class, "from_api_route", None)
    if build is None or getattr(build, "keeps_built_routes", False):
        return build is not None
    unbound = build.__func__

    def from_api_route(cls, *, original_route, include_context):
        provider = include_context.dependency_overrides_provider
        if getattr(provider, "dependency_overrides", None):
            return unbound(cls, original_route=original_route, include_context=include_context)
        # The inclusion context without the app, as text: routers and dependencies are the
        # modules' own objects, so equal contexts read the same.
        context = repr(dataclasses.replace(include_context, dependency_overrides_provider=None))
        key = (id(original_route), context)
        kept = _built.get(key)
        if kept is None or kept[0] is not original_route:
            built = unbound(cls, original_route=original_route, include_context=include_context)
            kept = _built[key] = (original_route, built)
        return kept[1]

    from_api_route.keeps_built_routes = True
    context_class.from_api_route = classmethod(from_api_route)
    return True
