-- Supervision (issue 12): who monitors which call, how (listen, whisper, barge) and since when.
-- A monitor is of one agent on one call: agent_id is the call's agent when it began. It ends when
-- the supervisor stops, the call ends, the call leaves that agent (handed over, back to the queue),
-- the supervisor starts on another call, or their console stays out of the room past the grace period. Entitlements read the open rows
-- (domain/room-policy.ts), so LiveKit follows them like everyone else.
CREATE TABLE monitors (
  id            text PRIMARY KEY,
  call_id       text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  supervisor_id text NOT NULL REFERENCES agents(id),
  agent_id      text REFERENCES agents(id),
  mode          text NOT NULL CHECK (mode IN ('listen', 'whisper', 'barge')),
  started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  mode_since    timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- Ever whispered: the call may have a coach room to close (no extra LiveKit request otherwise).
  whispered     boolean NOT NULL DEFAULT false,
  ended_at      timestamptz,
  end_reason    text CHECK (end_reason IN ('stopped', 'call_ended', 'moved_on', 'switched', 'left'))
);
-- A supervisor monitors one call at a time, whatever the races between API instances.
CREATE UNIQUE INDEX monitors_one_open_per_supervisor ON monitors (supervisor_id) WHERE ended_at IS NULL;
CREATE INDEX monitors_open_by_call ON monitors (call_id) WHERE ended_at IS NULL;
CREATE INDEX monitors_call_idx ON monitors (call_id, started_at);

-- Time in state on the supervisor board: when the agent last chose Available/Away (or a reason).
ALTER TABLE agents ADD COLUMN status_since timestamptz NOT NULL DEFAULT now();
