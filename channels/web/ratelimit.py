"""Request rate limits for the public API: who the client is, and the 429 answer when they overdo it.

Limits (settings, 0 disables): new conversations per client address per hour
(`WIL_RATE_CONVERSATIONS_PER_HOUR`) and messages per conversation per minute
(`WIL_RATE_MESSAGES_PER_MINUTE`). The client address is the connection's peer; `X-Forwarded-For`
is believed only when that peer is one of `WIL_TRUSTED_PROXIES`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from assistant.conversations import authorize
from assistant.ratelimit import Decision, RateLimiter, make_rate_limiter
from assistant.runtime import Runtime
from channels.web.deps import RuntimeDep, TokenDep

LIMITER_KEY = "rate_limiter"
HOUR_S = 3600.0
MINUTE_S = 60.0

Network = IPv4Network | IPv6Network


def rate_limiter(runtime: Runtime) -> RateLimiter:
    """Return the runtime's limiter, creating it (Redis when configured) on first use."""
    limiter = runtime.extras.get(LIMITER_KEY)
    if limiter is None:
        limiter = runtime.extras.setdefault(
            LIMITER_KEY, make_rate_limiter(runtime.settings.redis_url)
        )
    return limiter  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ip_network(p, strict=False) for p in proxies)


def _trusted(host: str, networks: Sequence[Network]) -> bool:
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in net for net in networks)


def client_ip(request: Request, trusted_proxies: Sequence[str] = ()) -> str:
    """Return the client's address: the peer, or the X-Forwarded-For hop a trusted peer vouches for.

    Hops are read right to left (each proxy appends the address it saw) and trusted proxies skipped,
    so a client cannot choose its address by sending its own X-Forwarded-For.
    """
    peer = request.client.host if request.client else "unknown"
    networks = _networks(tuple(trusted_proxies))
    if not networks or not _trusted(peer, networks):
        return peer
    header = ",".join(request.headers.getlist("x-forwarded-for"))
    client = peer
    for hop in reversed([h.strip() for h in header.split(",") if h.strip()]):
        try:
            address = ip_address(hop)
        except ValueError:
            break
        client = str(address)
        if not any(address in net for net in networks):
            break
    return client


def address_key(host: str) -> str:
    """Return the limit key for an address: IPv6 clients are counted per /64, the usual allocation."""
    try:
        address = ip_address(host)
    except ValueError:
        return host
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ip_network(f"{address}/64", strict=False))
    return str(address)


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"


def too_many(decision: Decision, detail: str) -> HTTPException:
    """Return the 429 answer for a refused decision, with its Retry-After header."""
    return HTTPException(
        status_code=429, detail=detail, headers={"Retry-After": str(decision.retry_after)}
    )


def limit_new_conversations(request: Request, runtime: RuntimeDep) -> None:
    """Refuse (429) a new conversation when the client's address started too many this hour."""
    limit = runtime.settings.rate_conversations_per_hour
    if not limit:
        return
    ip = client_ip(request, runtime.settings.trusted_proxies)
    decision = rate_limiter(runtime).hit(f"conv-ip:{address_key(ip)}", limit, HOUR_S)
    if not decision.allowed:
        raise too_many(
            decision,
            "Too many new conversations from your network. "
            f"Please try again in {_in_words(decision.retry_after)}.",
        )


def limit_messages(conversation_id: str, runtime: RuntimeDep, token: TokenDep) -> None:
    """Refuse (429) a message when its conversation sent too many this minute.

    Only requests carrying the conversation's token count, so nobody else can use up its budget.
    """
    limit = runtime.settings.rate_messages_per_minute
    if not limit:
        return
    authorize(runtime.db, conversation_id, token)
    decision = rate_limiter(runtime).hit(f"msg-conv:{conversation_id}", limit, MINUTE_S)
    if not decision.allowed:
        raise too_many(
            decision,
            "You are sending messages too quickly. "
            f"Please wait {_in_words(decision.retry_after)} and try again.",
        )


NewConversationLimit = Annotated[None, Depends(limit_new_conversations)]
MessageLimit = Annotated[None, Depends(limit_messages)]
