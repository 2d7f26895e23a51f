-- Every current DTKS person whose NIK equals a queried row's NIK, with the similarity of
-- the names (`nn` is the row's, normalised; the same name as written needs no comparison).
SELECT q.row_id,
       count(*) OVER (PARTITION BY q.row_id) AS n_candidates,
       d.id_dtks, d.nik, d.no_kk, d.nama, d.tempat_lahir, d.tanggal_lahir, d.jenis_kelamin,
       d.hubungan_keluarga, d.nama_ibu_kandung, d.status_kawin, d.pekerjaan, d.alamat, d.rt,
       d.rw, d.kode_wilayah,
       CASE WHEN q.nama_key = d.nama THEN CASE WHEN q.nn = '' THEN 0.0 ELSE 1.0 END
            ELSE nama_sim(q.nn, nama_norm(d.nama)) END AS name_sim
FROM __dtks_query AS q
JOIN dtks_current AS d ON d.nik = q.nik
ORDER BY q.row_id, d.id_dtks
