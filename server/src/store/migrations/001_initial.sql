CREATE TABLE agents (
  id            text PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  name          text NOT NULL,
  password_hash text NOT NULL,
  status        text NOT NULL DEFAULT 'away' CHECK (status IN ('available', 'away')),
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  agent_id   text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE TABLE calls (
  id              text PRIMARY KEY,
  room            text NOT NULL UNIQUE,
  caller_name     text NOT NULL,
  reason          text NOT NULL DEFAULT '',
  caller_key_hash text NOT NULL,
  state           text NOT NULL CHECK (state IN ('waiting', 'active', 'on_hold', 'ended')),
  agent_id        text REFERENCES agents(id),
  hold_count      integer NOT NULL DEFAULT 0,
  notes           text NOT NULL DEFAULT '',
  end_reason      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  queued_at       timestamptz NOT NULL DEFAULT now(),
  answered_at     timestamptz,
  ended_at        timestamptz,
  version         integer NOT NULL DEFAULT 0
);
CREATE INDEX calls_queue_idx ON calls (state, queued_at);
CREATE INDEX calls_agent_idx ON calls (agent_id, state);

CREATE TABLE call_events (
  id      bigserial PRIMARY KEY,
  call_id text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  type    text NOT NULL,
  detail  jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX call_events_call_idx ON call_events (call_id, id);

CREATE TABLE transfers (
  id               text PRIMARY KEY,
  call_id          text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  state            text NOT NULL,
  from_agent_id    text NOT NULL REFERENCES agents(id),
  target_type      text NOT NULL DEFAULT 'agent',
  target_agent_id  text REFERENCES agents(id),
  notes            text NOT NULL DEFAULT '',
  summary_text     text,
  summary_provider text,
  fail_reason      text,
  requested_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  ring_deadline    timestamptz NOT NULL,
  accepted_at      timestamptz,
  completed_at     timestamptz,
  ended_at         timestamptz,
  version          integer NOT NULL DEFAULT 0
);
-- At most one open transfer per call, whatever the races between API instances.
CREATE UNIQUE INDEX transfers_one_open_per_call ON transfers (call_id)
  WHERE state IN ('ringing', 'consulting', 'introducing');
CREATE INDEX transfers_ringing_idx ON transfers (state, ring_deadline);
CREATE INDEX transfers_target_idx ON transfers (target_agent_id, state);
