"""Click/Typer usage errors told in Indonesian: what was typed wrong and how to get help.

Click raises its usage errors with English messages; `indonesian()` rebuilds each message
from the exception's own fields (the option or command typed, the parameter, the file), so
no English text and no traceback reaches the operator.
"""

from __future__ import annotations

import difflib
import re

import typer.core

# Typer 0.29 carries its own copy of Click: its exceptions are these, not click's
from typer._click import core as cc
from typer._click import exceptions as cx
from typer._click import formatting as cf

_PATH_FAIL = re.compile(
    r"^\w+ (?P<name>'.*'|\".*\") (?P<what>does not exist|is a directory|is a file|"
    r"is not readable|is not writable)\.$",
    re.S,
)
_PATH_WHAT = {
    "does not exist": "{name} tidak ada. Periksa nama dan foldernya.",
    "is a directory": "{name} adalah folder; sebutkan berkasnya.",
    "is a file": "{name} adalah berkas; sebutkan foldernya.",
    "is not readable": "{name} tidak dapat dibaca (hak akses).",
    "is not writable": "{name} tidak dapat ditulisi (hak akses).",
}
# Typer checks values with pydantic: its messages, in Indonesian
_VALUE_RULES = [
    (r"valid integer", "harus bilangan bulat"),
    (r"valid number|valid float|valid decimal", "harus bilangan"),
    (r"valid boolean", "harus ya/tidak (true/false)"),
    (r"valid date", "bukan tanggal yang dikenali"),
    (r"greater than or equal to (\S+)", "harus paling sedikit {0}"),
    (r"greater than (\S+)", "harus lebih dari {0}"),
    (r"less than or equal to (\S+)", "harus paling banyak {0}"),
    (r"less than (\S+)", "harus kurang dari {0}"),
    (r"is not one of (.*)\.$", "harus salah satu dari: {0}"),
]


def indonesian(exc: cx.ClickException) -> str:
    """One Indonesian sentence (or two) for a click usage or file error."""
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "dtks"
    if isinstance(exc, cx.NoSuchOption):
        text = f"Opsi '{exc.option_name}' tidak dikenal."
        if exc.possibilities:
            text += f" Maksud Anda: {', '.join(sorted(exc.possibilities))}?"
        return f"{text} Lihat opsi yang ada: {path} --help"
    if isinstance(exc, cx.MissingParameter):
        hint = _hint(exc)
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        label = {"argument": "Argumen", "option": "Opsi"}.get(kind, "Parameter")
        return f"{label} {hint} wajib diisi. Lihat: {path} --help"
    if isinstance(exc, cx.BadParameter):
        return _bad_value(exc, path)
    if isinstance(exc, cx.FileError):
        return f"Berkas '{exc.ui_filename}' tidak dapat dibuka."
    if isinstance(exc, cx.BadOptionUsage):
        if "requires an argument" in exc.message:
            return f"Opsi {exc.option_name} memerlukan nilai. Lihat: {path} --help"
        return f"Opsi {exc.option_name} dipakai dengan cara yang salah. Lihat: {path} --help"
    message = exc.message if isinstance(exc, cx.ClickException) else str(exc)
    command = _no_such_command(exc, message)
    if command is not None:
        return command
    m = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", message, re.S)
    if m:
        return f"Argumen berlebih: {m.group(1)}. Nilai yang berisi spasi diapit tanda kutip."
    if message.startswith("Missing command"):
        return f"Sebutkan perintahnya. Daftar perintah: {path} --help"
    return f"Perintah tidak dapat dijalankan seperti yang diketik. Lihat: {path} --help"


def _no_such_command(exc: cx.ClickException, message: str) -> str | None:
    name = getattr(exc, "command_name", None)
    if name is None:
        m = re.match(r"No such command '(.*)'\.", message, re.S)
        if not m:
            return None
        name = m.group(1)
    ctx = getattr(exc, "ctx", None)
    group = ctx.command if ctx is not None else None
    names = list(getattr(group, "commands", {}) or {})
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    text = f"Perintah '{name}' tidak dikenal."
    if close:
        return f"{text} Maksud Anda: {', '.join(close)}?"
    path = ctx.command_path if ctx is not None else "dtks"
    return f"{text} Daftar perintah: {path} --help"


def _hint(exc: cx.BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return hint if isinstance(hint, str) else " / ".join(hint)
    param = exc.param
    if param is None:
        return "ini"
    if param.param_type_name == "argument":
        return str(param.metavar or param.name or "").upper()
    return str(param.get_error_hint()).replace("'", "")


def _bad_value(exc: cx.BadParameter, path: str) -> str:
    hint = _hint(exc)
    m = _PATH_FAIL.match(exc.message)
    if m:
        return f"{hint}: " + _PATH_WHAT[m.group("what")].format(name=m.group("name"))
    reason = "tidak sah"
    for pattern, text in _VALUE_RULES:
        found = re.search(pattern, exc.message)
        if found:
            reason = text.format(*found.groups())
            break
    return f"Nilai untuk {hint} {reason}. Lihat: {path} --help"


# The words Click and Typer put into every --help page, in Indonesian
HELP_WORDS = {
    "Options": "Opsi",
    "Arguments": "Argumen",
    "Commands": "Perintah",
    "default: {default}": "bawaan: {default}",
    "required": "wajib",
    "(dynamic)": "(dinamis)",
    "env var: {var}": "variabel lingkungan: {var}",
    "Aborted!": "Dibatalkan.",
}
HELP_OPTION = "Tampilkan bantuan ini lalu keluar."


def _indonesian_args(args: str) -> str:
    # Typer writes arguments as {name} (required) and [name] (optional)
    args = re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), args)
    args = re.sub(r"\[([a-z_]+)\]", lambda m: f"[{m.group(1).upper()}]", args)
    return args.replace("[OPTIONS]", "[OPSI]").replace("COMMAND [ARGS]...", "PERINTAH ...")


class IndonesianHelp(cf.HelpFormatter):
    """Click's help formatter with the usage line and section headings in Indonesian."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _indonesian_args(args), prefix or "Penggunaan: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(HELP_WORDS.get(heading, heading))


def install_indonesian_help() -> None:
    """Every `dtks ... --help` page in Indonesian: usage line, headings, the --help option's
    own text and Typer's [bawaan: ...] / [wajib] notes (tests/test_cli_errors.py checks them
    all, so a Typer upgrade that moves these names fails a test, not an operator)."""
    cc.Context.formatter_class = IndonesianHelp
    typer.core._ = lambda message: HELP_WORDS.get(message, message)
    plain = cc.Command.get_help_option
    if getattr(plain, "_indonesian", False):
        return

    def get_help_option(self, ctx):
        option = plain(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    get_help_option._indonesian = True  # type: ignore[attr-defined]
    cc.Command.get_help_option = get_help_option  # type: ignore[method-assign]


def usage_line(exc: cx.ClickException) -> str | None:
    """'Penggunaan: dtks finalize [OPSI] PERIOD' for the command the error belongs to."""
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return None
    return _indonesian_args(ctx.get_usage().replace("Usage:", "Penggunaan:", 1))
