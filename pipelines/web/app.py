"""The web desk: a FastAPI app of server-rendered pages over actions.py.

Every page but the login and the public letter check needs a logged-in account whose role
has the page's right (roles.py); every POST form carries the session's CSRF token. Pages
are Indonesian. The access log names method, path (never a query string), status and time.
"""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from pipelines.web import actions, roles
from pipelines.web.jobs import Jobs
from pipelines.web.security import (
    COOKIE,
    CSRF_FIELD,
    RateLimit,
    Session,
    Sessions,
    csrf_ok,
)

access = logging.getLogger("pipelines.web.akses")
log = logging.getLogger(__name__)
MAX_FORM_BYTES = 256 * 1024  # every form but an upload
PUBLIC = {"/masuk", "/cek", "/sehat"}


class LoginRequired(Exception):
    "The page needs a logged-in account."


class Forbidden(Exception):
    "The account's role has no right to this page or act."

    def __init__(self, right: str) -> None:
        super().__init__(right)
        self.right = right


class CsrfFailed(Exception):
    "A form came without the session's CSRF token."


class TooMany(Exception):
    "Over a rate limit."


@dataclass
class Desk:
    """What the routes share: the data root, sessions, runs, limits, messages to show once."""

    home: actions.Home
    sessions: Sessions
    jobs: Jobs
    templates: Jinja2Templates
    check_limit: RateLimit = field(default_factory=lambda: RateLimit(20, 60))
    check_limit_all: RateLimit = field(default_factory=lambda: RateLimit(600, 60))
    # failed logins: per name (guessing one password) and per address (trying many names)
    login_fail_name: RateLimit = field(default_factory=lambda: RateLimit(5, 300))
    login_fail_addr: RateLimit = field(default_factory=lambda: RateLimit(20, 60))
    flashes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def desk(request: Request) -> Desk:
    return request.app.state.desk


# --- sessions and rights ------------------------------------------------------------------------


def session(request: Request) -> Session | None:
    return desk(request).sessions.load(request.cookies.get(COOKIE))


def current_user(request: Request) -> actions.User | None:
    """The logged-in, active account of this request, else None."""
    s = session(request)
    if s is None or not s.nama:
        return None
    user = actions.account(desk(request).home, s.nama)
    if user is None or not user.aktif or user.versi != s.versi:
        return None
    return user


def require(request: Request, right: str) -> actions.User:
    """The user, when logged in and their role has `right`; else LoginRequired / Forbidden."""
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    if not roles.allowed(user.peran, right):
        raise Forbidden(right)
    request.state.user = user
    return user


async def form_of(request: Request) -> dict[str, str]:
    """The form's text fields, after checking its CSRF token."""
    # one decision is 5 fields; the body limit (MAX_FORM_BYTES) bounds the form anyway
    form = await request.form(max_fields=20_000)
    token = form.get(CSRF_FIELD)
    if not csrf_ok(session(request), token if isinstance(token, str) else None):
        raise CsrfFailed()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def flash(request: Request, kind: str, text: str) -> None:
    """A message shown once on the next page of this session ('ok' or 'galat')."""
    s = session(request)
    if s is not None:
        desk(request).flashes.setdefault(s.csrf, []).append((kind, actions.mask(text)))


def back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def render(request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
    """A page; a visitor without a session gets one (for the CSRF token of its forms)."""
    d = desk(request)
    s = session(request)
    fresh = s is None
    if fresh:
        s = Session.anonymous()
    user = getattr(request.state, "user", None)
    ctx.update(
        request=request,
        user=user,
        csrf=s.csrf,
        flashes=d.flashes.pop(s.csrf, []),
        dinas=_dinas(d),
        allowed=lambda right: user is not None and roles.allowed(user.peran, right),
        nav=_nav(user),
        path=request.url.path,
    )
    response = d.templates.TemplateResponse(request, name, ctx, status_code=status)
    if fresh and request.url.path != "/cek":  # the public check needs no session, no cookie
        d.sessions.set_cookie(response, s)
    return response


def _dinas(d: Desk):
    try:
        return actions.dinas(d.home)
    except actions.DtksError:
        return actions.Dinas("Dinas Sosial", None, "")


def _nav(user) -> list[tuple[str, str]]:
    if user is None:
        return []
    items = [
        ("/periode", "Periode", "periode"),
        ("/permintaan", "Permintaan data", "permintaan"),
        ("/surat", "Surat keterangan", "surat"),
        ("/status", "Status", "status"),
    ]
    return [(href, label) for href, label, right in items if roles.allowed(user.peran, right)]


# --- the app ------------------------------------------------------------------------------------


def create_app(home: actions.Home, secure_cookies: bool = False) -> FastAPI:
    """The desk for one data root. secure_cookies when it listens beyond loopback."""
    from pipelines.web import pages

    folder = resources.files("pipelines.web")
    templates = Jinja2Templates(directory=str(folder / "templates"))
    templates.env.filters.update(pages.FILTERS)
    desk_ = Desk(home, Sessions(actions.secret(home), secure_cookies), Jobs(home), templates)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        desk_.jobs.stop()  # a run killed half-way changes nothing (all or nothing)

    app = FastAPI(
        title="Meja DTKS", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.desk = desk_
    app.mount("/statis", StaticFiles(directory=str(folder / "static")), name="statis")
    app.include_router(pages.router)
    _errors(app)
    app.middleware("http")(_guard)
    return app


async def _guard(request: Request, call_next):
    """Size limit, security headers, and an access log line without query strings."""
    t0 = time.perf_counter()
    limit = _body_limit(request)
    length = request.headers.get("content-length")
    if request.method == "POST" and (length is None or not length.isdigit()):
        response = Response("Panjang kiriman (Content-Length) wajib ada.", status_code=411)
    elif length is not None and length.isdigit() and int(length) > limit:
        response = _too_large(request)
    else:
        try:
            response = await call_next(request)
        except Exception as exc:  # never a traceback (with values) in the server log
            log.error("kesalahan tak terduga di %s: %s", request.url.path, type(exc).__name__)
            response = render(
                request,
                "galat.html",
                500,
                judul="Kesalahan tak terduga",
                pesan=f"Terjadi kesalahan tak terduga ({type(exc).__name__}). Laporkan ke "
                "administrator; isi data tidak ditampilkan agar data pribadi tidak tercatat.",
            )
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    if not request.url.path.startswith("/statis/"):
        response.headers["Cache-Control"] = "no-store"
    access.info(
        "%s %s %d %.0f ms",
        request.method,
        request.url.path,
        response.status_code,
        (time.perf_counter() - t0) * 1000,
    )
    return response


def _body_limit(request: Request) -> int:
    if request.method == "POST" and request.url.path.endswith("/unggah"):
        per_file = actions.upload_limit_mb(desk(request).home)
        return int(per_file * (1 << 20) * 2) + MAX_FORM_BYTES  # a prelist and a berita acara
    return MAX_FORM_BYTES


def _too_large(request: Request) -> Response:
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><title>Terlalu besar</title>"
        "<p>Kiriman terlalu besar. Unggah berkas satu per satu, masing-masing paling besar "
        f"{actions.upload_limit_mb(desk(request).home):g} MB.</p>"
        '<p><a href="javascript:history.back()">Kembali</a></p>',
        status_code=413,
    )


def _errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired):
        nxt = request.url.path if request.method == "GET" else "/"
        return back("/masuk?lanjut=" + quote(nxt, safe="/"))

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        what = roles.MATRIX.get(exc.right, ("", ()))[0].lower()
        return render(
            request,
            "galat.html",
            403,
            judul="Bukan untuk peran Anda",
            pesan=f"Peran akun Anda tidak berwenang untuk: {what or exc.right}.",
        )

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, _exc: CsrfFailed):
        return render(
            request,
            "galat.html",
            403,
            judul="Formulir kedaluwarsa",
            pesan="Formulir ini tidak berasal dari halaman meja yang masih berlaku. Muat ulang "
            "halaman lalu kirim lagi.",
        )

    @app.exception_handler(TooMany)
    async def _many(request: Request, _exc: TooMany):
        return render(
            request,
            "galat.html",
            429,
            judul="Terlalu banyak percobaan",
            pesan="Terlalu banyak permintaan dalam waktu singkat. Tunggu satu menit lalu coba "
            "lagi.",
        )

    @app.exception_handler(actions.NotFound)
    async def _missing(request: Request, exc: actions.NotFound):
        return render(request, "galat.html", 404, judul="Tidak ditemukan", pesan=str(exc))

    @app.exception_handler(actions.StoreLocked)
    async def _busy(request: Request, _exc: actions.StoreLocked):
        return render(
            request,
            "galat.html",
            503,
            judul="Basis data sedang dipakai",
            pesan="Basis data sedang dipakai proses lain (mis. finalisasi yang berjalan atau "
            "perintah dtks di terminal). Coba lagi sebentar lagi.",
            muat_ulang=True,
        )

    @app.exception_handler(actions.DtksError)
    async def _expected(request: Request, exc: actions.DtksError):
        return render(request, "galat.html", 400, judul="Tidak dapat dilakukan", pesan=str(exc))


def json_response(data: dict) -> JSONResponse:
    return JSONResponse(data)


def file_response(path: Path, download: bool = True) -> Response:
    from fastapi.responses import FileResponse

    return FileResponse(
        path,
        filename=path.name,
        content_disposition_type="attachment" if download else "inline",
    )


__all__ = [
    "Desk",
    "back",
    "create_app",
    "file_response",
    "flash",
    "form_of",
    "json_response",
    "render",
    "require",
    "run_in_threadpool",
]
