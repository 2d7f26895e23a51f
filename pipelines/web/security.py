"""Sessions in signed cookies, CSRF tokens, rate limits: the desk's guards.

The session cookie holds the login name, the account's version (a password change or a
switched-off account ends old sessions) and the CSRF token, signed with the desk's secret
(keys/meja-rahasia, 0600, made on first start). It is HttpOnly, SameSite=Strict and Secure
when the desk listens beyond loopback. Every POST form carries the session's CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "dtks_sesi"
SESSION_SECONDS = 10 * 3600  # a working day; then log in again
CSRF_FIELD = "csrf"


@dataclass
class Session:
    """What a session cookie says: who (None before login), their account version, CSRF."""

    nama: str | None
    versi: int
    csrf: str

    @classmethod
    def anonymous(cls) -> Session:
        return cls(None, 0, secrets.token_urlsafe(24))


class Sessions:
    """Signs and reads session cookies."""

    def __init__(self, secret: bytes, secure: bool) -> None:
        self._s = URLSafeTimedSerializer(secret, salt="dtks-meja-sesi")
        self.secure = secure

    def dump(self, session: Session) -> str:
        return self._s.dumps({"n": session.nama, "v": session.versi, "c": session.csrf})

    def load(self, value: str | None) -> Session | None:
        """The session of a cookie, or None when missing, forged or older than a working day."""
        if not value:
            return None
        try:
            data = self._s.loads(value, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        return Session(data.get("n"), int(data.get("v") or 0), data["c"])

    def set_cookie(self, response, session: Session) -> None:
        response.set_cookie(
            COOKIE,
            self.dump(session),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=self.secure,
            path="/",
        )


def csrf_ok(session: Session | None, token: str | None) -> bool:
    """The form's token is the session's (constant-time comparison)."""
    return bool(session and token) and hmac.compare_digest(session.csrf, str(token))


class RateLimit:
    """At most `limit` events per `window` seconds per key (a client address, a name)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def over(self, key: str) -> bool:
        """Whether the key is at its limit now (counts nothing)."""
        now = time.monotonic()
        with self._lock:
            q = self._seen.get(key)
            return bool(q) and sum(1 for t in q if now - t < self.window) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one event; False when the key is over its limit (the event is not counted)."""
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 10_000:  # forget idle keys so memory stays bounded
                self._seen = {
                    k: q for k, q in self._seen.items() if q and now - q[-1] < self.window
                }
            q = self._seen.setdefault(key, deque())
            while q and now - q[0] >= self.window:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            return True


def is_loopback(host: str) -> bool:
    """Whether a listen address is this machine only."""
    return host in ("localhost", "::1") or host.startswith("127.")
