-- Every current DTKS person whose NIK equals a queried row's NIK.
SELECT q.row_id,
       count(*) OVER (PARTITION BY q.row_id) AS n_candidates,
       d.id_dtks, d.nik, d.no_kk, d.nama, d.tempat_lahir, d.tanggal_lahir, d.jenis_kelamin,
       d.hubungan_keluarga, d.nama_ibu_kandung, d.status_kawin, d.pekerjaan, d.alamat, d.rt,
       d.rw, d.kode_wilayah, nama_sim(nama_norm(q.nama_key), nama_norm(d.nama)) AS name_sim
FROM __dtks_query AS q
JOIN dtks_current AS d ON d.nik = q.nik
ORDER BY q.row_id, d.id_dtks
