"""Webhooks: ``POST /api/feeds/{id}/webhooks`` adds one to a feed the caller may read (201:
the webhook, and its secret the one time it is shown); ``GET /api/webhooks`` lists the
caller's, ``DELETE /api/webhooks/{webhookId}`` removes one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from dailypapers.feeds.records import NoSuchFeed
from dailypapers.web.api.auth import SignedInCaller
from dailypapers.web.api.records import RecordOut
from dailypapers.web.plumbing.errors import ApiProblem, bad_request, not_found, responses
from dailypapers.webhooks import subscriptions
from dailypapers.webhooks.errors import NoSuchWebhook, NotYours, WebhookError
from dailypapers.webhooks.records import Webhook

router = APIRouter(prefix="/api", tags=["writes"])


class WebhookOut(RecordOut):
    id: int
    feedId: int
    url: str = Field(description="The URL with its path clipped (it holds the receiver's secret).")
    format: Literal["slack", "discord", "json"]
    state: Literal["active", "stopped"]
    stopReason: str | None = Field(
        None, description="What the receiver answered when the webhook stopped."
    )
    createdAt: datetime
    lastDeliveryAt: datetime | None = None
    secret: str | None = Field(
        None,
        description="The key of the `X-Dailypapers-Signature-256` HMAC, only in the answer "
        "that made the webhook.",
    )

    @classmethod
    def of(cls, webhook: Webhook, secret: str | None = None) -> Self:
        """The webhook as its owner sees it: its clipped URL, and ``secret`` only when given."""
        return super().of(webhook, url=webhook.shown_url, secret=secret)


class WebhookIn(BaseModel):
    url: str = Field(
        max_length=2000,
        description="Where to post: http(s), a public address, no credentials in it.",
        examples=["https://hooks.slack.com/services/T000/B000/XXXX"],
    )
    format: Literal["slack", "discord", "json"] = Field(
        description="`slack` (incoming webhook: `text` and `blocks`), `discord` (`content` and "
        "`embeds`) or `json` (ours: `feed` and `papers`)."
    )


@router.post(
    "/feeds/{feedId}/webhooks",
    status_code=201,
    response_model=WebhookOut,
    response_model_exclude_none=True,
    responses=responses(400, 401, 404, 429),
    summary="Post a feed's new papers to a URL (Slack, Discord or JSON), signed",
)
async def create_webhook(
    request: Request,
    feedId: Annotated[int, Path(ge=1, le=2**62)],
    body: WebhookIn,
    who: SignedInCaller,
) -> WebhookOut:
    """A new webhook of a feed the caller may read, with its secret (shown this once); a
    refused URL or format is a 400 naming it, a feed they may not read a 404."""
    db, settings = request.app.state.db, request.app.state.settings

    def add() -> tuple[Webhook, str]:
        return subscriptions.add(
            db, settings, user=who.user, feed_id=feedId, url=body.url, fmt=body.format
        )

    try:
        webhook, secret = await run_in_threadpool(add)
    except NoSuchFeed:
        raise not_found("feedId", f"no feed {feedId}") from None
    except WebhookError as error:
        raise bad_request(error.parameter, str(error)) from None
    return WebhookOut.of(webhook, secret)


@router.get(
    "/webhooks",
    response_model=list[WebhookOut],
    response_model_exclude_none=True,
    responses=responses(401, 429),
    summary="Your webhooks, stopped ones with their receiver's answer",
)
async def list_webhooks(request: Request, who: SignedInCaller) -> list[WebhookOut]:
    found = await run_in_threadpool(subscriptions.for_user, request.app.state.db, who.user.id)
    return [WebhookOut.of(webhook) for webhook in found]


@router.delete(
    "/webhooks/{webhookId}",
    response_model=WebhookOut,
    response_model_exclude_none=True,
    responses=responses(401, 403, 404, 429),
    summary="Delete one of your webhooks (and what it had left to send)",
)
async def delete_webhook(
    request: Request, webhookId: Annotated[int, Path(ge=1, le=2**62)], who: SignedInCaller
) -> WebhookOut:
    def remove() -> Webhook:
        return subscriptions.remove(request.app.state.db, user_id=who.user.id, webhook_id=webhookId)

    try:
        gone = await run_in_threadpool(remove)
    except NoSuchWebhook:
        raise not_found("webhookId", f"no webhook {webhookId}") from None
    except NotYours:
        raise ApiProblem(403, "This webhook belongs to someone else.", "webhookId") from None
    return WebhookOut.of(gone)
