-- Consult controls: who the first agent talks to during the consultation. target: A and B, the
-- caller held; caller: A and the caller, B held; both: all three. Entitlements read it
-- (domain/room-policy.ts), so it is part of the record LiveKit follows.
ALTER TABLE transfers ADD COLUMN consult_focus text NOT NULL DEFAULT 'target' CHECK (consult_focus IN ('target', 'caller', 'both'));
