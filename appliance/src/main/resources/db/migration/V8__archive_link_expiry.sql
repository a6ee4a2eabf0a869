-- Archive links may end on a date, like file links (issue 7 follow-up). NULL: until revoked.
ALTER TABLE archive_links ADD COLUMN expires_at TIMESTAMP;
