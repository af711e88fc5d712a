// Phone legs (Twilio calls) as use cases: dialling a specialist, Twilio's status and AMD
// reports, a customer dialling in, a Media Stream presenting its token, a leg ending, and
// Twilio following the record (a leg the record no longer wants is hung up over REST).
// As everywhere, the record is written first; Twilio is called after the commit.
import { randomUUID } from 'node:crypto';
import { newSecret } from '../auth/secrets.js';
import { advancesStatus, isTerminalStatus, legMode, legWanted, type LegMode } from '../domain/phone-leg.js';
import type { PhoneOutcome } from '../domain/transfer.js';
import { AppError, toAppError } from '../errors.js';
import { callerIdentity, phoneIdentity } from '../livekit/media.js';
import { maskNumber } from '../phone/numbers.js';
import { PhoneError } from '../phone/twilio.js';
import * as calls from '../store/calls-repo.js';
import * as legs from '../store/phone-legs-repo.js';
import { getTransfer, openTransferForCall, type TransferRecord } from '../store/transfers-repo.js';
import { applyCallEvent, applyTransferEvent } from './apply-events.js';
import { createCall, grantFor, hangupCall, lockCall, type JoinGrant } from './calls.js';
import type { Deps } from './deps.js';

/** How long a stream token waits for its Media Stream: the ring, the whisper, some slack. */
const tokenTtl = (deps: Deps) => deps.config.transferRingTimeoutS + 120;

const phones = (deps: Deps) => {
  if (!deps.phone) throw new AppError('phones_not_configured', 'Phones are not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER and PUBLIC_URL.');
  return deps.phone;
};

/** Rings the specialist; a refusal ends the transfer at once (the caller is back with A) and answers 502. */
export async function dialSpecialist(deps: Deps, transfer: TransferRecord, whisper: string): Promise<void> {
  const network = phones(deps);
  const legId = randomUUID();
  const token = newSecret();
  await legs.insertLeg(deps.db, {
    id: legId,
    callId: transfer.callId,
    transferId: transfer.id,
    role: 'specialist',
    number: transfer.targetNumber!,
    twilioSid: null,
    tokenHash: deps.secrets.hash(token),
    tokenTtlS: tokenTtl(deps),
  });
  await calls.addCallEvent(deps.db, transfer.callId, 'phone_dialed', { transferId: transfer.id, number: maskNumber(transfer.targetNumber!) });
  try {
    const { sid } = await network.dial({ legId, to: transfer.targetNumber!, whisper, streamToken: token, ringTimeoutS: deps.config.transferRingTimeoutS });
    await legs.setLegSid(deps.db, legId, sid);
  } catch (err) {
    if (!(err instanceof PhoneError)) throw err;
    deps.log.warn({ err: { message: err.message, status: err.status, code: err.twilioCode }, transferId: transfer.id }, 'phone dial refused');
    await legs.setStatus(deps.db, legId, 'failed', true);
    await phoneLegEnded(deps, { transferId: transfer.id, outcome: 'failed' });
    throw toAppError(err)!; // 502 phone_unavailable: the transfer is over and the caller is back with A
  }
  // Ended meanwhile (A cancelled while we dialled): the follow-up hangs the new call up.
  await followPhoneLegs(deps, transfer.callId);
}

const OUTCOME: Record<string, PhoneOutcome> = {
  completed: 'hung_up',
  canceled: 'hung_up',
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
};
const MACHINE = /^(machine_|fax)/;

/**
 * A status or AMD report. `legId` comes from our callback URL, so a report that outruns the
 * REST answer still finds its leg. Replays and out-of-order reports change nothing.
 */
export async function takeStatusCallback(deps: Deps, legId: string | undefined, p: Record<string, string>) {
  const leg = legId ? await legs.getLeg(deps.db, legId) : p.CallSid ? await legs.getLegBySid(deps.db, p.CallSid) : null;
  if (!leg) return 'ignored' as const;
  if (!leg.twilioSid && p.CallSid) await legs.setLegSid(deps.db, leg.id, p.CallSid);
  if (p.AnsweredBy) {
    if (leg.answeredBy) return 'stale' as const;
    await legs.setAnsweredBy(deps.db, leg.id, p.AnsweredBy);
    if (MACHINE.test(p.AnsweredBy) && leg.role === 'specialist') await phoneLegEnded(deps, { transferId: leg.transferId!, outcome: 'voicemail' });
    return 'taken' as const;
  }
  const status = p.CallStatus ?? '';
  const moved = await deps.db.tx(async (q) => {
    const fresh = await legs.getLeg(q, leg.id);
    await q.query('SELECT id FROM phone_legs WHERE id = $1 FOR UPDATE', [leg.id]);
    if (!fresh || !advancesStatus(fresh.status, status)) return false;
    await legs.setStatus(q, leg.id, status, isTerminalStatus(status));
    const name = status === 'ringing' ? 'phone_ringing' : status === 'in-progress' ? 'phone_answered' : isTerminalStatus(status) ? 'phone_ended' : null;
    if (name) await calls.addCallEvent(q, leg.callId, name, { transferId: leg.transferId ?? undefined, status });
    return true;
  });
  if (!moved) return 'stale' as const;
  if (isTerminalStatus(status)) await legEndedByNetwork(deps, leg, OUTCOME[status] ?? 'hung_up');
  else await deps.bus.publish({ type: 'call', callId: leg.callId });
  return 'taken' as const;
}

async function legEndedByNetwork(deps: Deps, leg: legs.PhoneLegRecord, outcome: PhoneOutcome) {
  if (leg.role === 'caller') await hangupCall(deps, { kind: 'caller', callId: leg.callId }, leg.callId);
  else await phoneLegEnded(deps, { transferId: leg.transferId!, outcome });
}

/**
 * The specialist's phone is gone (hung up, busy, voicemail, the bridge lost): an open transfer
 * ends with that reason and the caller is back with A; a call the specialist had ends.
 */
export async function phoneLegEnded(deps: Deps, ref: { transferId: string; outcome: PhoneOutcome }) {
  const peek = await getTransfer(deps.db, ref.transferId);
  if (!peek) return;
  const result = await deps.db.tx(async (q) => {
    const call = await lockCall(q, peek.callId);
    const open = await openTransferForCall(q, call.id, { forUpdate: true });
    if (open?.id === ref.transferId) return applyTransferEvent(q, call, open, { type: 'phone_ended', outcome: ref.outcome });
    if (call.phoneTransferId === ref.transferId) {
      return applyCallEvent(q, call, { type: 'hangup', by: { kind: 'specialist', transferId: ref.transferId } });
    }
    return null;
  });
  if (!result?.changed) return;
  await deps.bus.publish({ type: 'transfer', transferId: ref.transferId, callId: peek.callId }, { type: 'call', callId: peek.callId }, { type: 'agents', callId: peek.callId }, { type: 'queue' });
  await deps.mediaSync.follow(peek.callId, { remove: result.remove }).catch(() => undefined); // dirty: the reconciler retries
  await followPhoneLegs(deps, peek.callId);
}

/** A customer dialled our number: a call in the queue like a web caller's, and TwiML that bridges them. */
export async function inboundCall(deps: Deps, p: Record<string, string>): Promise<string> {
  const network = phones(deps);
  const sid = p.CallSid;
  const from = p.From ?? '';
  if (!sid) throw new AppError('validation_failed', 'CallSid is required.');
  const token = newSecret();
  const known = await legs.getLegBySid(deps.db, sid);
  if (known) {
    // Twilio retried the webhook: same call, a fresh token for the same leg.
    await legs.renewToken(deps.db, known.id, deps.secrets.hash(token), tokenTtl(deps));
    return network.inboundTwiml(token, known.id);
  }
  const legId = randomUUID();
  await createCall(deps, { name: `Phone ${maskNumber(from)}`, reason: 'Called the support line', channel: 'phone' }, async (q, callId) => {
    await legs.insertLeg(q, { id: legId, callId, transferId: null, role: 'caller', number: from, twilioSid: sid, tokenHash: deps.secrets.hash(token), tokenTtlS: tokenTtl(deps) });
  });
  return network.inboundTwiml(token, legId);
}

/** A stream that ended within this long of its start is opened again after a pause (no tight loop when streams keep failing). */
const RESTREAM_RECENT_S = 1;
const RESTREAM_PAUSE_S = 1;

/**
 * Twilio asks the caller leg's `<Connect action>`: its Media Stream ended while the phone call is
 * up (the API instance holding the socket died, or the socket was closed). From the record: a leg
 * still wanted gets a fresh `<Connect><Stream>` for the same leg (any instance takes it: the token
 * is in Postgres), so the bridge joins the room again as the same participant; otherwise
 * `<Hangup/>`. Only database work here; the TwiML is the answer.
 */
export async function streamEnded(deps: Deps, legId: string | undefined, p: Record<string, string>): Promise<string> {
  const network = phones(deps);
  const leg = legId ? await legs.getLeg(deps.db, legId) : null;
  // Not ours, or a different Twilio call than the leg's: nothing to reconnect.
  if (!leg || (leg.twilioSid && p.CallSid && leg.twilioSid !== p.CallSid)) return network.hangupTwiml();
  if (leg.role !== 'caller' || (await modeOf(deps, leg.id)) === null) return network.hangupTwiml();
  const token = newSecret();
  const issued = await legs.reissueToken(deps.db, leg.id, deps.secrets.hash(token), tokenTtl(deps), RESTREAM_RECENT_S);
  if (!issued) return network.hangupTwiml(); // Twilio reported it over meanwhile
  deps.log.info({ legId: leg.id, callId: leg.callId, paused: issued.recent }, 'phone stream ended with the call up: reconnecting it');
  return network.reconnectTwiml(token, leg.id, issued.recent ? RESTREAM_PAUSE_S : 0);
}

export interface StreamGrant extends JoinGrant {
  leg: legs.PhoneLegRecord;
  identity: string;
  mode: LegMode;
}

/** A Media Stream presented its token: the leg joins the room (a specialist's transfer is now consulting). */
export async function streamStarted(deps: Deps, token: string): Promise<StreamGrant> {
  const leg = await legs.takeStreamToken(deps.db, deps.secrets.hash(token));
  if (!leg) throw new AppError('unauthorized', 'The stream token is unknown, used or expired.');
  if (leg.role === 'specialist') {
    const result = await deps.db.tx(async (q) => {
      const call = await lockCall(q, leg.callId);
      const open = await openTransferForCall(q, call.id, { forUpdate: true });
      if (open?.id !== leg.transferId) throw new AppError('transfer_conflict', 'The transfer this phone was called for is over.');
      return applyTransferEvent(q, call, open, { type: 'phone_answered' });
    });
    if (result.changed) {
      await deps.bus.publish({ type: 'transfer', transferId: leg.transferId!, callId: leg.callId }, { type: 'call', callId: leg.callId }, { type: 'agents', callId: leg.callId });
    }
  }
  const identity = leg.role === 'caller' ? callerIdentity(leg.callId) : phoneIdentity(leg.transferId!);
  const grant = await legGrant(deps, leg);
  const mode = (await modeOf(deps, leg.id)) ?? 'silent';
  return { ...grant, leg, identity, mode };
}

/** What a leg's bridge should do now, or null when the leg should be over (from one snapshot: legRecord). */
export async function modeOf(deps: Pick<Deps, 'db'>, legId: string): Promise<LegMode | null> {
  const r = await legs.legRecord(deps.db, legId);
  return r ? legMode(r) : null;
}

/** A join token for the leg's bridge (at the start of its stream, and when it rejoins). */
export async function legGrant(deps: Deps, leg: Pick<legs.PhoneLegRecord, 'role' | 'callId' | 'transferId' | 'number'>): Promise<JoinGrant> {
  const member = leg.role === 'caller' ? ({ kind: 'caller' } as const) : ({ kind: 'phone', transferId: leg.transferId! } as const);
  return grantFor(deps, leg.callId, member, leg.role === 'caller' ? `Phone ${maskNumber(leg.number)}` : 'Phone specialist');
}

/** Twilio follows the record: every live leg the record no longer wants is hung up, once, by one instance. */
export async function followPhoneLegs(deps: Deps, callId?: string): Promise<number> {
  if (!deps.phone) return 0;
  const live = await legs.liveLegs(deps.db, callId);
  let n = 0;
  for (const l of live) {
    const wanted = legWanted({
      role: l.role,
      transferId: l.transferId,
      call: { state: l.callState, phoneTransferId: l.phoneTransferId },
      transfer: l.transferState ? { state: l.transferState } : null,
    });
    if (wanted || !l.twilioSid || l.hangupSentAt) continue;
    if (!(await legs.claimHangup(deps.db, l.id))) continue;
    try {
      await deps.phone.hangUp(l.twilioSid, l.status === 'in-progress' || l.streamStartedAt !== null);
      n++;
    } catch (err) {
      await legs.releaseHangup(deps.db, l.id);
      deps.log.warn({ err: { message: (err as Error).message }, legId: l.id }, 'phone hang-up failed; will retry');
    }
  }
  return n;
}
