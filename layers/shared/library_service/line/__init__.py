"""LINE platform: webhook intake (stdlib only), message limits and builders, the Messaging API."""
