// The one-line hooks the use cases call. Transitions are counted where they are decided
// (services/apply-events.ts, inside the transaction that stores them): these transactions end
// right after the decision, so a count for a rolled-back one is possible only when the commit
// itself fails, and counters here are for rates and alerts, not accounting (the record is that).
import type { TransferState, TransferTargetType } from '@warmline/contract';
import type { Summary, SummaryInput, SummaryProvider } from '../summary/types.js';
import { callWait, callsEnded, seconds, summaryDuration, transferStep, transfersEnded, transfersStarted } from './registry.js';

const OPEN: ReadonlySet<TransferState> = new Set(['ringing', 'consulting', 'introducing']);

/** A waiting call was accepted: how long the caller waited since (re)queued. */
export function callAnswered(queuedAt: Date, now: Date) {
  callWait.observe(Math.max(0, seconds(now.getTime() - new Date(queuedAt).getTime())));
}

export function callEnded(reason: string | null) {
  callsEnded.inc({ reason: reason ?? 'unknown' });
}

export function transferStarted(targetType: TransferTargetType) {
  transfersStarted.inc({ target_type: targetType });
}

interface TransferTimes {
  state: TransferState;
  targetType: TransferTargetType;
  requestedAt: Date;
  acceptedAt: Date | null;
}

/** A transfer moved from `before` to `after` at `now` (states, outcome, step durations). */
export function transferMoved(before: TransferTimes, after: { state: TransferState; failReason: string | null }, now: Date) {
  const target_type = before.targetType;
  const since = (t: Date) => Math.max(0, seconds(now.getTime() - new Date(t).getTime()));
  if (before.state === 'ringing' && after.state === 'consulting') transferStep.observe({ step: 'ring', target_type }, since(before.requestedAt));
  if (before.state === 'consulting' && before.acceptedAt) transferStep.observe({ step: 'consult', target_type }, since(before.acceptedAt));
  if (OPEN.has(before.state) && !OPEN.has(after.state)) {
    transfersEnded.inc({ outcome: after.state, reason: after.failReason ?? 'none', target_type });
  }
}

/**
 * Wraps the fast path after a transfer decision: when that decision gave the caller to the new
 * owner (completed, or the introduction began), how long LiveKit took to follow.
 */
export async function timeHandoff<T>(transfer: { state: TransferState; targetType: TransferTargetType }, follow: () => Promise<T>): Promise<T> {
  if (transfer.state !== 'completed' && transfer.state !== 'introducing') return follow();
  const started = performance.now();
  const result = await follow();
  transferStep.observe({ step: 'handoff', target_type: transfer.targetType }, seconds(performance.now() - started));
  return result;
}

/** local, llm, or llm_fallback (the LLM failed or was late; the local summary was used). */
function providerKind(summary: Summary): string {
  if (summary.fallbackReason || summary.provider.includes('fallback')) return 'llm_fallback';
  return summary.provider.startsWith('local') ? 'local' : 'llm';
}

/** Fallback reasons are short names ('timeout', 'http_error', …); anything else is 'other' (bounded labels). */
const fallbackLabel = (reason: string | undefined) => (!reason ? 'none' : /^[a-z][a-z0-9_ -]{0,39}$/i.test(reason) ? reason : 'other');

/** The summary service, timed. Same behaviour: it never rejects more than the provider does. */
export function instrumentSummary(provider: SummaryProvider): SummaryProvider {
  return {
    get name() {
      return provider.name;
    },
    async summarize(input: SummaryInput, signal?: AbortSignal) {
      const started = performance.now();
      const summary = await provider.summarize(input, signal);
      summaryDuration.observe(
        { provider: providerKind(summary), fallback: fallbackLabel(summary.fallbackReason) },
        seconds(performance.now() - started),
      );
      return summary;
    },
  };
}
