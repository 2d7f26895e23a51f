"""Was each household approved in its kelurahan's musyawarah? Matched by No KK."""

from __future__ import annotations

import pandas as pd

from pipelines import reasons as R


def check(rows: pd.DataFrame, decisions: pd.DataFrame, folders_with_ba: set[str]) -> pd.DataFrame:
    """row_id, approved, reason for each row (rows need row_id, folder_kode, no_kk)."""
    d = decisions[decisions["no_kk"].notna()]
    per_kk = d.groupby(["folder_kode", "no_kk"]).agg(
        all_yes=("disetujui", lambda s: bool((s == True).all())),  # noqa: E712 - object column
        any_unknown=("disetujui", lambda s: bool(s.isna().any())),
        alasan=("alasan", lambda s: ", ".join(sorted({a for a in s if a}))),
        asli=("keputusan_asli", lambda s: ", ".join(sorted({str(a) for a in s if a}))),
    )
    keys = pd.MultiIndex.from_arrays([rows["folder_kode"], rows["no_kk"]])
    found = per_kk.reindex(keys)
    has_ba = rows["folder_kode"].isin(folders_with_ba).to_numpy()
    in_ba = found["all_yes"].notna().to_numpy()
    approved = (found["all_yes"] == True).to_numpy() & in_ba  # noqa: E712
    reason = []
    for i in range(len(rows)):
        if not has_ba[i]:
            reason.append(R.MUSY_NO_BA)
        elif not in_ba[i]:
            reason.append(R.MUSY_MISSING)
        elif approved[i]:
            reason.append("")
        elif found["any_unknown"].iloc[i]:
            reason.append(R.MUSY_UNKNOWN.format(asli=found["asli"].iloc[i]))
        else:
            reason.append(R.MUSY_REJECTED.format(alasan=found["alasan"].iloc[i] or "tidak layak"))
    return pd.DataFrame(
        {"row_id": rows["row_id"].to_numpy(), "approved": approved, "reason": reason}
    )
