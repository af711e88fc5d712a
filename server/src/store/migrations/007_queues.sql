-- Queues (skill groups). A call waits in one queue (calls.queue_id), an agent belongs to some
-- (agent_queues, none: 'general'). QUEUES names a deployment's queues at start-up
-- (server/src/config-queues.ts), a queue no longer named is inactive: no new calls or
-- transfers, but it keeps its history and any call still waiting in it.
CREATE TABLE queues (
  id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  name       text NOT NULL,
  position   integer NOT NULL DEFAULT 0,
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO queues (id, name, position) VALUES ('general', 'General', 0);

CREATE TABLE agent_queues (
  agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  queue_id text NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
  PRIMARY KEY (agent_id, queue_id)
);
CREATE INDEX agent_queues_queue_idx ON agent_queues (queue_id);

ALTER TABLE calls ADD COLUMN queue_id text NOT NULL DEFAULT 'general' REFERENCES queues(id);
-- 1: the call came back to the queue (a queue transfer, a blind transfer nobody took, its agent
-- dropped) and waits ahead of every call that has not been answered yet. queued_at is when it
-- (re-)entered the queue.
ALTER TABLE calls ADD COLUMN queue_priority smallint NOT NULL DEFAULT 0;
CREATE INDEX calls_waiting_queue_idx ON calls (queue_id, queue_priority DESC, queued_at) WHERE state = 'waiting';

-- warm or blind (a queue target is always blind), and a queue target's queue.
ALTER TABLE transfers ADD COLUMN mode text NOT NULL DEFAULT 'warm' CHECK (mode IN ('warm', 'blind'));
ALTER TABLE transfers ADD COLUMN target_queue_id text REFERENCES queues(id);
ALTER TABLE transfers DROP CONSTRAINT transfers_target_check;
ALTER TABLE transfers ADD CONSTRAINT transfers_target_check CHECK (
  (target_type = 'agent' AND target_agent_id IS NOT NULL)
  OR (target_type = 'phone' AND target_number IS NOT NULL)
  OR (target_type = 'queue' AND target_queue_id IS NOT NULL AND mode = 'blind'));

-- The call's latest handoff summary (CallView.summary) is its newest transfer's.
CREATE INDEX transfers_call_idx ON transfers (call_id, requested_at DESC);
