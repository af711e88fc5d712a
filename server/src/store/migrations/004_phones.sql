-- Phones (Twilio Voice). A phone caller is a call whose channel is 'phone'; a phone specialist
-- is a transfer whose target is a number. Every Twilio call, either way, is a phone_legs row:
-- the record its Media Stream, its status callbacks and the hang-up follow.
ALTER TABLE calls ADD COLUMN channel text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'phone'));
-- The completed phone transfer whose specialist has the caller (agent_id is NULL then).
ALTER TABLE calls ADD COLUMN phone_transfer_id text;

ALTER TABLE transfers ADD COLUMN target_number text;
ALTER TABLE transfers ADD CONSTRAINT transfers_target_check CHECK (
  (target_type = 'agent' AND target_agent_id IS NOT NULL) OR (target_type = 'phone' AND target_number IS NOT NULL));
CREATE INDEX transfers_phone_rate_idx ON transfers (from_agent_id, requested_at) WHERE target_type = 'phone';

CREATE TABLE phone_legs (
  id                 text PRIMARY KEY,
  call_id            text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  transfer_id        text REFERENCES transfers(id) ON DELETE CASCADE, -- NULL: the caller's own leg
  role               text NOT NULL CHECK (role IN ('caller', 'specialist')),
  number             text NOT NULL,          -- E.164, shown and logged masked
  twilio_sid         text UNIQUE,            -- known once Twilio accepted the dial (or sent the inbound webhook)
  status             text NOT NULL DEFAULT 'dialing', -- the furthest Twilio CallStatus taken
  answered_by        text,                   -- answering machine detection
  stream_token_hash  text,                   -- single use: cleared when the Media Stream presents it
  stream_token_until timestamptz,
  stream_started_at  timestamptz,
  hangup_sent_at     timestamptz,            -- we asked Twilio to end it (canceled or completed)
  ended_at           timestamptz,            -- Twilio said it ended
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_legs_call_idx ON phone_legs (call_id);
CREATE INDEX phone_legs_live_idx ON phone_legs (ended_at) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX phone_legs_one_per_transfer ON phone_legs (transfer_id) WHERE transfer_id IS NOT NULL;
