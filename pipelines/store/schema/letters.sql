-- Letters: every Surat Keterangan Terdaftar issued, and the letters revoked.

COMMENT ON TABLE letter_log IS 'Surat Keterangan Terdaftar issued: number, time, officer, ID DTKS, verification code, file hash.';

COMMENT ON TABLE letter_revoke IS 'Letters revoked (dtks letter revoke or the web desk): number, when, who, why (the public check then says DICABUT).';
