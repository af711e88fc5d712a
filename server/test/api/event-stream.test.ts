// The event stream carries the news (issue 13: 1,000 consoles on one instance):
// - it opens with the queue and agents lists, the same as GET /api/queue and GET /api/agents;
// - `queue` events carry the whole queue, `agents` events the agents that changed, coalesced:
//   a burst of changes makes a bounded number of list events, and the lists the console keeps
//   from them end equal to what the API says;
// - `queue` events also carry the queue stats (GET /api/queues for that agent, `mine` included),
//   again when the queue or presence changes them, so consoles need not poll GET /api/queues;
// - `call` and `transfer` events reach only the agents in that call (and supervisors), and those
//   agents get their home (`me`, GET /api/agents/me) again, so consoles need not refetch it.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/store/agents-admin.js';
import { setAgentQueues } from '../../src/store/queues-repo.js';
import { eventually } from '../../../testkit/participants.js';
import { client, startStack, type Stack } from '../../../testkit/stack.js';

const LIST_INTERVAL_MS = 400;

let stack: Stack;
type Who = 'alice' | 'bob' | 'carol' | 'sam';
const tokens = {} as Record<Who, string>;
const ids = {} as Record<Who, string>;
const as = (who: Who) => client(stack.baseUrl, tokens[who]);
const consoles: Console[] = [];

interface Received {
  type: string;
  data: any;
}
interface Stat {
  id: string;
  name: string;
  waiting: number;
  longestWaitS: number | null;
  availableAgents: number;
  mine: boolean;
}
interface Console {
  events: Received[];
  /** The queue and agents lists as a console keeps them from the stream alone. */
  queue(): unknown[] | null;
  agents(): { id: string; status: string }[] | null;
  /** The queue stats of the last queue event. */
  stats(): Stat[] | null;
  close(): void;
}

/** An agent console's stream, parsed like EventSource, keeping the lists like useAgentData. */
async function openConsole(token: string): Promise<Console> {
  const abort = new AbortController();
  const res = await fetch(`${stack.baseUrl}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Received[] = [];
  let queue: unknown[] | null = null;
  let agents: { id: string; status: string }[] | null = null;
  let stats: Stat[] | null = null;
  let buf = '';
  const onEvent = (type: string, data: any) => {
    events.push({ type, data });
    if (type === 'queue') queue = data.calls;
    if (type === 'queue' && data.stats) stats = data.stats;
    if (type === 'agents' && data.agents) agents = data.agents;
    else if (type === 'agents' && agents) {
      const removed = new Set<string>(data.removed);
      const byId = new Map<string, { id: string; status: string }>(data.changed.map((a: { id: string; status: string }) => [a.id, a]));
      agents = agents.filter((a) => !removed.has(a.id)).map((a) => byId.get(a.id) ?? a);
    }
  };
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data !== undefined) onEvent(type, JSON.parse(data));
        }
      }
    } catch {
      /* aborted by close() */
    }
  })();
  const c: Console = { events, queue: () => queue, agents: () => agents, stats: () => stats, close: () => abort.abort() };
  consoles.push(c);
  return c;
}

const callEventsFor = (c: Console, callId: string) => c.events.filter((e) => (e.type === 'call' || e.type === 'transfer') && e.data.callId === callId);
const get = async <T = any>(who: Who, url: string) => (await as(who)('GET', url)).body as T;

/**
 * Stream stats equal to GET /api/queues read after them: every field, but the longest wait only
 * grows meanwhile (the stream's is as of its computation; the console ticks it on from there).
 */
const sameStats = (streamed: Stat[] | null, api: Stat[]) =>
  streamed !== null &&
  isDeepStrictEqual(
    streamed.map((s) => ({ ...s, longestWaitS: s.longestWaitS === null })),
    api.map((s) => ({ ...s, longestWaitS: s.longestWaitS === null })),
  ) &&
  streamed.every((s, i) => s.longestWaitS === null || s.longestWaitS <= api[i]!.longestWaitS!);
const statsMatchApi = async (who: Who, streamed: Stat[] | null) => sameStats(streamed, await get<Stat[]>(who, '/api/queues'));

beforeAll(async () => {
  stack = await startStack({ env: { EVENTS_LIST_INTERVAL_MS: String(LIST_INTERVAL_MS), QUEUES: 'billing:Billing' } });
  await setAgentQueues(stack.deps.db, stack.agents.alice.id, ['billing']); // carol: none, so general is hers
  await createAgent(stack.deps.db, { email: 'sam@warmline.test', name: 'Sam', password: 'supervisor-password-1', role: 'supervisor' });
  for (const who of ['alice', 'bob', 'carol'] as const) {
    tokens[who] = await stack.login(who);
    ids[who] = stack.agents[who].id;
  }
  const login = await client(stack.baseUrl)('POST', '/api/auth/login', { email: 'sam@warmline.test', password: 'supervisor-password-1' });
  tokens.sam = login.body.token;
  ids.sam = login.body.agent?.id ?? (await client(stack.baseUrl, tokens.sam)('GET', '/api/agents/me')).body.agent.id;
  for (const who of ['alice', 'bob', 'carol'] as const) await as(who)('POST', '/api/agents/me/status', { status: 'available' });
});
afterAll(async () => {
  for (const c of consoles) c.close();
  await stack?.stop();
});

describe('event stream', () => {
  it('opens with the queue and agents lists, the same as GET /api/queue and GET /api/agents', async () => {
    await client(stack.baseUrl)('POST', '/api/calls', { name: 'Eve', reason: 'Opening lists' });
    const carol = await openConsole(tokens.carol);
    await eventually(async () => carol.queue() !== null && carol.agents() !== null, 10_000, 'lists at open');
    expect(carol.events.slice(0, 2).map((e) => e.type)).toEqual(['queue', 'agents']);
    await eventually(async () => isDeepStrictEqual(carol.queue(), await get('carol', '/api/queue')), 10_000, 'queue as GET');
    await eventually(async () => isDeepStrictEqual(carol.agents(), await get('carol', '/api/agents')), 10_000, 'agents as GET');
  });

  it('a queue event carries the queue: the same content as GET /api/queue', async () => {
    const carol = await openConsole(tokens.carol);
    await eventually(async () => carol.queue() !== null, 10_000, 'lists at open');
    const seen = carol.events.length;
    const created = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Frank', reason: 'Queue event' })).body as { id: string };
    const ev = await eventually(
      async () => carol.events.slice(seen).find((e) => e.type === 'queue' && e.data.calls.some((c: { id: string }) => c.id === created.id)),
      10_000,
      'queue event with the new call',
    );
    const api = await get<{ id: string }[]>('carol', '/api/queue');
    expect(api.map((c) => c.id)).toContain(created.id);
    // Same content as GET for this agent (the list the console keeps ends equal to the API's).
    expect(ev.data.calls.find((c: { id: string }) => c.id === created.id)).toEqual(api.find((c) => c.id === created.id));
    await eventually(async () => isDeepStrictEqual(carol.queue(), await get('carol', '/api/queue')), 10_000, 'queue as GET');
  });

  it("opens with the queue stats, the same as that agent's GET /api/queues (mine included)", async () => {
    const [alice, carol] = await Promise.all([openConsole(tokens.alice), openConsole(tokens.carol)]);
    await eventually(async () => alice.stats() !== null && carol.stats() !== null, 10_000, 'stats at open');
    expect(alice.events[0]!.type).toBe('queue');
    expect(alice.events[0]!.data.stats).toBeDefined();
    const mine = (c: Console) => c.stats()!.filter((s) => s.mine).map((s) => s.id);
    expect(mine(alice)).toEqual(['billing']);
    expect(mine(carol)).toEqual(['general']);
    await eventually(async () => statsMatchApi('alice', alice.stats()), 10_000, "alice's stats as her GET");
    await eventually(async () => statsMatchApi('carol', carol.stats()), 10_000, "carol's stats as her GET");
  });

  it('a new waiting call makes a queue event whose stats match GET /api/queues', async () => {
    const alice = await openConsole(tokens.alice);
    await eventually(async () => alice.stats() !== null, 10_000, 'stats at open');
    const seen = alice.events.length;
    const before = (await get<Stat[]>('alice', '/api/queues')).find((s) => s.id === 'billing')!.waiting;
    const created = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Hal', reason: 'Stats', queueId: 'billing' })).body as { id: string };
    const ev = await eventually(
      async () => alice.events.slice(seen).find((e) => e.type === 'queue' && e.data.calls.some((c: { id: string }) => c.id === created.id)),
      10_000,
      'queue event with the new call',
    );
    const billing = (ev.data.stats as Stat[]).find((s) => s.id === 'billing')!;
    expect(billing.waiting).toBeGreaterThan(before);
    expect(billing.waiting).toBe(ev.data.calls.filter((c: { queue: { id: string } }) => c.queue.id === 'billing').length);
    expect(billing.mine).toBe(true);
    await eventually(async () => statsMatchApi('alice', alice.stats()), 10_000, 'stats as GET');
  });

  it("an agent going away makes a queue event whose available agents match GET /api/queues", async () => {
    const [bob, carol] = await Promise.all([openConsole(tokens.bob), openConsole(tokens.carol)]); // bob's console: he is present
    await as('bob')('POST', '/api/agents/me/status', { status: 'available' });
    const general = (l: Stat[] | null) => l?.find((s) => s.id === 'general')?.availableAgents;
    let before = -1;
    await eventually(
      async () => {
        const api = await get<Stat[]>('carol', '/api/queues');
        before = general(api)!;
        return sameStats(carol.stats(), api);
      },
      10_000,
      'stats settled, bob available',
    );
    expect(before).toBeGreaterThan(0);
    const seen = carol.events.length;
    await as('bob')('POST', '/api/agents/me/status', { status: 'away', reason: 'break' });
    const ev = await eventually(
      async () => carol.events.slice(seen).find((e) => e.type === 'queue' && general(e.data.stats) === before - 1),
      10_000,
      'queue event with one fewer available',
    );
    expect(general((await get<Stat[]>('carol', '/api/queues')))).toBe(before - 1);
    expect(sameStats(ev.data.stats, await get<Stat[]>('carol', '/api/queues'))).toBe(true);
    bob.close();
    await as('bob')('POST', '/api/agents/me/status', { status: 'available' });
  });

  it("each agent's queue comes in that agent's order (their queues first), as their GET /api/queue", async () => {
    const [alice, carol] = await Promise.all([openConsole(tokens.alice), openConsole(tokens.carol)]);
    const plain = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Gus', reason: 'General question' })).body as { id: string };
    const billing = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Bea', reason: 'Invoice', queueId: 'billing' })).body as { id: string };
    const has = (c: Console) => (c.queue() as { id: string }[] | null)?.some((x) => x.id === billing.id && true) && (c.queue() as { id: string }[]).some((x) => x.id === plain.id);
    await eventually(async () => has(alice) && has(carol), 10_000, 'both calls in both queues');
    const order = (c: Console) => (c.queue() as { id: string }[]).map((x) => x.id).filter((id) => id === plain.id || id === billing.id);
    expect(order(alice)).toEqual([billing.id, plain.id]);
    expect(order(carol)).toEqual([plain.id, billing.id]);
    await eventually(async () => isDeepStrictEqual(alice.queue(), await get('alice', '/api/queue')), 10_000, "alice's queue as her GET");
    await eventually(async () => isDeepStrictEqual(carol.queue(), await get('carol', '/api/queue')), 10_000, "carol's queue as her GET");
  });

  it('call and transfer events reach the agents in the call and supervisors, nobody else', async () => {
    const [alice, bob, carol, sam] = await Promise.all([openConsole(tokens.alice), openConsole(tokens.bob), openConsole(tokens.carol), openConsole(tokens.sam)]);
    await eventually(async () => [alice, bob, carol, sam].every((c) => c.agents() !== null), 10_000, 'consoles open');
    const call = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Grace', reason: 'Routing' })).body as { id: string };
    expect((await as('alice')('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
    await eventually(async () => callEventsFor(alice, call.id).length > 0, 10_000, "alice's call event");
    const t = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: ids.bob }, notes: 'Wants a refund.' });
    expect(t.status).toBe(201);
    await eventually(async () => bob.events.some((e) => e.type === 'transfer' && e.data.transferId === t.body.id), 10_000, "bob's transfer event");
    expect((await as('bob')('POST', `/api/transfers/${t.body.id}/accept`)).status).toBe(200);
    expect((await as('alice')('POST', `/api/transfers/${t.body.id}/complete`, {})).status).toBe(200);
    expect((await as('bob')('POST', `/api/calls/${call.id}/hangup`)).status).toBe(200);
    // Every event that went out after the hang-up has reached carol too (a list event follows it).
    const marker = carol.events.length;
    await as('carol')('POST', '/api/agents/me/status', { status: 'away', reason: 'break' });
    await eventually(async () => carol.events.slice(marker).some((e) => e.type === 'agents'), 10_000, 'a later event at carol');
    await eventually(async () => sam.events.some((e) => e.type === 'call' && e.data.callId === call.id) && callEventsFor(bob, call.id).length >= 3, 10_000, 'all delivered');

    expect(callEventsFor(carol, call.id)).toEqual([]); // not hers: nothing about it
    expect(callEventsFor(alice, call.id).length).toBeGreaterThan(0);
    expect(callEventsFor(bob, call.id).some((e) => e.type === 'transfer')).toBe(true);
    expect(callEventsFor(sam, call.id).length).toBeGreaterThan(0); // a supervisor reads every call
    await as('carol')('POST', '/api/agents/me/status', { status: 'available' });
  });

  it("each console gets its agent's home (`me`) at open and after each change to their calls, as GET /api/agents/me says; a colleague not in the call gets none", async () => {
    const [alice, bob, carol] = await Promise.all([openConsole(tokens.alice), openConsole(tokens.bob), openConsole(tokens.carol)]);
    const homes = (c: Console) => c.events.filter((e) => e.type === 'me').map((e) => e.data);
    const last = (c: Console) => homes(c).at(-1);
    const withoutReadAt = ({ readAt: _, ...home }: { readAt: string }) => home;
    /** The console's newest home is what GET /api/agents/me says now (readAt aside). */
    const current = async (c: Console, who: Who) => {
      const h = last(c);
      return h !== undefined && h !== null && isDeepStrictEqual(withoutReadAt(h), withoutReadAt(await get(who, '/api/agents/me')));
    };
    for (const [c, who] of [[alice, 'alice'], [bob, 'bob'], [carol, 'carol']] as const) await eventually(() => current(c, who), 10_000, `${who}'s home at open`);
    const carolHomes = homes(carol).length;

    const call = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Heidi', reason: 'Homes in the stream' })).body as { id: string };
    expect((await as('alice')('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
    await eventually(async () => last(alice)?.engagement.kind === 'on_call' && (await current(alice, 'alice')), 10_000, 'alice on the call');
    const t = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: ids.bob }, notes: 'Wants a refund.' });
    expect(t.status).toBe(201);
    await eventually(async () => last(bob)?.engagement.kind === 'ringing' && (await current(bob, 'bob')), 10_000, 'bob rung');
    await eventually(async () => last(alice)?.outgoingTransfer?.id === t.body.id && (await current(alice, 'alice')), 10_000, "alice's transfer");
    expect((await as('bob')('POST', `/api/transfers/${t.body.id}/accept`)).status).toBe(200);
    await eventually(async () => last(bob)?.engagement.kind === 'consulting' && (await current(bob, 'bob')), 10_000, 'bob consulting');
    expect((await as('alice')('POST', `/api/transfers/${t.body.id}/complete`, {})).status).toBe(200);
    await eventually(async () => last(bob)?.engagement.kind === 'on_call' && (await current(bob, 'bob')), 10_000, 'bob has the call');
    await eventually(() => current(alice, 'alice'), 10_000, 'alice handed it over');
    expect(last(alice).engagement.kind).not.toBe('on_call');
    expect((await as('bob')('POST', `/api/calls/${call.id}/hold`, { hold: true })).status).toBe(200);
    await eventually(async () => last(bob)?.engagement.call?.holdCount === 1 && (await current(bob, 'bob')), 10_000, 'bob holding');
    expect((await as('bob')('POST', `/api/calls/${call.id}/hangup`)).status).toBe(200);
    await eventually(() => current(bob, 'bob'), 10_000, 'bob after the hang-up');

    // Homes arrive newest last, and carol, in none of it, got none after her first.
    for (const c of [alice, bob]) {
      const times = homes(c).map((h) => Date.parse(h.readAt));
      expect(times.length).toBeGreaterThan(3);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    expect(homes(carol).length).toBe(carolHomes);
  });

  it('a burst of changes makes a bounded number of list events, and the lists end as the API says', async () => {
    const carol = await openConsole(tokens.carol);
    await eventually(async () => carol.agents() !== null, 10_000, 'lists at open');
    const seen = carol.events.length;
    const N = 24;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: N }, (_, i) => {
        const who = (['alice', 'bob', 'sam'] as const)[i % 3]!;
        return as(who)('POST', '/api/agents/me/status', i % 2 ? { status: 'available' } : { status: 'away', reason: 'break' });
      }),
    );
    await Promise.all(Array.from({ length: 6 }, (_, i) => client(stack.baseUrl)('POST', '/api/calls', { name: `Burst ${i}`, reason: 'Burst' })));
    const elapsed = Date.now() - t0;
    await eventually(async () => isDeepStrictEqual(carol.agents(), await get('carol', '/api/agents')), 10_000, 'agents as GET');
    await eventually(async () => isDeepStrictEqual(carol.queue(), await get('carol', '/api/queue')), 10_000, 'queue as GET');
    const settled = Date.now() - t0;
    const lists = carol.events.slice(seen).filter((e) => e.type === 'agents' || e.type === 'queue');
    const agentsEvents = lists.filter((e) => e.type === 'agents').length;
    const queueEvents = lists.filter((e) => e.type === 'queue').length;
    // At most one computation per interval (plus the first at once), whatever the machine's speed.
    const bound = Math.ceil(settled / LIST_INTERVAL_MS) + 1;
    expect(agentsEvents).toBeLessThanOrEqual(bound);
    expect(queueEvents).toBeLessThanOrEqual(bound);
    if (elapsed < LIST_INTERVAL_MS * 4) expect(agentsEvents).toBeLessThan(N); // coalesced (when the burst was a burst)
  });

  it('a console that reconnects gets the full lists again', async () => {
    const first = await openConsole(tokens.bob);
    await eventually(async () => first.agents() !== null, 10_000, 'lists at open');
    first.close();
    await as('alice')('POST', '/api/agents/me/status', { status: 'away', reason: 'lunch' });
    const again = await openConsole(tokens.bob);
    await eventually(async () => again.agents() !== null && again.queue() !== null, 10_000, 'lists at reopen');
    await eventually(async () => again.agents()!.find((a) => a.id === ids.alice)?.status === 'away', 10_000, 'missed change is in');
    await as('alice')('POST', '/api/agents/me/status', { status: 'available' });
  });
});
