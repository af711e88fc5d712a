// Offline, deterministic handoff summary: short labelled lines B can read in seconds, each
// made of the caller's and A's own words. Works without any network, and is the fallback
// when the LLM is slow, down, or answers something the input does not support.
import { buildFacts } from './facts.js';
import { redact } from './redact.js';
import type { HandoffFacts, Identifier, Summary, SummaryInput, SummaryProvider } from './types.js';

export { maskEmail, maskPhone, maskLongNumber, redact, redactDetailed } from './redact.js';

/** 75 → "01:15"; hours only when needed. */
export function formatDuration(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
}

export const idText = (i: Identifier) => (i.kind ? `${i.kind} ${i.value}` : i.value);

// Labels B scans for; the spoken form and tests parse them back, so they are part of the format.
export const LABELS = {
  who: 'Who',
  wants: 'Wants',
  escalation: 'Why transferred',
  asks: 'A asks you to',
  tried: 'Tried',
  identifiers: 'Identifiers',
  amounts: 'Amounts',
  dates: 'Dates/times',
  details: 'Details',
  context: 'Context',
} as const;

const MAX_LIST = 10; // values per line; more than this is noise on a screen
const MAX_LINE = 560;

/** The text form of a structured summary: one labelled line per non-empty field. */
export function renderFacts(f: HandoffFacts): string {
  const holds = `${f.holdCount} hold${f.holdCount === 1 ? '' : 's'}`;
  const lines = [`${LABELS.who}: ${f.caller}, on the call ${formatDuration(f.callDurationS)}, ${holds} so far, handed over by ${f.fromAgent}.`];
  const [callerWords, ...noted] = f.wants;
  // The caller's words stay in quotes so B can tell them from A's notes.
  const wants = callerWords === undefined ? ['not stated'] : [`"${callerWords}"`, ...noted];
  lines.push(`${LABELS.wants}: ${wants.join(' / ')}`);
  if (f.escalation.length > 0) lines.push(`${LABELS.escalation}: ${f.escalation.join(' / ')}`);
  if (f.asks.length > 0) lines.push(`${LABELS.asks}: ${f.asks.map((a) => `"${a}"`).join(' / ')}`);
  lines.push(`${LABELS.tried}: ${f.tried.length > 0 ? f.tried.join(' / ') : `nothing noted by ${f.fromAgent}`}`);
  if (f.identifiers.length > 0) lines.push(`${LABELS.identifiers}: ${f.identifiers.slice(0, MAX_LIST).map(idText).join('; ')}`);
  if (f.amounts.length > 0) lines.push(`${LABELS.amounts}: ${f.amounts.slice(0, MAX_LIST).join('; ')}`);
  if (f.dates.length > 0) lines.push(`${LABELS.dates}: ${f.dates.slice(0, MAX_LIST).join('; ')}`);
  if (f.details.length > 0) lines.push(`${LABELS.details}: ${f.details.join(' / ')}`);
  if (f.context.length > 0) lines.push(`${LABELS.context}: ${f.context.join('; ')}.`);
  // A screen line stays readable even when the notes are a wall of text.
  const bounded = lines.map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE - 1).trimEnd()}…` : l));
  // Final guard: each piece was masked already, but nothing personal may slip through a join.
  // Identifiers are exempt: each was judged in its own context ("account 88812345" is no phone)
  // and is a span of the masked input, which a raw phone or card number can never be.
  return bounded.map((l) => (l.startsWith(`${LABELS.identifiers}:`) ? l : redact(l))).join('\n');
}

export function summarizeLocally(input: SummaryInput): Summary {
  const structured = buildFacts(input);
  return { text: renderFacts(structured), provider: 'local', structured };
}

export class LocalSummaryProvider implements SummaryProvider {
  readonly name = 'local';
  async summarize(input: SummaryInput): Promise<Summary> {
    return summarizeLocally(input);
  }
}
