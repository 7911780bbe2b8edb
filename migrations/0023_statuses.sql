-- Pleroma's expiring statuses show their time as pleroma.expires_at.
ALTER TABLE statuses ADD COLUMN expires_at timestamptz;
