-- Presence is true: each session carries until when its console counts as present. An open
-- /api/events stream (on any API instance) pushes it forward on connect and at every heartbeat,
-- with the database clock; logout deletes the session and with it that console's presence.
-- An agent with no session present_until > now() is offline (derived in agents-repo.ts).
ALTER TABLE sessions ADD COLUMN present_until timestamptz;
CREATE INDEX sessions_agent_present_idx ON sessions (agent_id, present_until);
