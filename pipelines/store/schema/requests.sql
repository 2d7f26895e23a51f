-- Data-use requests: each request and every step it took.

COMMENT ON TABLE data_request IS 'Each data-use request (dtks request): number, applicant (identity masked and hashed), purpose, category, catalogue table, area, deadline, status.';

COMMENT ON TABLE request_event IS 'Every status change of a data request (diajukan, ditelaah, disetujui, ditolak, diproses, diserahkan): who, in which role, when, with a note.';
