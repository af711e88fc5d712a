// Phone numbers as agents type them ("+1 (555) 010-4242", "0044 20 7946 0123") turned into the
// E.164 the server dials, and checked the way the server checks them (server/src/phone/numbers.ts)
// so Send is blocked with a reason before a round trip ends in 400 invalid_target.
import type { CallView, PhoneConfig } from './types';

const E164 = /^\+[1-9]\d{6,14}$/;
/** What people put between digits; \s covers the no-break spaces a copied number carries. */
const SEPARATORS = /[\s\-().\/]/g;

export type PhoneSettings = NonNullable<PhoneConfig>;

export interface NumberCheck {
  ok: boolean;
  /** What would be sent: separators removed, a leading 00 read as +. */
  e164: string;
  /** Why it cannot be sent; '' when ok or empty. */
  message: string;
  /** The message is already certain while typing (a short number is not: more digits may come). */
  certain: boolean;
}

export function normalisePhone(input: string): string {
  const s = input.trim().replace(SEPARATORS, '');
  // 00 is the international prefix in most of the world; agents often type it for +.
  return s.startsWith('00') ? `+${s.slice(2)}` : s;
}

/** Nothing dialable: production with no PHONE_ALLOWED_PREFIXES. */
export const nothingDialable = (p: PhoneSettings) => p.allowedPrefixes.length === 0 && !p.anyNumber;

export function prefixesText(p: PhoneSettings): string {
  if (p.anyNumber) return 'Any international number (this server allows every prefix).';
  return `Numbers starting with ${listWords(p.allowedPrefixes)}.`;
}

export function checkPhone(input: string, p: PhoneSettings): NumberCheck {
  const e164 = normalisePhone(input);
  const fail = (message: string, certain = true): NumberCheck => ({ ok: false, e164, message, certain });
  if (!e164) return fail('', false);
  if (!e164.startsWith('+')) return fail('Start with + and the country code, e.g. +1 for the US or +44 for the UK.');
  if (!/^\+\d*$/.test(e164)) return fail('Only digits after the +; spaces, dashes and brackets are fine.');
  if (e164.startsWith('+0')) return fail('A country code never starts with 0.');
  const digits = e164.length - 1;
  if (digits > 15) return fail('Too long: an international number has at most 15 digits.');
  const prefixOk = p.anyNumber || p.allowedPrefixes.some((x) => e164.startsWith(x));
  // "+4" may still become "+44": a prefix is only known wrong once it can no longer match.
  const mayStillMatch = p.allowedPrefixes.some((x) => x.startsWith(e164));
  if (!prefixOk && !mayStillMatch) return fail(`This number cannot be dialled from here: only ${listWords(p.allowedPrefixes)}.`);
  if (!E164.test(e164)) return fail('Too short: type the full number with its country code.', false);
  return { ok: true, e164, message: '', certain: true };
}

function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** "+1 ••• ••• 4242" as a screen reader should say it (dots would be read one by one). */
export const speakable = (text: string) => text.replace(/•+(?:\s+•+)*/g, 'hidden digits');

/**
 * Whether the call is (or ended) with a phone specialist rather than an agent. Lists carry no
 * timeline: a live answered call with no agent can only be with a phone (a call that lost its
 * agent goes back to waiting), and a specialist's hang-up says so itself.
 */
export function withPhoneSpecialist(c: Pick<CallView, 'state' | 'agentId' | 'endReason'>): boolean {
  if (c.state === 'ended') return c.endReason === 'specialist_hung_up';
  return c.state !== 'waiting' && c.agentId === null;
}

/** The masked number the call was handed to, from its timeline (handed_over names the transfer). */
export function phoneSpecialistNumber(c: Pick<CallView, 'timeline'>): string | null {
  const handed = [...c.timeline].reverse().find((e) => e.type === 'handed_over' && 'phoneTransferId' in e.detail);
  if (!handed) return null;
  const id = (handed.detail as { phoneTransferId?: unknown }).phoneTransferId;
  const asked = c.timeline.find((e) => e.type === 'transfer_requested' && (e.detail as { transferId?: unknown }).transferId === id);
  const number = (asked?.detail as { number?: unknown } | undefined)?.number;
  return typeof number === 'string' ? number : null;
}
