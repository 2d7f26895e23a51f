-- Pass 4: rows whose No KK is a household already in the DTKS (a new member, say).
SELECT q.row_id, any_value(d.id_dtks ORDER BY d.hubungan_keluarga = 'KEPALA KELUARGA' DESC)
       AS head_id_dtks
FROM __dtks_query AS q JOIN dtks_current AS d ON d.no_kk = q.no_kk
GROUP BY q.row_id
