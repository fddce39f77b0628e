"""Registering a new patron from LINE: terms, an identity check, a few questions, 登録.

Pure domain: what a registration holds and how it moves on. The conversation
(`conversation.register_flow`) asks the questions; `registration.verification` runs the
identity check with a provider (`identity/`); `storage.registrations` keeps the sessions.
"""
