"""Request rate limits for the public API: who the client is, and the 429 answer when they overdo it.

Limits (settings, 0 disables): new conversations per client address per hour
(`WIL_RATE_CONVERSATIONS_PER_HOUR`) and messages per conversation per minute
(`WIL_RATE_MESSAGES_PER_MINUTE`). The client address is the connection's peer; `X-Forwarded-For`
is believed only when that peer is one of `WIL_TRUSTED_PROXIES` (see `client_ip` for what
uvicorn's own proxy-header handling changes). The 429's `detail` is a sentence
for the person, in the conversation's language (else the one `Accept-Language` prefers).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from assistant.ratelimit import Decision, RateLimiter, limit_text, make_rate_limiter
from assistant.runtime import Runtime
from channels.web.deps import ConversationDep, RuntimeDep

LIMITER_KEY = "rate_limiter"
HOUR_S = 3600.0
MINUTE_S = 60.0

Network = IPv4Network | IPv6Network
# The client address of requests with an X-Forwarded-For header that no trusted proxy vouches for.
UNVERIFIED_FORWARD = "forwarded-unverified"
LOCALHOST = "127.0.0.1"


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

    uvicorn's default `--proxy-headers` trusts 127.0.0.1 and may already have replaced the peer
    with a hop of the header. A peer that is one of the header's hops is therefore believed only
    when 127.0.0.1 is a trusted proxy here too and it is the hop this function would have chosen;
    otherwise such requests share one budget (`UNVERIFIED_FORWARD`), so forging the header from
    the server's own host resets nothing.
    """
    peer = request.client.host if request.client else "unknown"
    networks = _networks(tuple(trusted_proxies))
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    hops = [h for h in hops if h]
    if networks and _trusted(peer, networks):
        return _forwarded_client(peer, hops, networks)
    if not any(_hop_host(h) == peer for h in hops):
        return peer  # the real connection: its own header, if any, is ignored
    if _trusted(LOCALHOST, networks) and _forwarded_client(LOCALHOST, hops, networks) == peer:
        return peer  # uvicorn read the header of a local proxy we trust, as we would have
    return UNVERIFIED_FORWARD


def _forwarded_client(peer: str, hops: list[str], networks: Sequence[Network]) -> str:
    """Return the rightmost hop that is not a trusted proxy (the peer when there is none)."""
    client = peer
    for hop in reversed(hops):
        try:
            address = ip_address(_hop_host(hop))
        except ValueError:
            break
        client = str(address)
        if not any(address in net for net in networks):
            break
    return client


def _hop_host(hop: str) -> str:
    """Return a hop's address without a port: `1.2.3.4:80` and `[2001:db8::1]:80` as uvicorn does."""
    if hop.startswith("["):
        return hop[1 : hop.find("]")] if "]" in hop else hop
    if hop.count(":") == 1:
        return hop.split(":", 1)[0]
    try:
        return str(ip_address(hop))
    except ValueError:
        return hop


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


def preferred_locale(accept_language: str | None) -> str | None:
    """Return "fr" or "en", whichever the `Accept-Language` header ranks first; None for neither.

    `fr-CA;q=0.9, en;q=0.8` is French; `de, en;q=0.5, fr;q=0.4` is English (q=0 means "not").
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, *params = [p.strip() for p in part.split(";")]
        lang = tag.lower().split("-", 1)[0]
        if lang not in ("en", "fr"):
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None


async def requested_locale(request: Request) -> str | None:
    """Return the `locale` a new conversation asks for in its JSON body, if any (never fails)."""
    if "json" not in request.headers.get("content-type", ""):
        return None
    try:
        body = await request.json()  # already read and cached by FastAPI for the endpoint
    except ValueError:
        return None
    locale = body.get("locale") if isinstance(body, dict) else None
    return locale if locale in ("en", "fr") else None


def too_many(decision: Decision, detail: str) -> HTTPException:
    """Return the 429 answer for a refused decision, with its Retry-After header."""
    return HTTPException(
        status_code=429, detail=detail, headers={"Retry-After": str(decision.retry_after)}
    )


def limit_new_conversations(
    request: Request,
    runtime: RuntimeDep,
    locale: Annotated[str | None, Depends(requested_locale)],
) -> None:
    """Refuse (429) a new conversation when the client's address started too many this hour.

    The answer is in the language the conversation would have had: the body's `locale`, else
    the one `Accept-Language` prefers.
    """
    limit = runtime.settings.rate_conversations_per_hour
    if not limit:
        return
    ip = client_ip(request, runtime.settings.trusted_proxies)
    decision = rate_limiter(runtime).hit(f"conv-ip:{address_key(ip)}", limit, HOUR_S)
    if not decision.allowed:
        lang = locale or preferred_locale(request.headers.get("accept-language")) or "en"
        raise too_many(decision, limit_text("conversations", decision, lang))


def limit_messages(
    conversation_id: str, request: Request, runtime: RuntimeDep, conv: ConversationDep
) -> None:
    """Refuse (429) a message when its conversation sent too many this minute.

    Only requests carrying the conversation's token count, so nobody else can use up its budget.
    The answer is in the conversation's language.
    """
    limit = runtime.settings.rate_messages_per_minute
    if not limit:
        return
    decision = rate_limiter(runtime).hit(f"msg-conv:{conversation_id}", limit, MINUTE_S)
    if not decision.allowed:
        lang = conv.locale or preferred_locale(request.headers.get("accept-language")) or "en"
        raise too_many(decision, limit_text("messages", decision, lang))


NewConversationLimit = Annotated[None, Depends(limit_new_conversations)]
MessageLimit = Annotated[None, Depends(limit_messages)]
