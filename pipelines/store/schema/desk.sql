-- The web desk (migration 005): its accounts and every act done through it.

COMMENT ON TABLE desk_user IS 'Web desk accounts (dtks user add): login name, role, argon2id password hash, active, version (ends old sessions).';

COMMENT ON TABLE desk_action IS 'Every act done through the web desk: when, user, role, what, on what (period, request or letter number), never personal data.';
