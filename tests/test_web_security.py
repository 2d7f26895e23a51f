"""The desk's guards over plain HTTP (FastAPI's TestClient): accounts, roles, CSRF, uploads.

Every route is listed in ROUTES with the right it needs; a route missing from the list fails
`test_every_route_is_listed`, so a new page cannot skip these checks.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from web_world import ACCOUNTS, PASSWORD, PERIOD, build_desk_world

from pipelines.store import open_store
from pipelines.web import roles, uploads
from pipelines.web.app import create_app

pytest.importorskip("fastapi.testclient")
from fastapi.testclient import TestClient  # noqa: E402

# (method, path, right); None = public
ROUTES = [
    ("GET", "/sehat", None),
    ("GET", "/", None),
    ("GET", "/masuk", None),
    ("POST", "/masuk", None),
    ("POST", "/keluar", None),
    ("GET", "/cek", None),
    ("GET", "/status", "status"),
    ("GET", "/periode", "periode"),
    ("GET", f"/periode/{PERIOD}", "periode"),
    ("POST", f"/periode/{PERIOD}/unggah", "unggah"),
    ("POST", f"/periode/{PERIOD}/finalisasi", "finalisasi"),
    ("GET", f"/periode/{PERIOD}/kemajuan", "periode"),
    ("GET", f"/periode/{PERIOD}/telaah", "telaah"),
    ("POST", f"/periode/{PERIOD}/telaah", "telaah"),
    ("POST", f"/periode/{PERIOD}/tutup", "tutup"),
    ("POST", f"/periode/{PERIOD}/buka", "tutup"),
    ("GET", f"/periode/{PERIOD}/unduh/siks-ng/6271011001_{PERIOD}_usulan_baru.xlsx", "unduh"),
    ("GET", f"/periode/{PERIOD}/unduh/laporan/laporan_finalisasi_{PERIOD}.pdf", "laporan"),
    ("GET", "/permintaan", "permintaan"),
    ("GET", "/permintaan/baru", "permintaan_catat"),
    ("POST", "/permintaan/baru", "permintaan_catat"),
    ("GET", "/permintaan/REQ-2026-0001", "permintaan"),
    ("POST", "/permintaan/REQ-2026-0001/langkah", "permintaan_putus"),
    ("POST", "/permintaan/REQ-2026-0001/pks", "permintaan_catat"),
    ("POST", "/permintaan/REQ-2026-0001/penuhi", "permintaan_catat"),
    ("GET", "/permintaan/REQ-2026-0001/paket", "permintaan_catat"),
    ("GET", "/surat", "surat"),
    ("POST", "/surat", "surat"),
    ("GET", "/surat/2026/1.pdf", "surat"),
    ("GET", "/surat/informasi/INFO_x.pdf", "surat"),
    ("POST", "/surat/cabut", "surat"),
]
PROTECTED = [r for r in ROUTES if r[2] is not None]


@pytest.fixture(scope="module", autouse=True)
def _cheap_hashes():
    """argon2id at its lightest here: these tests log in many times (the desk uses the
    defaults, which cost ~0.1-0.5 s a login on a busy 2-core machine)."""
    from argon2 import PasswordHasher

    from pipelines import users

    saved = users._hasher, users._DUMMY
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    users._DUMMY = users._hasher.hash("x" * 12)
    yield
    users._hasher, users._DUMMY = saved


@pytest.fixture(scope="module")
def world(tmp_path_factory, _cheap_hashes):
    from conftest import run_finalize_stages

    dw = build_desk_world(tmp_path_factory.mktemp("sek") / "root")
    # the held-back kelurahan goes in as the desk would put it, then the month is finalised
    folder = dw.home.period_raw(PERIOD) / f"62.71.01.{dw.held_back[6:]} Panarung"
    folder.mkdir()
    for name, data in dw.held_files.items():
        (folder / name).write_bytes(data)
    run_finalize_stages(dw.home)
    return dw


@pytest.fixture(scope="module")
def app(world):
    return create_app(world.home)


def _csrf(client: TestClient) -> str:
    page = client.get("/masuk")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


_clients: dict[tuple[int, str], tuple[TestClient, str]] = {}


def client_for(app, name: str | None) -> tuple[TestClient, str]:
    """A client logged in as `name` (None: anonymous) and its CSRF token (kept per app)."""
    if name and (id(app), name) in _clients:
        return _clients[id(app), name]
    c = TestClient(app, follow_redirects=False)
    token = _csrf(c)
    if name:
        r = c.post("/masuk", data={"csrf": token, "nama": name, "sandi": PASSWORD})
        assert r.status_code == 303 and "/masuk" not in r.headers["location"], name
        token = _csrf(c)
        _clients[id(app), name] = (c, token)
    return c, token


def _actions(world) -> int:
    with open_store(world.home.store_path, read_only=True) as store:
        return store.one("SELECT count(*) FROM desk_action WHERE aksi NOT LIKE 'masuk%'")[0]


def _send(c: TestClient, method: str, path: str, token: str | None):
    if method == "GET":
        return c.get(path)
    data = {"csrf": token} if token else {}
    return c.post(path, data=data)


def test_every_route_is_listed(app):
    listed = {(m, re.sub(r"[^/]+", "x", p)) for m, p, _ in ROUTES}
    for route in app.routes:
        methods = getattr(route, "methods", None)
        if not methods or route.path.startswith("/statis"):
            continue
        shape = re.sub(r"[^/]+", "x", route.path)
        for m in methods - {"HEAD"}:
            assert (m, shape) in listed, f"{m} {route.path} is not in ROUTES"


@pytest.mark.parametrize(("method", "path", "right"), PROTECTED)
def test_every_page_refuses_anonymous_users(app, world, method, path, right):
    c, token = client_for(app, None)
    before = _actions(world)
    r = _send(c, method, path, token)
    assert r.status_code == 303 and r.headers["location"].startswith("/masuk")
    assert _actions(world) == before


@pytest.mark.parametrize(("method", "path", "right"), PROTECTED)
def test_a_role_cannot_do_another_roles_action(app, world, method, path, right):
    before = _actions(world)
    for name, role in ACCOUNTS.items():
        if roles.allowed(role, right):
            continue
        c, token = client_for(app, name)
        r = _send(c, method, path, token)
        assert r.status_code == 403, f"{role} got {r.status_code} on {method} {path}"
        assert "Bukan untuk peran Anda" in r.text
    assert _actions(world) == before


def test_each_role_reaches_its_own_pages(app):
    for name, role in ACCOUNTS.items():
        c, _ = client_for(app, name)
        home = c.get("/")
        assert home.status_code == 303
        page = c.get(home.headers["location"])
        assert page.status_code == 200, role
        for method, path, right in PROTECTED:
            if method == "GET" and roles.allowed(role, right) and "{" not in path:
                assert c.get(path).status_code != 403, f"{role} refused {path}"


@pytest.mark.parametrize(
    ("method", "path", "right"), [r for r in ROUTES if r[0] == "POST" and r[1] != "/masuk"]
)
def test_a_form_without_its_csrf_token_is_refused(app, world, method, path, right):
    user = next((n for n, role in ACCOUNTS.items() if right and roles.allowed(role, right)), "rina")
    c, token = client_for(app, user)
    before = _actions(world)
    forged = ("y" if token[0] == "x" else "x") + token[1:]  # never the token itself
    for sent in (None, forged):  # missing, and a forged one
        r = _send(c, method, path, sent)
        assert r.status_code == 403 and "Formulir kedaluwarsa" in r.text, path
    assert _actions(world) == before


def test_login_needs_its_csrf_token_and_failed_logins_are_limited(app, world):
    c = TestClient(app, follow_redirects=False)
    r = c.post("/masuk", data={"nama": "rina", "sandi": PASSWORD})
    assert r.status_code == 403
    from pipelines import users

    with open_store(world.home.store_path) as store:
        users.add(store, "dicoba", "analis", PASSWORD)
    c2, token = client_for(app, None)
    codes = [
        c2.post(
            "/masuk", data={"csrf": token, "nama": "dicoba", "sandi": "salah-salah-salah"}
        ).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [303] * 5 and codes[5] == 429
    # the right password is refused too while the name is locked out
    r = c2.post("/masuk", data={"csrf": token, "nama": "dicoba", "sandi": PASSWORD})
    assert r.status_code == 429
    with open_store(world.home.store_path, read_only=True) as store:
        failed = store.one(
            "SELECT count(*) FROM desk_action WHERE aksi = 'masuk_gagal' AND pengguna = 'dicoba'"
        )[0]
    assert failed == 5


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    return buf.getvalue()


def test_an_upload_named_dotdot_stays_inside_its_folder(app, world, tmp_path):
    c, token = client_for(app, "oki")
    r = c.post(
        f"/periode/{PERIOD}/unggah",
        data={"csrf": token, "kode": "6271011003"},
        files=[("berkas", ("../../x.xlsx", _xlsx_bytes(), "application/octet-stream"))],
    )
    assert r.status_code == 303
    period_dir = world.home.period_raw(PERIOD)
    folder = period_dir / "62.71.01.1003 Langkai"
    assert [p.name for p in folder.iterdir()] == ["x.xlsx"]
    assert not (period_dir.parent / "x.xlsx").exists()
    assert not (world.home.raw.parent / "x.xlsx").exists()
    assert list(world.home.root.rglob("x.xlsx")) == [folder / "x.xlsx"]
    with open_store(world.home.store_path, read_only=True) as store:
        act = store.one("SELECT pengguna, sasaran FROM desk_action WHERE aksi = 'unggah'")
    assert act == ("oki", f"{PERIOD}/62.71.01.1003")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=60), st.sampled_from([".xlsx", ".csv", ".xls", ".XLSX"]))
def test_any_uploaded_name_becomes_a_plain_name_inside_the_folder(tmp_path_factory, raw, suffix):
    folder = tmp_path_factory.getbasetemp() / "kel"
    name = uploads.safe_name(raw + suffix, {".xlsx", ".csv", ".xls"})
    assert "/" not in name and "\\" not in name and ".." not in name
    assert name.endswith(suffix.lower()) and name[0] not in ". "
    assert (folder / name).resolve().parent == folder.resolve()


def test_an_oversized_or_disguised_upload_is_refused(app, world):
    c, token = client_for(app, "oki")
    limit = 1 << 20  # [batas_berkas] ukuran_berkas_mb = 1 in this world's dtks.toml
    big = b"NIK;NAMA\n" + b"1;A\n" * (limit // 4 + 10)
    r = c.post(
        f"/periode/{PERIOD}/unggah",
        data={"csrf": token, "kode": "6271011004"},
        files=[("berkas", ("prelist.csv", big, "text/csv"))],
    )
    assert r.status_code == 303
    page = c.get(f"/periode/{PERIOD}")
    assert "lebih besar dari batas 1 MB" in page.text
    folder = world.home.period_raw(PERIOD) / "62.71.01.1004 Tumbang Rungan"
    assert not folder.exists()
    # a body far beyond any upload is cut off before it is read
    r = c.post(
        f"/periode/{PERIOD}/unggah",
        content=b"x" * 10,
        headers={"content-length": str(200 << 20), "content-type": "multipart/form-data"},
    )
    assert r.status_code == 413
    bomb = io.BytesIO()  # 3 MiB of zeros in a few KB: over the pipeline's compression ratio
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (3 << 20))
    cases = [
        ("prelist.exe", b"MZ...", "jenis '.exe'"),
        ("prelist.xlsx", b"NIK;NAMA\n1;A\n", "bukan berkas .xlsx yang sah"),
        ("prelist.xlsx", bomb.getvalue(), "bom zip"),  # the pipeline's own limit
    ]
    for name, data, message in cases:
        r = c.post(
            f"/periode/{PERIOD}/unggah",
            data={"csrf": token, "kode": "6271011004"},
            files=[("berkas", (name, data, "application/octet-stream"))],
        )
        assert message in html.unescape(c.get(f"/periode/{PERIOD}").text), name
    assert not folder.exists()


def test_session_cookie_is_httponly_strict_and_secure_beyond_loopback(world):
    for secure in (False, True):
        c = TestClient(create_app(world.home, secure_cookies=secure), follow_redirects=False)
        cookie = c.get("/masuk").headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert ("secure" in cookie.replace("samesite", "")) is secure


def test_a_new_password_ends_open_sessions(app, world):
    from pipelines import users

    with open_store(world.home.store_path) as store:
        users.add(store, "gilang", "analis", PASSWORD)
    c, _ = client_for(app, "gilang")
    assert c.get("/status").status_code == 200
    with open_store(world.home.store_path) as store:
        users.set_password(store, "gilang", PASSWORD)  # same password, new version
    r = c.get("/status")
    assert r.status_code == 303 and r.headers["location"].startswith("/masuk")


def test_the_public_check_is_rate_limited_and_logs_no_typed_text(app, world):
    c = TestClient(app)
    typed = "6271011234567890"
    codes = [c.get("/cek", params={"nomor": typed, "kode": "ABCDEFGHJK"}).status_code
             for _ in range(21)]  # fmt: skip
    assert codes[:20] == [200] * 20 and codes[20] == 429
    log = world.home.processed / "log" / "cek-surat.jsonl"
    text = log.read_text(encoding="utf-8")
    assert "tidak_dikenal" in text and typed not in text
    assert log.stat().st_mode & 0o777 == 0o600


def test_no_route_takes_a_nik_in_its_address(app):
    for route in app.routes:
        params = set(getattr(route, "param_convertors", {}) or {})
        assert not params & {"nik", "kk", "no_kk"}, route.path
    surat = Path(__file__).parents[1] / "pipelines" / "web" / "templates" / "surat.html"
    assert re.search(r'<form method="post" action="/surat"', surat.read_text(encoding="utf-8"))


def test_readme_shows_the_role_matrix():
    from pipelines.users import ROLES

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "| right | what it allows (as the desk says it) | " + " | ".join(ROLES) + " |" in readme
    for right, (what, who) in roles.MATRIX.items():
        row = f"| `{right}` | {what} | " + " | ".join("x" if r in who else "" for r in ROLES)
        assert row + " |" in readme, f"README's role table is out of step for {right}"
