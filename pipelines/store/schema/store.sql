-- The store itself. The schema files of this folder hold the views, table macros and
-- comments of the DTKS store, one file per subsystem, each COMMENT ON beside its object.
-- They are run in the fixed order of store.SCHEMA_FILES (a view may use only what an
-- earlier file made) on every read-write open (CREATE OR REPLACE), so editing one here is
-- enough. Tables are made and changed only by the numbered files in migrations/ (see
-- docs/store.md); nothing makes tables outside the scratch prefix __dtks_.

COMMENT ON TABLE schema_migration IS 'Schema migrations applied to this store (pipelines/store/migrations/NNN_name.sql), with when.';
