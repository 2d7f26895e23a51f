"""Stage timers for benchmarks/bench_province_scale.py, in the measured `dtks finalize` only.

bench_province_scale.py puts this folder on PYTHONPATH and sets DTKS_BENCH_TIMINGS to a file;
Python imports this module at start-up in every process of the run. It acts only in the
finalisation's child process (DTKS_GUARDED=1, the reader crash guard's child) and only when
DTKS_BENCH_TIMINGS is set: it appends JSON lines (wall-clock time, stage names, seconds,
never a value of a row) for
- every progress record (logger pipelines.progress; digits replaced by '#'),
- the start of the reading ("periode ...: N folder kelurahan") and the end of the run
  ("hasil: ...") from logger pipelines.stages,
- each call of the matching functions finalize.decide calls (pipelines.dedup), with the
  per-pass seconds store_match.match reports through its `timings` argument,
- each call of the publishing steps (store writes, each kind of output file; kind "publish").
Nothing in the pipeline changes; without DTKS_BENCH_TIMINGS this file is not on the path.
"""

import os

if os.environ.get("DTKS_BENCH_TIMINGS") and os.environ.get("DTKS_GUARDED") == "1":
    import functools
    import json
    import logging
    import re
    import time

    _PATH = os.environ["DTKS_BENCH_TIMINGS"]

    def _mark(**fields) -> None:
        with open(_PATH, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"t": time.time(), **fields}) + "\n")

    class _Marks(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            msg = record.getMessage()
            if record.name == "pipelines.progress":
                _mark(kind="progress", msg=re.sub(r"\d", "#", msg))
            elif msg.startswith("periode "):
                _mark(kind="start")
            elif msg.startswith("hasil: "):
                _mark(kind="finished")

    _handler = _Marks(logging.INFO)
    logging.getLogger("pipelines.progress").addHandler(_handler)
    _stages = logging.getLogger("pipelines.stages")
    _stages.addHandler(_handler)
    _stages.setLevel(logging.INFO)
    _stages.propagate = False  # its info lines were never shown: keep it so

    def _timed(module, attr: str, name: str, kind: str = "timer") -> None:
        fn = getattr(module, attr, None)
        if fn is None:
            return

        @functools.wraps(fn)
        def inner(*args, **kwargs):
            passes: dict = {}
            if name == "match" and kwargs.get("timings") is None and len(args) < 3:
                kwargs["timings"] = passes
            t, c = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                _mark(
                    kind=kind,
                    name=name,
                    wall=time.perf_counter() - t,
                    cpu=time.process_time() - c,  # every thread of the process
                    passes=passes,
                )

        setattr(module, attr, inner)

    from pipelines.dedup import batch as _batch
    from pipelines.dedup import pending as _pending
    from pipelines.dedup import store_match as _store_match

    _timed(_store_match, "annotate_rejected", "annotate_rejected")
    _timed(_store_match, "match", "match")
    _timed(_store_match, "known_households", "known_households")
    _timed(_batch, "find", "batch_find")
    _timed(_batch, "near", "batch_near")
    _timed(_pending, "find", "earlier_proposals")

    # the publishing steps (kind "publish"): store writes and each output file
    from pipelines import publish as _publish
    from pipelines.export import siksng as _siksng
    from pipelines.report import rejections as _rejections
    from pipelines.report import review_workbook as _review
    from pipelines.report import summary as _summary
    from pipelines.report.finalisation import content as _content
    from pipelines.report.finalisation import pdf as _pdf
    from pipelines.report.finalisation import workbook as _workbook

    for _module, _attr, _name in [
        (_publish, "store_outcomes", "store outcomes"),
        (_siksng, "write", "SIKS-NG files"),
        (_publish, "_check_import_rows", "check SIKS-NG rows"),
        (_publish, "_unchanged_files", "hash raw files"),
        (_rejections, "write", "return workbooks"),
        (_review, "write_workbook", "review workbook"),
        (_summary, "write", "summary"),
        (_content, "ba_state", "BA state"),
        (_content, "recap", "report recap"),
        (_workbook, "write_xlsx", "report xlsx"),
        (_pdf, "write_pdf", "report pdf"),
        (_publish, "_build", "build (all outputs)"),
    ]:
        _timed(_module, _attr, _name, kind="publish")
