"""The push gateway of a process: a signed webhook always, FCM and APNs when configured,
and the logging gateway standing in for a platform without credentials."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

from instagram_adapters.memory.push import LoggingPushGateway
from instagram_core.domain.notifications import Platform
from instagram_core.ports.clock import Clock
from instagram_core.ports.push import PushGateway

log = logging.getLogger("instagram.push")


def open_push_gateway(
    clock: Clock,
    timeout_seconds: float = 5.0,
    fcm_project_id: str = "",
    fcm_service_account_file: str = "",
    apns_key_file: str = "",
    apns_key_id: str = "",
    apns_team_id: str = "",
    apns_topic: str = "",
    apns_sandbox: bool = False,
    private_webhooks: bool = False,
) -> Iterator[PushGateway]:
    """A router over the gateways this configuration allows; closes their clients after.
    Webhooks connect to public addresses only, unless ``private_webhooks``."""
    import httpx

    from instagram_adapters.push.egress import public_only_transport
    from instagram_adapters.push.router import PushRouter
    from instagram_adapters.push.webhook import WebhookPushGateway

    clients: list[httpx.Client] = []

    def client(**options: object) -> httpx.Client:
        made = httpx.Client(timeout=timeout_seconds, follow_redirects=False, **options)  # type: ignore[arg-type]
        clients.append(made)
        return made

    logging_only = LoggingPushGateway()
    gateways: dict[Platform, PushGateway] = {
        Platform.WEBHOOK: WebhookPushGateway(
            client()
            if private_webhooks
            else client(transport=public_only_transport(), trust_env=False),
            clock,
        ),
        Platform.FCM: logging_only,
        Platform.APNS: logging_only,
    }
    if fcm_project_id and fcm_service_account_file:
        from instagram_adapters.push.fcm import FcmPushGateway, ServiceAccountTokens

        account = json.loads(Path(fcm_service_account_file).read_text())
        tokens = ServiceAccountTokens(
            client(),
            clock,
            account["client_email"],
            account["private_key"],
            account.get("token_uri") or "https://oauth2.googleapis.com/token",
        )
        gateways[Platform.FCM] = FcmPushGateway(client(), fcm_project_id, tokens)
    else:
        log.info("FCM push is not configured: FCM pushes are logged only")
    if apns_key_file and apns_key_id and apns_team_id and apns_topic:
        from instagram_adapters.push.apns import ApnsPushGateway

        gateways[Platform.APNS] = ApnsPushGateway(
            client(http1=False, http2=True),
            clock,
            Path(apns_key_file).read_text(),
            apns_key_id,
            apns_team_id,
            apns_topic,
            sandbox=apns_sandbox,
        )
    else:
        log.info("APNs push is not configured: APNs pushes are logged only")
    try:
        yield PushRouter(gateways)
    finally:
        for made in clients:
            made.close()
