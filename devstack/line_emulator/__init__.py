"""LINE platform emulator for local development and tests.

Serves, on one port, the parts of api.line.me / api-data.line.me / access.line.me the bot uses,
enforcing LINE's limits with LINE's error shapes, plus a LINE-like chat page at ``/``.

    from devstack.line_emulator import LineEmulator, EmulatorSettings
    emu = LineEmulator(EmulatorSettings(port=3001, webhook_url="http://127.0.0.1:3000/webhook"))
    emu.start()   # background thread; port=0 picks a free port, emu.url tells which
    emu.stop()

or ``python -m devstack.line_emulator --port 3001 --webhook-url ... --channel-secret ...``.

Messaging API (``Authorization: Bearer <channel_access_token>`` required, else 401)
    POST /v2/bot/message/reply, /v2/bot/message/push (X-Line-Retry-Key), GET /v2/bot/profile/{id},
    POST /v2/bot/user/{id}/linkToken, POST /v2/bot/chat/loading/start, GET /v2/bot/info,
    rich menus, default and per-user links, bulk link/unlink, aliases, images.
LINE Login v2.1
    GET /oauth2/v2.1/authorize (consent page), POST /oauth2/v2.1/token (PKCE S256),
    POST /oauth2/v2.1/verify (ID token), GET /oauth2/v2.1/verify?access_token=, GET /v2/profile.
Account link
    GET /dialog/bot/accountLink?linkToken=&nonce= consumes the token, sends an accountLink event.

Test API (no auth; JSON in and out; errors are {"error": "..."})
    GET  /_sim/users
        -> {"users": [{"userId", "displayName", "pictureUrl", "friend"}]}
    POST /_sim/users                     {"userId"?, "displayName"?} -> the user, not a friend
    POST /_sim/users/{userId}/follow     {"displayName"?, "pictureUrl"?}
        -> user fields + {"webhookEventId", "webhookStatus"}; a follow event is delivered
           (isUnblocked true on a re-follow; nothing is sent when already a friend)
    POST /_sim/users/{userId}/unfollow   -> same shape; an unfollow event is delivered
    POST /_sim/users/{userId}/messages   {"type": "text", "text": "..."}
                                       | {"type": "postback", "data": "...", "params": {...}}
        -> 200 {"webhookEventId", "webhookStatus"}, or 502 with "error" added when the webhook
           is unreachable or answers non-2xx; 409 when the user is not a friend.
           A postback whose params has newRichMenuAliasId is a richmenuswitch tap: the user's
           menu switches and params.status is filled in ("SUCCESS", "RICHMENU_ALIAS_ID_NOTFOUND").
    GET  /_sim/users/{userId}/messages?after=<seq>&wait=<seconds, max 30>
        -> {"messages": [{"seq", "via": "reply"|"push", "message", "at", "messageId",
                          "notificationDisabled"}],
            "loading": null | {"loadingSeconds", "remainingSeconds"}}
           everything the bot sent that user, oldest first; seq grows across the emulator;
           wait long-polls until a message with seq > after exists (&wakeOnLoading=1 also
           returns early, with no messages, when the bot starts a loading animation).
    GET  /_sim/users/{userId}/richmenu
        -> {"richMenu": {...} | null, "source": "user"|"default"|"alias"|null, "hasImage",
            "linkedRichMenuId", "defaultRichMenuId", "switchedAliasId", "aliases": {alias: id}}
    GET  /_sim/richmenus/{richMenuId}/content   the uploaded image, no token needed
    GET  /_sim/api-log?after=<n>
        -> {"calls": [{"n", "method", "path", "status", "request", "response", "at"}]}
           every /v2/* and /oauth2/* call, refused ones included, secrets masked
    GET  /_sim/webhooks?after=<n>
        -> {"deliveries": [{"n", "webhookEventId", "type", "userId", "isRedelivery", "status",
                            "error", "at"}]}
    POST /_sim/events/{webhookEventId}/redeliver
        -> same body again with deliveryContext.isRedelivery true; answers like /messages
    GET  /_sim/clock -> {"now", "nowMs", "offsetSeconds"}
    POST /_sim/clock {"advanceSeconds": 61}   moves the clock that expires reply tokens
                                              (ttl from settings), link tokens (10 min),
                                              login codes (10 min) and retry keys (24 h)
    GET  /_sim/faults -> {"faults": {path: [status, ...]}}
    POST /_sim/faults {"path": "/v2/bot/message/push", "status": 429|500, "count": 2}
         the next `count` authorised calls to that exact path fail without side effects:
         429 {"message": "The API rate limit has been exceeded. Try again later."},
         500 {"message": "Internal server error"}
    DELETE /_sim/faults
    GET  /_sim/config -> {"botUserId", "webhookUrl", "loginChannelId", "replyTokenTtlSeconds"}

Rules worth knowing: a reply token works once, only for a successful reply, and only while
younger than reply_token_ttl_seconds; push to a user who never followed is 400 "Failed to send
messages" while push to a user who blocked is 200 but not shown; linking a rich menu that has no
image is 400, as on LINE (EmulatorSettings.require_richmenu_image=False relaxes it).
"""

from .server import EmulatorStartError, LineEmulator
from .settings import EmulatorSettings

__all__ = ["EmulatorSettings", "EmulatorStartError", "LineEmulator"]
