-- Media follows the record: who is connected to each call room (one row per identity,
-- keyed by LiveKit's participant sid so a late or replayed webhook cannot undo a newer
-- connection), the LiveKit webhook ids already taken, and clearer end reasons.
CREATE TABLE room_members (
  call_id   text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  identity  text NOT NULL,
  sid       text NOT NULL,
  tab_id    text,
  joined_at timestamptz NOT NULL,
  left_at   timestamptz,
  PRIMARY KEY (call_id, identity)
);
CREATE INDEX room_members_left_idx ON room_members (left_at) WHERE left_at IS NOT NULL;

CREATE TABLE webhook_events (
  id          text PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_received_idx ON webhook_events (received_at);

UPDATE calls SET end_reason = 'caller_hung_up' WHERE end_reason = 'caller_hangup';
UPDATE calls SET end_reason = 'agent_hung_up' WHERE end_reason = 'agent_hangup';

-- A lease (not a lock held across outside calls) so one instance runs the periodic reconcile.
CREATE TABLE leases (
  name   text PRIMARY KEY,
  holder text NOT NULL,
  until  timestamptz NOT NULL
);
