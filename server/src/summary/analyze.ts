// Keyword/pattern analysis behind the local summary: what the caller wants, which
// identifiers they gave, what agent A already tried. Pure and deterministic.
import { redactDetailed } from './redact.js';
import type { SummaryInput } from './types.js';

export type IntentId =
  | 'cancel'
  | 'refund'
  | 'billing'
  | 'delivery'
  | 'login'
  | 'technical'
  | 'upgrade'
  | 'account_update'
  | 'complaint'
  | 'general';

// Order matters: it breaks ties ("cancel my plan" is a cancellation, not a sale).
const INTENT_KEYWORDS: [IntentId, RegExp[]][] = [
  ['cancel', [/\bcancel(?:l?ed|l?ing|lation)?\b/g, /\bterminat(?:e|ion)\b/g, /\bclose (?:my|the) account\b/g, /\bunsubscribe\b/g, /\b(?:stop|end) (?:my|the) (?:subscription|contract|plan|membership)\b/g]],
  ['refund', [/\brefund(?:s|ed|ing)?\b/g, /\bmoney back\b/g, /\breimburse\w*/g, /\bchargeback\b/g, /\breturn(?:ing)? (?:it|the|my|this)\b/g]],
  ['billing', [/\bbill(?:s|ed|ing)?\b/g, /\binvoices?\b/g, /\b(?:double|over|twice)[- ]?charged\b/g, /\bcharge[sd]?\b/g, /\bpayments?\b/g, /\bfees?\b/g, /\b(?:card|payment) (?:was |got )?declined\b/g, /\bstatement\b/g]],
  ['delivery', [/\bdeliver(?:y|ed|ies)?\b/g, /\bship(?:ping|ped|ment)?\b/g, /\bparcel\b/g, /\bpackage\b/g, /\btracking\b/g, /\bcourier\b/g, /\b(?:hasn'?t|has not|never|not|didn'?t) (?:arrived?|come|turned up|shown up)\b/g, /\bmissing (?:items?|parcel|package|order)\b/g, /\bdamaged\b/g]],
  ['login', [/\blog ?in\b/g, /\bsign(?:ing)? ?in\b/g, /\bpasswords?\b/g, /\blocked out\b/g, /\b2fa\b/g, /\btwo[- ]factor\b/g, /\bverification code\b/g, /\bcan'?t (?:access|get into)\b/g, /\baccount (?:is )?locked\b/g]],
  ['technical', [/\berrors?\b/g, /\bcrash(?:es|ed|ing)?\b/g, /\bbugs?\b/g, /\bnot working\b/g, /\b(?:doesn'?t|does not|won'?t|will not|can'?t|cannot) (?:work|load|start|open|connect|sync)\b/g, /\boutage\b/g, /\bfreez(?:e|es|ing)\b/g, /\bkeeps? (?:dropping|disconnecting)\b/g, /\bglitch\w*/g]],
  ['upgrade', [/\bupgrad(?:e|ing)\b/g, /\bpricing\b/g, /\bquote\b/g, /\bdemo\b/g, /\b(?:buy|purchase)\b/g, /\bmore (?:seats|licen[cs]es|users)\b/g, /\benterprise\b/g, /\bplans?\b/g]],
  ['account_update', [/\b(?:update|change) (?:my |the )?(?:address|e-?mail|name|phone|number|details|card)\b/g]],
  ['complaint', [/\bcomplain(?:t|ts|ing)?\b/g, /\bunacceptable\b/g, /\bterrible\b/g, /\bworst\b/g, /\bdisgust\w*/g, /\bridiculous\b/g]],
];

export const INTENT_LABEL: Record<IntentId, string> = {
  cancel: 'to cancel',
  refund: 'a refund',
  billing: 'help with a billing question',
  delivery: 'help with a delivery',
  login: 'to get back into their account (login/password)',
  technical: 'a technical fault fixed',
  upgrade: 'to upgrade / buy (sales)',
  account_update: 'to update account details',
  complaint: 'to make a complaint',
  general: 'general help (no clear topic)',
};

export interface Identifier {
  kind: string; // order, account, ticket, case, invoice, ref, email, phone, card...
  value: string; // already masked where it is personal data
}

export type ActionTag = 'password_reset' | 'troubleshot' | 'refunded' | 'tracking_checked' | 'escalated' | 'retention_offered';

export interface Analysis {
  intent: IntentId;
  secondary: IntentId | null;
  identifiers: Identifier[];
  tried: string[]; // redacted sentences from A's notes/lines, at most 3
  actions: Set<ActionTag>;
  verified: boolean;
  flags: string[]; // short context remarks
  callerWords: string; // redacted first statement of need (reason, else first caller line)
}

const LABEL_KIND: [RegExp, string][] = [
  [/^(?:order|ord)/i, 'order'],
  [/^(?:account|acct|acc|a\/c)/i, 'account'],
  [/^(?:ticket|tkt|tck)/i, 'ticket'],
  [/^(?:case|cs|inc|sr|req)/i, 'case'],
  [/^(?:invoice|inv)/i, 'invoice'],
  [/^booking/i, 'booking'],
  [/^tracking/i, 'tracking'],
  [/^(?:claim|policy|subscription|confirmation)/i, 'ref'],
];
const kindOf = (label: string) => LABEL_KIND.find(([re]) => re.test(label))?.[1] ?? 'ref';

// Applied to already-redacted text, so a captured value can never be a raw phone/card.
const LABELLED_ID_RE =
  /\b(order|account|acct|a\/c|ticket|case|invoice|ref(?:erence)?|booking|confirmation|tracking|subscription|claim|policy)s?\b(?:\s*(?:number|no\.?|num|id|code))?\s*(?:is|was|:|=)?\s*#?\s*((?=[A-Za-z-]*\d)[A-Za-z0-9][A-Za-z0-9-]{2,30})\b/gi;
const PREFIXED_ID_RE = /\b(ORD|INV|TKT|TCK|CASE|CS|ACC|ACCT|INC|REF|SR|REQ)[-_#]?(\d{3,})\b/gi;
const HASH_ID_RE = /(?<![\w#])#(\d{4,})\b/g;

function findIdentifiers(text: string, out: Identifier[]): void {
  const add = (kind: string, value: string) => {
    if (!/\d/.test(value) || out.some((i) => i.value.toLowerCase() === value.toLowerCase())) return;
    out.push({ kind, value });
  };
  for (const m of text.matchAll(LABELLED_ID_RE)) add(kindOf(m[1] ?? ''), m[2] ?? '');
  for (const m of text.matchAll(PREFIXED_ID_RE)) add(kindOf(m[1] ?? ''), m[0]);
  for (const m of text.matchAll(HASH_ID_RE)) add('ref', m[1] ?? '');
}

const ACTION_RE =
  /\b(?:tried|try|trying|reset|resent|re-sent|checked|check|restart(?:ed)?|reboot(?:ed)?|reinstall(?:ed)?|cleared|sent|emailed|refunded|credited|escalat\w*|verified|issued|offered|updated|raised|opened|logged|walked)\b/i;
const ACTION_TAGS: [ActionTag, RegExp][] = [
  ['password_reset', /\b(?:reset|resent|re-sent|sent)\b.*\b(?:password|reset link|link|code)\b|\bpassword reset\b/i],
  ['troubleshot', /\b(?:restart|reboot|reinstall|power[- ]cycl|clear(?:ed)? (?:the )?(?:cache|cookies)|updated? the app|different browser)\w*/i],
  ['refunded', /\b(?:refunded|credited|issued (?:a |the )?(?:refund|credit))\b/i],
  ['tracking_checked', /\b(?:checked|looked up|traced|chased)\b.*\b(?:tracking|carrier|courier|shipment|parcel)\b|\btracking (?:shows|says)\b/i],
  ['escalated', /\bescalat\w*/i],
  ['retention_offered', /\boffer(?:ed)?\b.*\b(?:discount|credit|retention|deal|free month)\b/i],
];
const VERIFIED_RE = /\b(?:verified|passed (?:security|id|verification)|id (?:checked|confirmed)|identity (?:checked|confirmed))\b/i;
const FLAG_RULES: [RegExp, string][] = [
  [/\b(?:angry|upset|frustrat\w*|furious|annoyed|unhappy|rude|shouting|yelling)\b/i, 'caller is frustrated'],
  [/\b(?:called|calling|rang|contacted) (?:us |in )?(?:before|twice|yesterday|last week|several times)\b|\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) (?:time|call)\b/i, 'repeat contact'],
  [/\b(?:manager|supervisor)\b/i, 'asked for a manager'],
  [/\b(?:urgent|asap|immediately|emergency)\b/i, 'says it is urgent'],
];

const sentences = (text: string) =>
  text.split(/(?<=[.!?;])\s+|\n+/).map((s) => s.trim()).filter((s) => s.length > 0);

function score(text: string, res: RegExp[]): number {
  let n = 0;
  for (const re of res) n += (text.match(re) ?? []).length;
  return n;
}

export function analyze(input: SummaryInput): Analysis {
  const turns = input.transcript ?? [];
  const reason = redactDetailed(input.reason ?? '');
  const notes = redactDetailed(input.notes ?? '');
  const callerLines = turns.filter((t) => t.speaker === 'caller').map((t) => redactDetailed(t.text ?? ''));
  const agentLines = turns.filter((t) => t.speaker === 'agent').map((t) => redactDetailed(t.text ?? ''));
  const all = [reason, notes, ...callerLines, ...agentLines];
  const lower = (s: string) => s.toLowerCase();

  // The caller's own words count most; A's notes confirm or add a topic.
  const callerText = lower(callerLines.map((r) => r.text).join('\n'));
  const scored = INTENT_KEYWORDS.map(([id, res], order) => ({
    id,
    order,
    score: 3 * score(lower(reason.text), res) + 2 * score(callerText, res) + score(lower(notes.text), res),
  }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order);

  const identifiers: Identifier[] = [];
  for (const r of all) findIdentifiers(r.text, identifiers);
  for (const r of all) {
    for (const e of r.emails) if (!identifiers.some((i) => i.value === e)) identifiers.push({ kind: 'email', value: e });
    for (const p of r.phones) if (!identifiers.some((i) => i.value === p)) identifiers.push({ kind: 'phone', value: p });
    for (const c of r.cards) {
      const [kind = 'card', value = c] = c.split(' '); // "card ****1111" / "number ****0123"
      if (!identifiers.some((i) => i.value === value)) identifiers.push({ kind, value });
    }
  }

  const agentSentences = [...sentences(notes.text), ...agentLines.flatMap((r) => sentences(r.text))];
  const tried = agentSentences.filter((s) => ACTION_RE.test(s));
  const actions = new Set<ActionTag>();
  for (const s of tried) for (const [tag, re] of ACTION_TAGS) if (re.test(s)) actions.add(tag);

  const everything = all.map((r) => r.text).join('\n');
  const firstCaller = callerLines.find((r) => r.text.trim() !== '')?.text ?? '';
  return {
    intent: scored[0]?.id ?? 'general',
    secondary: scored[1]?.id ?? null,
    identifiers: identifiers.slice(0, 8),
    tried: tried.slice(0, 3),
    actions,
    verified: agentSentences.some((s) => VERIFIED_RE.test(s)),
    flags: FLAG_RULES.filter(([re]) => re.test(everything)).map(([, f]) => f),
    callerWords: reason.text.trim() !== '' ? reason.text : firstCaller,
  };
}
