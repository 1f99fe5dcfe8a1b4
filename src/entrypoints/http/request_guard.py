"""One check of every request's inputs before a handler sees them, for the whole app.

Litestar converts query strings and JSON bodies leniently (``"true"`` and ``1`` become
``True``, ``"1e3"`` becomes ``1000``), and its JSON decoder recurses once per nesting level,
so a deeply nested body raised ``RecursionError`` (a 500) before any handler ran. Here,
before Litestar converts anything:

- a JSON body larger than its route's ``request_max_body_size`` is refused (413, by Litestar
  as the body is read), one nested deeper than :data:`MAX_JSON_DEPTH` is refused (400)
  without being decoded, and the body is decoded strictly against the handler's declared
  type (400 with msgspec's message, which names the field);
- an integer query parameter must be written in decimal digits and lie within its declared
  ``ge``/``le`` bounds (422, like every other out-of-range value).

Litestar's own lenient conversion then runs on input that already passed the strict one.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

import msgspec
from litestar import Request
from litestar.enums import ParamType
from litestar.exceptions import ClientException
from litestar.params import ParameterKwarg

from instagram_core.domain.errors import InvalidInput

MAX_JSON_DEPTH = 16
"""Deepest array/object nesting a request body may have; the API's own bodies use 3."""

JSON_BODY_LIMIT = 64 * 1024
"""Default body size of JSON routes (a post with its caption, media ids and tags)."""

SMALL_JSON_BODY_LIMIT = 16 * 1024
"""Routes with a few short fields: credentials, profile edits, comments, stories."""

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_DECIMAL = re.compile(r"-?[0-9]{1,19}")


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in ``body``, without recursion; brackets
    inside strings do not count. Malformed JSON gets a number too: the decoder refuses it."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(_STEP[b] for b in brackets), default=0)


async def guard_request(request: Request[Any, Any, Any]) -> None:
    """Litestar ``before_request`` hook: refuse what the handler must never see."""
    handler = request.route_handler
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if name == "data":
            await _check_body(request, field.annotation, field.has_default)
        elif _is_query_integer(kwarg, field.annotation):
            assert isinstance(kwarg, ParameterKwarg)
            wire_name = kwarg.name or name
            _check_integer(wire_name, request.query_params.get(wire_name), kwarg)


def _is_query_integer(kwarg: object, annotation: object) -> bool:
    return (
        isinstance(kwarg, ParameterKwarg)
        and kwarg.param_type is ParamType.QUERY
        and annotation in (int, int | None)
    )


async def _check_body(request: Request[Any, Any, Any], annotation: Any, optional: bool) -> None:
    body = await request.body()  # refused with 413 past the route's request_max_body_size
    if not body.strip() and optional:
        return
    if json_depth(body) > MAX_JSON_DEPTH:
        raise ClientException(f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        msgspec.json.decode(body or b"null", type=annotation, strict=True)
    except msgspec.ValidationError as exc:  # a subclass of DecodeError: first
        raise ClientException(f"the JSON body does not match the schema: {exc}") from None
    except msgspec.DecodeError as exc:
        raise ClientException(f"the body is not valid JSON: {exc}") from None


def _check_integer(name: str, raw: str | None, kwarg: ParameterKwarg) -> None:
    """Decimal digits only (no ``1e3``, ``20.0`` or ``+5``), within ``ge``/``le``."""
    if raw is None:
        return
    low, high = kwarg.ge, kwarg.le
    value = int(raw) if _DECIMAL.fullmatch(raw) else None
    if value is not None and (low is None or value >= low) and (high is None or value <= high):
        return
    bounds = f" from {low} to {high}" if low is not None and high is not None else ""
    raise InvalidInput(f"{name} must be an integer{bounds}, got {raw!r}")
