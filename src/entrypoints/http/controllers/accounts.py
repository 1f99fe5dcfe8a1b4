"""Account creation and tokens: the only endpoints without a bearer token."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from instagram_core.services.accounts import AccountService
from instagram_entrypoints.http import presenters, schemas
from instagram_entrypoints.http.request_guard import SMALL_JSON_BODY_LIMIT


class AccountsController(Controller):
    tags = ["accounts"]

    @post(
        "/accounts",
        status_code=HTTP_201_CREATED,
        sync_to_thread=True,
        request_max_body_size=SMALL_JSON_BODY_LIMIT,
    )
    def create_account(
        self, data: JSONBody[schemas.AccountCreate], accounts: NamedDependency[AccountService]
    ) -> schemas.Account:
        user = accounts.register(data.username, data.password, data.display_name, data.is_private)
        return presenters.account(user)

    @post(
        "/auth/token",
        status_code=HTTP_200_OK,
        sync_to_thread=True,
        request_max_body_size=SMALL_JSON_BODY_LIMIT,
    )
    def issue_token(
        self,
        data: JSONBody[schemas.TokenRequest],
        accounts: NamedDependency[AccountService],
        request: Request[Any, Any, Any],
    ) -> schemas.Token:
        """A bearer token. Attempts are limited per client address, per account and client,
        and slowly per account (429 with ``Retry-After``; see ``docs/security.md``)."""
        client = request.client.host if request.client else "unknown"
        token = accounts.log_in(data.username, data.password, client)
        return schemas.Token(token.token, "bearer", token.expires_in)
