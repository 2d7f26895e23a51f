"""The desk's routes: each names its right (roles.py) and calls actions.py, nothing else.

GET pages read; every POST carries the CSRF token and goes back to a page (303) with a
message, except the letter issue, whose answer is the page itself. No NIK or KK ever
travels in a URL: they are only ever POSTed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from pipelines.web import actions, roles
from pipelines.web.app import (
    CsrfFailed,
    TooMany,
    back,
    current_user,
    desk,
    file_response,
    flash,
    form_of,
    json_response,
    render,
    require,
    run_in_threadpool,
    session,
)
from pipelines.web.security import CSRF_FIELD, Session, csrf_ok

router = APIRouter()
PERIOD = r"^\d{4}-(0[1-9]|1[0-2])$"
REQUEST_NO = re.compile(r"^REQ-\d{4}-\d{4,}$")
T = TypeVar("T")
FAILED: Any = object()  # what attempt() returns when the action was refused


async def attempt(
    request: Request, work: Callable[[], T], ok: str | Callable[[T], str] | None = None
) -> T:
    """Run a desk action off the event loop. A refusal (DtksError) becomes the page's error
    message and FAILED is returned; otherwise `ok` (text, or made from the result) is the
    success message and the result is returned."""
    try:
        res = await run_in_threadpool(work)
    except actions.DtksError as exc:
        flash(request, "galat", str(exc))
        return FAILED
    if ok is not None:
        flash(request, "ok", ok(res) if callable(ok) else ok)
    return res


def _ribu(n) -> str:
    try:
        return f"{int(n):,}".replace(",", ".")
    except (TypeError, ValueError):
        return "-"


def _tgl(v) -> str:
    if v is None or v != v:
        return "-"
    return v.strftime("%d-%m-%Y") if hasattr(v, "strftime") else str(v)


def _waktu(v) -> str:
    if v is None or v != v:
        return "-"
    return v.strftime("%d-%m-%Y %H:%M") if hasattr(v, "strftime") else str(v)


def _ukuran(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1 << 20 else f"{n / (1 << 20):.1f} MB"


def _beda(value, other):
    """The characters of value that differ from other's at the same place, marked."""
    from markupsafe import Markup, escape

    a, b = str(value or ""), str(other or "")
    if not a or not b or len(a) != len(b):
        return escape(a or "-")
    return Markup("").join(
        Markup("<mark>{}</mark>").format(x) if x != y else escape(x)
        for x, y in zip(a, b, strict=True)
    )


FILTERS = {"ribu": _ribu, "tgl": _tgl, "waktu": _waktu, "ukuran": _ukuran, "beda": _beda}


def _period(period: str) -> str:
    if not re.match(PERIOD, period):
        raise actions.NotFound(f"Periode '{period[:20]}' tidak dikenali (TAHUN-BULAN).")
    return period


# --- entry, login, the public check -----------------------------------------------------------


@router.get("/sehat", include_in_schema=False)
def health() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.get("/")
def index(request: Request):
    user = current_user(request)
    return back(roles.home_page(user.peran) if user else "/masuk")


@router.get("/masuk")
def login_page(request: Request, lanjut: str = "/"):
    insecure = desk(request).sessions.secure and request.url.scheme != "https"
    return render(request, "masuk.html", lanjut=_safe_next(lanjut), tidak_aman=insecure)


def _safe_next(path: str) -> str:
    """Only a path of this desk (never another site) to go to after logging in."""
    return path if re.match(r"^/[A-Za-z0-9/_\-]*$", path or "") else "/"


@router.post("/masuk")
async def login(request: Request):
    d = desk(request)
    form = await form_of(request)
    nama, sandi = form.get("nama", "")[:60], form.get("sandi", "")[:200]
    addr, key = (request.client.host if request.client else "-"), nama.strip().casefold()
    if d.login_fail_addr.over(addr) or d.login_fail_name.over(key):
        raise TooMany()
    user = await run_in_threadpool(actions.login, d.home, nama, sandi)
    if user is None:
        d.login_fail_addr.hit(addr)
        d.login_fail_name.hit(key)
        flash(request, "galat", "Nama pengguna atau kata sandi salah, atau akun tidak aktif.")
        return back("/masuk")
    response = back(_safe_next(form.get("lanjut") or "/"))
    fresh = Session(user.nama, user.versi, Session.anonymous().csrf)  # a new token at login
    d.sessions.set_cookie(response, fresh)
    return response


@router.post("/keluar")
async def logout(request: Request):
    d = desk(request)
    await form_of(request)
    user = current_user(request)
    if user is not None:
        await run_in_threadpool(actions.logout, d.home, user)
    response = back("/masuk")
    d.sessions.set_cookie(response, Session.anonymous())
    return response


@router.get("/cek")
def check_page(request: Request, nomor: str = "", kode: str = ""):
    """Public: anyone holding a letter checks it by number and code (rate-limited)."""
    d = desk(request)
    result = None
    if nomor or kode:
        client = request.client.host if request.client else "-"
        if not (d.check_limit.hit(client) and d.check_limit_all.hit("*")):
            raise TooMany()
        result = actions.check_letter(d.home, nomor, kode)
    return render(request, "cek.html", nomor=nomor[:80], kode=kode[:20], hasil=result)


# --- status -----------------------------------------------------------------------------------


@router.get("/status")
def status_page(request: Request):
    require(request, "status")
    return render(request, "status.html", o=actions.overview(desk(request).home))


# --- months -------------------------------------------------------------------------------------


@router.get("/periode")
def months_page(request: Request, bulan: str = ""):
    require(request, "periode")
    if bulan:
        return back(f"/periode/{_period(bulan)}")
    today = dt.date.today()
    return render(
        request,
        "periode_daftar.html",
        bulan_list=actions.months(desk(request).home),
        bulan_ini=today.strftime("%Y-%m"),
    )


@router.get("/periode/{period}")
def month_page(request: Request, period: str):
    require(request, "periode")
    d = desk(request)
    m = actions.month(d.home, _period(period))
    job = d.jobs.latest(period)
    return render(
        request,
        "periode.html",
        m=m,
        job=job.snapshot() if job else None,
        label=actions.OUTCOME_LABELS,
        outcomes=actions.OUTCOMES,
        batas=actions.upload_limit_mb(d.home),
        pilihan=actions.kelurahan_choices(d.home),
    )


@router.post("/periode/{period}/unggah")
async def upload(request: Request, period: str):
    user = require(request, "unggah")
    _period(period)
    form = await request.form(max_files=20, max_fields=20)
    token = form.get(CSRF_FIELD)
    if not csrf_ok(session(request), token if isinstance(token, str) else None):
        raise CsrfFailed()
    files = [
        (f.filename, f.file)  # spooled to disk by the form parser; copied in blocks
        for f in form.getlist("berkas")
        if not isinstance(f, str) and f.filename
    ]
    kode = str(form.get("kode", "")).replace(".", "")
    await attempt(
        request,
        lambda: actions.upload(desk(request).home, user, period, kode, files),
        lambda names: f"{len(names)} berkas diterima: {', '.join(names)}.",
    )
    return back(f"/periode/{period}#kelurahan")


@router.post("/periode/{period}/finalisasi")
async def start_finalisation(request: Request, period: str):
    user = require(request, "finalisasi")
    await form_of(request)
    await attempt(request, lambda: desk(request).jobs.start(_period(period), user))
    return back(f"/periode/{period}")


@router.get("/periode/{period}/kemajuan")
def progress(request: Request, period: str):
    require(request, "periode")
    job = desk(request).jobs.latest(_period(period))
    return json_response(job.snapshot() if job else {"status": "tidak_ada"})


@router.get("/periode/{period}/telaah")
def review_page(request: Request, period: str):
    require(request, "telaah")
    d = desk(request)
    m = actions.month(d.home, _period(period))
    return render(
        request,
        "telaah.html",
        m=m,
        rows=actions.doubtful(d.home, period),
        keputusan=actions.REVIEW_DECISIONS,
    )


@router.post("/periode/{period}/telaah")
async def review_apply(request: Request, period: str):
    user = require(request, "telaah")
    form = await form_of(request)
    decisions = []
    for i in range(min(int(form.get("n", "0") or 0), 5000)):
        if form.get(f"keputusan_{i}", "").strip():
            decisions.append(
                {
                    "kunci": form.get(f"kunci_{i}", ""),
                    "nik": form.get(f"nik_{i}", ""),
                    "kandidat": form.get(f"kandidat_{i}", ""),
                    "keputusan": form.get(f"keputusan_{i}", ""),
                    "alasan": form.get(f"alasan_{i}", ""),
                }
            )
    if not decisions:
        flash(request, "galat", "Belum ada keputusan yang dipilih.")
        return back(f"/periode/{period}/telaah")
    await attempt(
        request,
        lambda: actions.decide(desk(request).home, user, _period(period), decisions),
        lambda res: (
            f"{res.applied} keputusan diterapkan, {res.unchanged} sudah tercatat "
            f"sebelumnya, {res.undecided} baris masih menunggu keputusan. Semua keluaran bulan ini "
            "ditulis ulang."
        ),
    )
    return back(f"/periode/{period}/telaah")


@router.post("/periode/{period}/tutup")
async def close_month(request: Request, period: str):
    user = require(request, "tutup")
    form = await form_of(request)
    force = form.get("paksa") == "ya"
    await attempt(
        request,
        lambda: actions.close_month(
            desk(request).home, user, _period(period), force, form.get("alasan", "")
        ),
        lambda res: (
            f"Periode {period} sudah ditutup sebelumnya."
            if res.already
            else f"Periode {period} ditutup: {res.proposals} usulan baru dan {res.corrections} "
            "perbaikan dicatat."
        ),
    )
    return back(f"/periode/{period}")


@router.post("/periode/{period}/buka")
async def reopen_month(request: Request, period: str):
    user = require(request, "tutup")
    form = await form_of(request)
    await attempt(
        request,
        lambda: actions.reopen_month(
            desk(request).home, user, _period(period), form.get("alasan", "")
        ),
        f"Periode {period} dibuka kembali (tercatat).",
    )
    return back(f"/periode/{period}")


@router.get("/periode/{period}/unduh/{part}/{name}")
def download(request: Request, period: str, part: str, name: str):
    user = require(request, actions.part_right(part))
    path = actions.download(desk(request).home, user, _period(period), part, name)
    return file_response(path, download=path.suffix != ".pdf")


# --- data requests ----------------------------------------------------------------------------


def _nomor(nomor: str) -> str:
    if not REQUEST_NO.match(nomor):
        raise actions.NotFound("Nomor permintaan tidak dikenali.")
    return nomor


@router.get("/permintaan")
def requests_page(request: Request):
    require(request, "permintaan")
    return render(
        request,
        "permintaan_daftar.html",
        daftar=actions.requests(desk(request).home),
        katalog=actions.catalogue(),
    )


@router.get("/permintaan/baru")
def request_form(request: Request):
    require(request, "permintaan_catat")
    return render(
        request,
        "permintaan_baru.html",
        kanal=actions.CHANNELS,
        kategori=actions.CATEGORIES,
        kompleksitas=actions.COMPLEXITY,
        katalog=actions.catalogue(),
    )


@router.post("/permintaan/baru")
async def request_new(request: Request):
    user = require(request, "permintaan_catat")
    form = await form_of(request)
    made = await attempt(request, lambda: actions.request_new(desk(request).home, user, form))
    if made is FAILED:
        return back("/permintaan/baru")
    nomor, due, words = made
    flash(request, "ok", f"Permintaan {nomor} dicatat; batas waktu {due:%d-%m-%Y}.")
    if words:
        flash(
            request,
            "galat",
            f"Tujuan mengarah ke kepentingan politik ({', '.join(words)}): permintaan ini harus "
            "ditolak dengan alasan tertulis.",
        )
    return back(f"/permintaan/{nomor}")


@router.get("/permintaan/{nomor}")
def request_page(request: Request, nomor: str):
    user = require(request, "permintaan")
    d = desk(request)
    req, events = actions.request_detail(d.home, _nomor(nomor))
    r = actions.request_roles(d.home)
    mine = user.jabatan.casefold()
    reviewed = {e["peran"].casefold() for e in events if e["status"] == "ditelaah"}
    return render(
        request,
        "permintaan.html",
        r=req,
        events=events,
        rantai=r.chain,
        penyetuju=r.approvers,
        sudah=reviewed,
        katalog=actions.catalogue(),
        boleh_telaah=any(c.casefold() == mine for c in r.chain) and mine not in reviewed,
        boleh_setuju=any(a.casefold() == mine for a in r.approvers),
        boleh_tolak=any(a.casefold() == mine for a in [*r.chain, *r.approvers]),
    )


@router.post("/permintaan/{nomor}/langkah")
async def request_step(request: Request, nomor: str):
    user = require(request, "permintaan_putus")
    form = await form_of(request)
    status = form.get("status", "")
    if status not in ("ditelaah", "disetujui", "ditolak"):
        flash(request, "galat", "Langkah tidak dikenal.")
        return back(f"/permintaan/{_nomor(nomor)}")
    await attempt(
        request,
        lambda: actions.request_step(
            desk(request).home, user, _nomor(nomor), status, form.get("catatan", "")
        ),
        f"{nomor}: {status} oleh {user.jabatan} {user.nama}.",
    )
    return back(f"/permintaan/{nomor}")


@router.post("/permintaan/{nomor}/pks")
async def request_pks(request: Request, nomor: str):
    user = require(request, "permintaan_catat")
    form = await form_of(request)
    await attempt(
        request,
        lambda: actions.request_pks(desk(request).home, user, _nomor(nomor), form.get("pks", "")),
        f"{nomor}: nomor PKS dicatat.",
    )
    return back(f"/permintaan/{nomor}")


@router.post("/permintaan/{nomor}/penuhi")
async def request_fulfil(request: Request, nomor: str):
    user = require(request, "permintaan_catat")
    await form_of(request)
    await attempt(
        request,
        lambda: actions.request_fulfil(desk(request).home, user, _nomor(nomor)),
        lambda z: f"Paket {z.name} disiapkan, ditandatangani dan diserahkan.",
    )
    return back(f"/permintaan/{nomor}")


@router.get("/permintaan/{nomor}/paket")
def request_package(request: Request, nomor: str):
    user = require(request, "permintaan_catat")
    return file_response(actions.request_package(desk(request).home, user, _nomor(nomor)))


# --- letters ----------------------------------------------------------------------------------


@router.get("/surat")
def letters_page(request: Request):
    require(request, "surat")
    d = desk(request)
    return render(
        request,
        "surat.html",
        daftar=actions.letter_list(d.home),
        url_cek=actions.letter_check_url(d.home),
        hasil=None,
    )


@router.post("/surat")
async def letter_issue(request: Request):
    user = require(request, "surat")
    form = await form_of(request)
    d = desk(request)
    res = await attempt(
        request, lambda: actions.letter_issue(d.home, user, form.get("nik", ""), form.get("kk", ""))
    )
    if res is FAILED:
        return back("/surat")
    link = (
        f"/surat/{res.path.parent.name}/{int(res.path.stem.rsplit('_', 1)[1])}.pdf"
        if res.registered
        else f"/surat/informasi/{quote(res.path.name)}"
    )
    return render(
        request,
        "surat.html",
        daftar=actions.letter_list(d.home),
        url_cek=actions.letter_check_url(d.home),
        hasil={"terdaftar": res.registered, "nomor": res.nomor, "kode": res.kode,
               "alasan": res.why, "tautan": link},
    )  # fmt: skip


@router.get("/surat/{tahun:int}/{urut:int}.pdf")
def letter_pdf(request: Request, tahun: int, urut: int):
    user = require(request, "surat")
    return file_response(actions.letter_file(desk(request).home, user, tahun, urut), False)


@router.get("/surat/informasi/{name}")
def info_pdf(request: Request, name: str):
    require(request, "surat")
    return file_response(actions.info_file(desk(request).home, name), False)


@router.post("/surat/cabut")
async def letter_revoke(request: Request):
    user = require(request, "surat")
    form = await form_of(request)
    nomor = form.get("nomor", "")
    await attempt(
        request,
        lambda: actions.letter_revoke(desk(request).home, user, nomor, form.get("alasan", "")),
        f"Surat nomor {nomor} dicabut (tercatat).",
    )
    return back("/surat")
