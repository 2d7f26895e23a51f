-- A DTKS person whose NIK is one substitution or adjacent transposition away from the row's,
-- born the same day, with a near-identical name or the same No KK. Blocked on birth date.
-- Common first names make 0.85-0.9 similarity frequent between strangers born the same day
-- in the same kecamatan (consecutive NIK serials), hence the high bar without the same KK.
SELECT q.row_id, d.id_dtks,
       jaro_winkler_similarity(q.nama_key, upper(d.nama)) AS name_sim,
       coalesce(q.no_kk = d.no_kk, false) AS same_kk
FROM __dtks_query AS q
JOIN dtks_current AS d ON d.tanggal_lahir = q.tanggal_lahir
WHERE length(d.nik) = 16
  AND d.nik <> q.nik
  AND damerau_levenshtein(d.nik, q.nik) = 1
  AND (jaro_winkler_similarity(q.nama_key, upper(d.nama)) >= 0.95 OR q.no_kk = d.no_kk)
QUALIFY row_number() OVER (PARTITION BY q.row_id ORDER BY name_sim DESC, d.id_dtks) = 1
