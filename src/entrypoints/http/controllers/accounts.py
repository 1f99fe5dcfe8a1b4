"""Account creation and tokens: the only endpoints without a bearer token."""

from __future__ import annotations

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from instagram_core.services.accounts import AccountService
from instagram_entrypoints.http import presenters, schemas


class AccountsController(Controller):
    tags = ["accounts"]

    @post("/accounts", status_code=HTTP_201_CREATED, sync_to_thread=True)
    def create_account(
        self, data: JSONBody[schemas.AccountCreate], accounts: NamedDependency[AccountService]
    ) -> schemas.Account:
        user = accounts.register(data.username, data.password, data.display_name, data.is_private)
        return presenters.account(user)

    @post("/auth/token", status_code=HTTP_200_OK, sync_to_thread=True)
    def issue_token(
        self, data: JSONBody[schemas.TokenRequest], accounts: NamedDependency[AccountService]
    ) -> schemas.Token:
        token = accounts.log_in(data.username, data.password)
        return schemas.Token(token.token, "bearer", token.expires_in)
