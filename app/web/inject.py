"""Routes declare what they need (`Inject[RunRegistry]` parameters); the app's injector hands it over per call."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import current_app

View = TypeVar("View", bound=Callable[..., Any])


def injected(view: View) -> View:
    """Wrap a view so its `Inject[...]`-annotated parameters come from the app's injector; URL values stay."""

    @functools.wraps(view)
    def call(**url_values: Any) -> Any:
        return current_app.extensions["injector"].call_with_injection(view, kwargs=url_values)

    return call  # type: ignore[return-value]
