// Events between API instances go through Postgres LISTEN/NOTIFY (PGlite too),
// so an agent connected to instance 1 sees a call accepted on instance 2.
// Events only say *what* changed; events/fanout.ts turns them into what each console's stream
// carries (the lists themselves; call/transfer news only to the agents in that call).
import { EventEmitter } from 'node:events';
import type { Db } from '../store/db.js';

export type AppEvent =
  | { type: 'queue' }
  /** Whose presence changed: this agent's, the agents of this call (who take or took part), or (neither) anyone's. */
  | { type: 'agents'; agentId?: string; callId?: string }
  | { type: 'call'; callId: string }
  | { type: 'transfer'; transferId: string; callId: string };

const CHANNEL = 'warmline_events';

export interface EventBus {
  publish(...events: AppEvent[]): Promise<void>;
  subscribe(fn: (e: AppEvent) => void): () => void;
  close(): Promise<void>;
}

export async function createEventBus(db: Db, onError: (err: unknown) => void): Promise<EventBus> {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const unlisten = await db.listen(CHANNEL, (payload) => {
    try {
      for (const e of JSON.parse(payload) as AppEvent[]) local.emit('event', e);
    } catch (err) {
      onError(err);
    }
  });
  return {
    async publish(...events) {
      if (events.length === 0) return;
      try {
        await db.notify(CHANNEL, JSON.stringify(events));
      } catch (err) {
        onError(err); // a lost notification only delays a refresh; the next list event or the 60 s /me poll catches up
      }
    },
    subscribe(fn) {
      local.on('event', fn);
      return () => local.off('event', fn);
    },
    async close() {
      await unlisten();
      local.removeAllListeners();
    },
  };
}
