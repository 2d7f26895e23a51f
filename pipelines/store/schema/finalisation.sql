-- The monthly finalisation: the outcome of every prelist row, the berita acara read, and
-- what the latest finalisation of a period read (folders, files, problems, columns, scans).

COMMENT ON TABLE prelist_outcome IS 'One row per prelist row of a period, with the outcome the finalisation flow gave it.';

COMMENT ON TABLE musyawarah IS 'Each berita acara musyawarah read: meeting date, place, chair, attendees.';

COMMENT ON TABLE musyawarah_keputusan IS 'Each household decision in a berita acara (disetujui true/false/NULL = not understood).';

COMMENT ON TABLE finalisation_run IS 'Each finalisation run: period, time, snapshot, rows in, counts per outcome (JSON).';

COMMENT ON TABLE period_folder IS 'Kelurahan folders the latest finalisation of a period read, in order.';

COMMENT ON TABLE period_file IS 'Files the latest finalisation of a period read, with their SHA-256.';

COMMENT ON TABLE period_problem IS 'File problems the latest finalisation of a period found.';

COMMENT ON TABLE period_column_map IS 'How the latest finalisation of a period read each column of each kelurahan file (by header or by values).';

COMMENT ON TABLE period_evidence IS 'Scanned berita acara (PDF, photo) the latest finalisation of a period kept as evidence, with SHA-256.';
