-- The supervisor's review: decisions, decisions dropped, the decision in force, and the
-- outcome of each row once it is applied.

COMMENT ON TABLE review_decision IS 'Audit of supervisor decisions (dtks review apply): who, when, what, from which file, for which row content (row_key) and DTKS candidate.';

COMMENT ON TABLE review_decision_drop IS 'Decisions a later finalisation dropped because the decided row changed, disappeared, is no longer doubtful or has another candidate, with why.';

-- The decision in force for each row key: the latest one not dropped since (migration 003).
CREATE OR REPLACE VIEW review_decision_live AS
SELECT d.* FROM review_decision AS d
WHERE d.row_key IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM review_decision_drop AS x
                  WHERE x.period = d.period AND x.row_key = d.row_key
                    AND x.dropped_at >= d.applied_at)
QUALIFY row_number() OVER (PARTITION BY d.period, d.row_key ORDER BY d.applied_at DESC) = 1;

COMMENT ON VIEW review_decision_live IS 'The supervisor decision in force per period and row content key.';

-- The outcome of each row after the supervisor's decision in force. A decision counts only on
-- a row with the same content key that the flow still finds doubtful, against the same DTKS
-- candidate: it never lands on another person.
CREATE OR REPLACE VIEW prelist_final AS
SELECT o.* EXCLUDE (outcome, reasons),
       coalesce(d.outcome, o.outcome) AS outcome,
       CASE WHEN d.outcome IS NULL THEN o.reasons
            ELSE 'Keputusan supervisor (' || d.keputusan || ')'
                 || coalesce(': ' || d.alasan, '') END AS reasons,
       o.outcome AS flow_outcome, d.keputusan, d.alasan, d.petugas, d.applied_at
FROM prelist_outcome AS o
LEFT JOIN review_decision_live AS d
  ON d.period = o.period AND d.row_key = o.row_key AND o.outcome = 'perlu_verifikasi'
 AND d.matched_id_dtks IS NOT DISTINCT FROM o.matched_id_dtks;

COMMENT ON VIEW prelist_final IS 'prelist_outcome with the supervisor''s decision in force applied (outcome, keputusan, petugas), matched by row content key.';
