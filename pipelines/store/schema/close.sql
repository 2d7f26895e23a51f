-- Closing a month: closings, reopenings, the register changes sent, and the register as
-- of a closed month.

COMMENT ON TABLE period_close IS 'Closed months (dtks close): when, by whom, against which snapshot, forced or not.';

COMMENT ON TABLE period_reopen IS 'Closed months opened again (dtks reopen): who, when, why, and the closing undone.';

-- Each month's closings and reopenings, in order.
CREATE OR REPLACE VIEW period_history AS
SELECT period, 'ditutup' AS peristiwa, closed_at AS pada, petugas, alasan FROM period_close
UNION ALL
SELECT period, 'ditutup', closed_at, closed_by, close_alasan FROM period_reopen
UNION ALL
SELECT period, 'dibuka kembali', reopened_at, petugas, alasan FROM period_reopen;

COMMENT ON VIEW period_history IS 'Every closing and reopening of each month, in order.';

COMMENT ON TABLE register_change IS 'New proposals and corrections sent when a month closed, accepted_snapshot_id once Kemensos took them in.';

COMMENT ON TABLE register_change_withdrawn IS 'Register changes of a closing undone by dtks reopen, kept for the audit.';

-- The local register as of a closed month: the DTKS snapshot current when that month closed,
-- with the corrections and new proposals of every month closed up to then on top (the
-- latest per person), leaving out those a snapshot had already taken in.
CREATE OR REPLACE MACRO register_as_of(p) AS TABLE
WITH cut AS (SELECT snapshot_id, closed_at FROM period_close WHERE period = p),
changes AS (
    SELECT r.*, c.closed_at
    FROM register_change AS r JOIN period_close AS c USING (period), cut
    WHERE c.closed_at <= cut.closed_at
      AND (r.accepted_snapshot_id IS NULL OR r.accepted_snapshot_id > cut.snapshot_id)
    QUALIFY row_number() OVER (PARTITION BY coalesce(r.id_dtks, r.nik)
                               ORDER BY c.closed_at DESC) = 1
),
base AS (
    SELECT d.* FROM dtks_person AS d, cut
    WHERE d.valid_from <= cut.snapshot_id
      AND (d.valid_to IS NULL OR d.valid_to > cut.snapshot_id)
)
SELECT 'dtks' AS sumber, NULL AS period, id_dtks, nik, no_kk, nama, tempat_lahir, tanggal_lahir,
       jenis_kelamin, hubungan_keluarga, nama_ibu_kandung, status_kawin, pekerjaan, alamat,
       rt, rw, kode_wilayah
FROM base
WHERE id_dtks NOT IN (SELECT id_dtks FROM changes WHERE id_dtks IS NOT NULL)
UNION ALL
SELECT kind, period, id_dtks, nik, no_kk, nama, tempat_lahir, tanggal_lahir, jenis_kelamin,
       hubungan_keluarga, nama_ibu_kandung, status_kawin, pekerjaan, alamat, rt, rw,
       kode_wilayah
FROM changes
WHERE kind <> 'usulan_nonaktif';  -- a deactivated person leaves the register
