-- The DTKS register: every snapshot load, every version of every person, the current one.

COMMENT ON TABLE dtks_snapshot IS 'Each DTKS snapshot load (dtks load-dtks): files, who, when, area covered (whole or partial), persons before/after, versions opened/closed, an earlier snapshot with the same rows.';

COMMENT ON TABLE dtks_person IS 'Every version of every DTKS person, valid_from/valid_to are snapshot ids (valid_to NULL = current).';

CREATE OR REPLACE VIEW dtks_current AS
SELECT * EXCLUDE (row_hash, valid_to), valid_from AS snapshot_id
FROM dtks_person WHERE valid_to IS NULL;

COMMENT ON VIEW dtks_current IS 'The DTKS register as of the latest snapshot: one row per current person.';
