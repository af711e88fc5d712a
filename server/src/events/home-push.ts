// The agent's home (GET /api/agents/me) pushed down the event stream as `me`, so that a change to
// a call costs one read per console concerned on the server instead of one request per console
// (issue 13: at 1,000 consoles the /me refetches were the largest load left).
// Who gets one after a burst of call/transfer events: the connected agents of those calls whom
// the call's record names now, and those whose last pushed home mentioned one of the calls (the
// agent who just handed it over, the target who declined); an agent who took part once and has
// moved on is not read again. Reads run a few at a time; one that fails sends `me: null`, which
// tells the console to ask for itself. Homes carry readAt: the console keeps the newest.
import { agentHome } from '../services/views.js';
import type { AgentHome } from '../http/schemas.js';
import type { Deps } from '../services/deps.js';
import type { StreamRegistry } from './streams.js';

/** Per call: the agents who take or took part, `true` for those its record names now. */
export type Audiences = Map<string, Map<string, boolean>>;

const CONCURRENCY = 4;

/** The calls a home mentions (its engagement, its transfers). */
function callsOf(home: AgentHome): Set<string> {
  const ids = new Set<string>();
  const e = home.engagement;
  if (e.kind === 'on_call') ids.add(e.call.id);
  else if (e.kind === 'wrap_up') ids.add(e.lastCall.id);
  else if (e.kind !== 'idle') ids.add(e.transfer.callId);
  for (const t of home.incomingTransfers) ids.add(t.callId);
  if (home.outgoingTransfer) ids.add(home.outgoingTransfer.callId);
  return ids;
}

export function homePusher(deps: Pick<Deps, 'db' | 'config' | 'log'>, streams: StreamRegistry) {
  const wrapUpS = deps.config.wrapUp.timeoutS;
  const mentioned = new Map<string, Set<string>>(); // agent → calls their last pushed home mentioned
  let due = new Set<string>();

  async function push(agentId: string) {
    let text: string;
    try {
      const home = await agentHome(deps.db, agentId, wrapUpS);
      mentioned.set(agentId, callsOf(home));
      text = `event: me\ndata: ${JSON.stringify(home)}\n\n`;
    } catch (err) {
      mentioned.delete(agentId);
      deps.log.warn({ err, agentId }, 'home for the event stream');
      text = 'event: me\ndata: null\n\n';
    }
    for (const s of streams.ofAgent(agentId)) s.write(text);
  }

  return {
    want(agentId: string) {
      due.add(agentId);
    },
    afterCallEvents(byCall: Audiences) {
      for (const [callId, members] of byCall) {
        for (const [agentId, current] of members) {
          if (!streams.hasAgent(agentId)) {
            mentioned.delete(agentId);
            continue;
          }
          const last = mentioned.get(agentId);
          if (current || !last || last.has(callId)) due.add(agentId);
        }
      }
    },
    waiting: () => due.size > 0,
    /** Reads and sends every home due (those that fall due meanwhile wait for the next call). */
    async send() {
      const ids = [...due];
      due = new Set();
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, ids.length) }, async () => {
          while (next < ids.length) await push(ids[next++]!);
        }),
      );
    },
  };
}
