-- Views for analysts (documented in docs/data_dictionary.md, generated from these comments).

CREATE OR REPLACE VIEW v_persons_current AS
SELECT id_dtks, nik, no_kk, nama, tempat_lahir, tanggal_lahir, jenis_kelamin, hubungan_keluarga,
       nama_ibu_kandung, status_kawin, pekerjaan, alamat, rt, rw, kode_wilayah,
       left(kode_wilayah, 6) AS kode_kecamatan, pkh, bpnt, pbi, snapshot_id
FROM dtks_current;

COMMENT ON VIEW v_persons_current IS 'Current persons with their kecamatan code and programme flags.';

CREATE OR REPLACE VIEW v_households_current AS
SELECT no_kk,
       any_value(kode_wilayah ORDER BY hubungan_keluarga = 'KEPALA KELUARGA' DESC) AS kode_wilayah,
       any_value(nama ORDER BY hubungan_keluarga = 'KEPALA KELUARGA' DESC) AS nama_kepala_keluarga,
       count(*) AS jumlah_anggota,
       bool_or(coalesce(pkh, false)) AS pkh, bool_or(coalesce(bpnt, false)) AS bpnt,
       bool_or(coalesce(pbi, false)) AS pbi
FROM dtks_current WHERE no_kk IS NOT NULL
GROUP BY no_kk;

COMMENT ON VIEW v_households_current IS 'Current households (No KK): head, size, region, programme flags.';

CREATE OR REPLACE VIEW v_outcomes_per_period AS
SELECT period, folder_kode AS kode_wilayah, outcome, count(*) AS jumlah
FROM prelist_final GROUP BY ALL;

COMMENT ON VIEW v_outcomes_per_period IS 'Rows per period x kelurahan x final outcome.';

CREATE OR REPLACE VIEW v_monthly_summary AS
SELECT f.period,
       count(*) AS baris_usulan,
       -- one column per outcome, in their order: count(*) FILTER (outcome = 'usulan_baru')
       -- AS usulan_baru, ... filled in from pipelines/outcomes.py when the store opens
       /*outcome_counts*/,
       any_value(c.closed_at) AS ditutup_pada
FROM prelist_final AS f LEFT JOIN period_close AS c USING (period)
GROUP BY f.period;

COMMENT ON VIEW v_monthly_summary IS 'Per period: rows proposed and per final outcome, and when the month closed.';

CREATE OR REPLACE VIEW v_programme_coverage AS
SELECT kode_wilayah, count(*) AS keluarga, CAST(sum(jumlah_anggota) AS BIGINT) AS jiwa,
       count(*) FILTER (pkh) AS keluarga_pkh, count(*) FILTER (bpnt) AS keluarga_bpnt,
       count(*) FILTER (pbi) AS keluarga_pbi,
       round(count(*) FILTER (pkh) / count(*), 4) AS porsi_pkh,
       round(count(*) FILTER (bpnt) / count(*), 4) AS porsi_bpnt,
       round(count(*) FILTER (pbi) / count(*), 4) AS porsi_pbi
FROM v_households_current GROUP BY kode_wilayah;

COMMENT ON VIEW v_programme_coverage IS 'Per kelurahan: households and persons, and households covered by PKH, BPNT and PBI.';
