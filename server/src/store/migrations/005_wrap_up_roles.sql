-- Presence an agent can trust, wrap-up with dispositions, and supervisors.
-- Why an agent is away (a reason they chose, or 'missed': a transfer rang out unanswered).
ALTER TABLE agents ADD COLUMN away_reason text;
-- A supervisor reads every call, an agent only those they took part in.
ALTER TABLE agents ADD COLUMN role text NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'supervisor'));

-- One row per agent whose part in a call ended (the call ended while theirs, or they handed it
-- over): open (done_at NULL) while they do after-call work, until they give a disposition or
-- WRAP_UP_TIMEOUT_S after started_at (the sweep in services/wrap-ups.ts closes it).
CREATE TABLE wrap_ups (
  id          text PRIMARY KEY,
  call_id     text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  agent_id    text NOT NULL REFERENCES agents(id),
  started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  done_at     timestamptz,
  ended_by    text CHECK (ended_by IN ('agent', 'timeout', 'replaced')),
  disposition text,
  notes       text NOT NULL DEFAULT ''
);
-- An agent does one wrap-up at a time, whatever the races between API instances.
CREATE UNIQUE INDEX wrap_ups_one_open_per_agent ON wrap_ups (agent_id) WHERE done_at IS NULL;
CREATE INDEX wrap_ups_open_idx ON wrap_ups (started_at) WHERE done_at IS NULL;
CREATE INDEX wrap_ups_call_idx ON wrap_ups (call_id, started_at);
CREATE INDEX wrap_ups_disposition_idx ON wrap_ups (disposition, call_id) WHERE disposition IS NOT NULL;
-- Who answered a call is read from its timeline for role-scoped reads.
CREATE INDEX call_events_accepted_idx ON call_events ((detail->>'agentId'), call_id) WHERE type = 'accepted';
