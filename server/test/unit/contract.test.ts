// The contract (@warmline/contract) is the one list of names: the domain produces only names in
// it, the server writes every timeline name in it, the database and the OpenAPI schemas agree
// with it, and the closed response schemas carry every field the views return.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AGENT_ROLES,
  AGENT_STATUSES,
  AWAY_REASONS,
  CALL_STATES,
  END_REASONS,
  ENGAGEMENT_KINDS,
  ERROR_CODES,
  ERROR_STATUS,
  OPEN_TRANSFER_STATES,
  PRESENCE,
  TALK_TO,
  TIMELINE_EVENTS,
  TRANSFER_FAIL_REASONS,
  TRANSFER_STATES,
  WRAP_UP_ENDINGS,
} from '@warmline/contract';
import Fastify from 'fastify';
import type { TSchema } from 'typebox';
import { describe, expect, it } from 'vitest';
import { decideCall, type CallEvent, type CallSnapshot } from '../../src/domain/call.js';
import { decideTransfer, type TransferEvent, type TransferSnapshot } from '../../src/domain/transfer.js';
import { AppError } from '../../src/errors.js';
import * as schemas from '../../src/http/schemas.js';
import type { AgentHome, CallView, Engagement, TransferView } from '../../src/http/schemas.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const A = 'agent-a';
const B = 'agent-b';
const C = 'agent-c';
const PHONE_T = 'transfer-phone';

const callEvents: CallEvent[] = [A, B].flatMap((agentId): CallEvent[] => [
  { type: 'accept', agentId },
  { type: 'hold', agentId },
  { type: 'resume', agentId },
  { type: 'hangup', by: { kind: 'agent', agentId } },
  { type: 'agent_left', agentId },
  { type: 'handover', toAgentId: agentId },
]);
callEvents.push(
  { type: 'hangup', by: { kind: 'caller' } },
  { type: 'caller_left' },
  { type: 'hangup', by: { kind: 'specialist', transferId: PHONE_T } },
  { type: 'handover_to_phone', transferId: PHONE_T },
);

const transferEvents: TransferEvent[] = [
  ...[A, B, C].flatMap((agentId): TransferEvent[] => [
    { type: 'accept', agentId },
    { type: 'decline', agentId },
    { type: 'cancel', agentId },
    { type: 'complete', agentId, introduce: false },
    { type: 'complete', agentId, introduce: true },
    { type: 'agent_left', agentId },
    { type: 'leave', agentId },
    ...TALK_TO.map((talkTo): TransferEvent => ({ type: 'talk_to', agentId, talkTo })),
  ]),
  { type: 'timeout' },
  { type: 'target_offline' },
  { type: 'caller_left' },
  { type: 'caller_left', hungUp: true },
  { type: 'phone_answered' },
  ...(['busy', 'no_answer', 'failed', 'voicemail', 'hung_up'] as const).map((outcome): TransferEvent => ({ type: 'phone_ended', outcome })),
];

/** Every decision the machines make from every state and every event. */
function everyDecision() {
  const calls = CALL_STATES.flatMap((state) =>
    [null, A].flatMap((agentId) =>
      [null, PHONE_T].flatMap((phoneTransferId) =>
        callEvents.map((e) => decideCall({ state, agentId, phoneTransferId, holdCount: 0, endReason: null } satisfies CallSnapshot, e)),
      ),
    ),
  );
  const targets = [
    { id: 'transfer-agent', targetType: 'agent', targetAgentId: B },
    { id: PHONE_T, targetType: 'phone', targetAgentId: null },
  ] as const;
  const transfers = TRANSFER_STATES.flatMap((state) =>
    targets.flatMap((target) =>
      TALK_TO.flatMap((talkTo) =>
        transferEvents.map((e) => decideTransfer({ ...target, state, fromAgentId: A, failReason: null, talkTo } satisfies TransferSnapshot, e)),
      ),
    ),
  );
  return { calls, transfers };
}

const sorted = (xs: Iterable<unknown>) => [...new Set(xs)].map(String).sort();

describe('the contract', () => {
  it('the state machines produce exactly the contract’s states and reasons, and only its error codes', () => {
    const { calls, transfers } = everyDecision();
    const ok = <T extends { ok: boolean }>(ds: T[]) => ds.flatMap((d) => (d.ok && 'next' in d ? [d.next] : []));
    const callNext = ok(calls) as CallSnapshot[];
    const transferNext = ok(transfers) as TransferSnapshot[];
    expect(sorted(callNext.map((c) => c.state))).toEqual(sorted(CALL_STATES));
    expect(sorted(callNext.flatMap((c) => (c.endReason ? [c.endReason] : [])))).toEqual(sorted(END_REASONS));
    expect(sorted(transferNext.map((t) => t.state))).toEqual(sorted(TRANSFER_STATES));
    expect(sorted(transferNext.flatMap((t) => (t.failReason ? [t.failReason] : [])))).toEqual(sorted(TRANSFER_FAIL_REASONS));
    const codes = [...calls, ...transfers].flatMap((d) => (d.ok ? [] : [d.code]));
    for (const code of codes) expect(ERROR_CODES).toContain(code);
  });

  it('every timeline name is written somewhere in the server (the console labels none that never comes)', () => {
    const files = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const source = files.map((f) => fs.readFileSync(path.join(SRC, f), 'utf8')).join('\n');
    const unused = TIMELINE_EVENTS.filter((name) => !source.includes(`'${name}'`));
    expect(unused).toEqual([]);
  });

  it('each error code has the status the contract gives it', () => {
    for (const code of ERROR_CODES) {
      const status = new AppError(code, 'x').statusCode;
      expect(status, code).toBe(ERROR_STATUS[code]);
      expect(status >= 400 && status < 600, code).toBe(true);
    }
    expect(sorted(ERROR_CODES)).toEqual(sorted(Object.keys(ERROR_STATUS)));
  });

  it('the database constraints list the same names (migrations are history, so they are checked, not generated)', () => {
    const sql = fs.readFileSync(path.join(SRC, 'store/migrations/001_initial.sql'), 'utf8');
    const list = (re: RegExp) => sorted((sql.match(re)?.[1] ?? '').split(',').map((s) => s.trim().replace(/'/g, '')));
    expect(list(/state\s+text NOT NULL CHECK \(state IN \(([^)]*)\)\)/)).toEqual(sorted(CALL_STATES));
    expect(list(/status\s+text NOT NULL DEFAULT 'away' CHECK \(status IN \(([^)]*)\)\)/)).toEqual(sorted(AGENT_STATUSES));
    expect(list(/transfers_one_open_per_call[^;]*WHERE state IN \(([^)]*)\)/)).toEqual(sorted(OPEN_TRANSFER_STATES));
    const v5 = fs.readFileSync(path.join(SRC, 'store/migrations/005_wrap_up_roles.sql'), 'utf8');
    const list5 = (re: RegExp) => sorted((v5.match(re)?.[1] ?? '').split(',').map((s) => s.trim().replace(/'/g, '')));
    expect(list5(/role text NOT NULL DEFAULT 'agent' CHECK \(role IN \(([^)]*)\)\)/)).toEqual(sorted(AGENT_ROLES));
    expect(list5(/ended_by\s+text CHECK \(ended_by IN \(([^)]*)\)\)/)).toEqual(sorted(WRAP_UP_ENDINGS));
    const v6 = fs.readFileSync(path.join(SRC, 'store/migrations/006_consult_focus.sql'), 'utf8');
    expect(sorted((v6.match(/CHECK \(consult_focus IN \(([^)]*)\)\)/)?.[1] ?? '').split(',').map((s) => s.trim().replace(/'/g, '')))).toEqual(sorted(TALK_TO));
  });

  it('the OpenAPI schemas enumerate the contract’s names', () => {
    const enumOf = (s: TSchema) => sorted((s as unknown as { enum: string[] }).enum);
    const anyEnum = (s: TSchema) => enumOf((s as unknown as { anyOf: TSchema[] }).anyOf[0]!);
    expect(enumOf(schemas.CallView.properties.state)).toEqual(sorted(CALL_STATES));
    expect(anyEnum(schemas.CallView.properties.endReason)).toEqual(sorted(END_REASONS));
    expect(enumOf(schemas.TransferView.properties.state)).toEqual(sorted(TRANSFER_STATES));
    expect(enumOf(schemas.TransferView.properties.talkTo)).toEqual(sorted(TALK_TO));
    expect(anyEnum(schemas.TransferView.properties.failReason)).toEqual(sorted(TRANSFER_FAIL_REASONS));
    expect(enumOf(schemas.TimelineEntry.properties.type)).toEqual(sorted(TIMELINE_EVENTS));
    expect(enumOf(schemas.Presence.properties.status)).toEqual(sorted(PRESENCE));
    expect(anyEnum(schemas.Presence.properties.awayReason)).toEqual(sorted(AWAY_REASONS));
    expect(anyEnum(schemas.WrapUpView.properties.endedBy)).toEqual(sorted(WRAP_UP_ENDINGS));
    expect(enumOf(schemas.AgentHome.properties.agent.properties.role)).toEqual(sorted(AGENT_ROLES));
    expect(enumOf(schemas.ErrorBody.properties.code)).toEqual(sorted(ERROR_CODES));
  });
});

// services/views.ts returns the schemas' Static types, so tsc already fails when a view has a field
// its closed schema lacks. What is left to check at run time is Fastify's serializer: it must
// keep every field, and pick the right variant of the engagement union (an anyOf).
describe('closed response schemas', () => {
  const transfer: TransferView = {
    id: 't1',
    callId: 'c1',
    state: 'consulting',
    fromAgent: { id: A, name: 'Alice' },
    target: { type: 'agent', agentId: B, name: 'Bob', number: null, queueId: null },
    mode: 'warm',
    notes: 'wants a refund',
    summary: { text: 'Caller wants a refund.', provider: 'local' },
    requestedAt: '2025-01-01T10:00:00.000Z',
    acceptedAt: '2025-01-01T10:00:05.000Z',
    completedAt: null,
    endedAt: null,
    ringDeadline: '2025-01-01T10:00:30.000Z',
    failReason: null,
    talkTo: 'target',
    call: { id: 'c1', callerName: 'Carol', reason: 'refund', answeredAt: '2025-01-01T09:59:00.000Z' },
  };
  const call: CallView = {
    id: 'c1',
    room: 'call-c1',
    state: 'on_hold',
    channel: 'web',
    callerName: 'Carol',
    reason: 'refund',
    agentId: A,
    agentName: 'Alice',
    createdAt: '2025-01-01T09:58:00.000Z',
    queuedAt: '2025-01-01T09:58:00.000Z',
    answeredAt: '2025-01-01T09:59:00.000Z',
    endedAt: null,
    endReason: null,
    notes: 'n',
    holdCount: 1,
    callerReconnecting: false,
    agentReconnecting: true,
    queuePosition: null,
    timeline: [{ at: '2025-01-01T10:00:00.000Z', type: 'transfer_requested', detail: { transferId: 't1', nested: { a: [1] } } }],
    transfer,
    disposition: 'Resolved',
    wrapUps: [
      {
        id: 'w1',
        callId: 'c1',
        agent: { id: B, name: 'Bob' },
        startedAt: '2025-01-01T10:05:00.000Z',
        endsAt: '2025-01-01T10:06:00.000Z',
        doneAt: '2025-01-01T10:05:30.000Z',
        endedBy: 'agent',
        disposition: 'Resolved',
        notes: 'refunded',
      },
    ],
    queue: { id: 'billing', name: 'Billing' },
    summary: { text: 'Caller wants a refund.', provider: 'local', transferId: 't0', mode: 'blind', targetType: 'queue', fromAgent: { id: C, name: 'Carl' }, notes: 'wants a refund' },
  };
  const ringing: TransferView = { ...transfer, state: 'ringing', acceptedAt: null };
  const phone: TransferView = { ...transfer, target: { type: 'phone', agentId: null, name: '+1 ••• ••• 4567', number: '+1 ••• ••• 4567', queueId: null } };
  const engagements: Engagement[] = [
    { kind: 'idle' },
    { kind: 'ringing', transfer: ringing },
    { kind: 'on_call', call: { ...call, transfer: phone } },
    { kind: 'consulting', transfer, call },
    { kind: 'introducing', transfer: { ...transfer, state: 'introducing' }, call: { ...call, state: 'active', agentId: B, agentName: 'Bob' } },
    { kind: 'wrap_up', wrapUp: { ...call.wrapUps[0]!, doneAt: null, endedBy: null, disposition: null }, lastCall: { ...call, state: 'ended', transfer: null } },
  ];

  it('the engagement union has one variant per contract kind', () => {
    const kinds = schemas.Engagement.anyOf.map((v) => (v.properties.kind as unknown as { enum: string[] }).enum[0]);
    expect(sorted(kinds)).toEqual(sorted(ENGAGEMENT_KINDS));
    expect(sorted(engagements.map((e) => e.kind))).toEqual(sorted(ENGAGEMENT_KINDS));
  });

  it('serialize a full agent home, in every engagement, without dropping a field', async () => {
    const homes: AgentHome[] = engagements.map((engagement) => ({
      agent: { id: A, name: 'Alice', email: 'alice@example.com', status: 'on_call', awayReason: null, role: 'supervisor' },
      engagement,
      currentCall: engagement.kind === 'on_call' ? engagement.call : null,
      incomingTransfers: [ringing],
      outgoingTransfer: { ...transfer, state: 'failed', failReason: 'target_left', endedAt: '2025-01-01T10:01:00.000Z' },
      readAt: '2025-01-01T10:02:00.000Z',
    }));
    const ended: CallView = { ...call, state: 'ended', endReason: 'caller_left', transfer: null, timeline: [] };
    const app = Fastify();
    app.get<{ Params: { i: string } }>('/home/:i', { schema: { response: { 200: schemas.AgentHome } } }, async (req) => homes[Number(req.params.i)]);
    app.get('/call', { schema: { response: { 200: schemas.CallView } } }, async () => ended);
    try {
      for (const [i, home] of homes.entries()) expect((await app.inject(`/home/${i}`)).json()).toEqual(home);
      expect((await app.inject('/call')).json()).toEqual(ended);
    } finally {
      await app.close();
    }
  }, 30_000); // Fastify compiles each variant's validator on first use: ~0.1–0.8 s each on a busy machine
});
