"""Push gateways over HTTP (httpx): a signed webhook, FCM HTTP v1 and APNs over HTTP/2."""

from instagram_adapters.extras import require

require("instagram_adapters.push", httpx="server")
