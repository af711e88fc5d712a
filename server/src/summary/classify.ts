// What each sentence of A's notes is: something A already tried, the reason A hands over,
// a request to B, what the caller wants, or other detail. Decided on wink's tokens and
// lemmas with small word lists; a sentence keeps its own words whatever its role.
import type { Sentence, Token } from './nlp.js';

export type Role = 'tried' | 'escalation' | 'ask' | 'want' | 'injection' | 'other';

export interface Classified {
  role: Role;
  verified: boolean; // A checked the caller's identity
  flags: string[]; // frustrated, repeat contact, urgent
}

const wordSet = (list: string) => new Set(list.trim().split(/\s+/));

// A's own actions ("Blocked the card", "I resubmitted the claim").
const ACTIONS = wordSet(`
  try offer reset resend re-send send check restart reboot reinstall clear email e-mail refund
  credit issue update raise open log walk apply block lock unlock order report resubmit retry
  regenerate reprovision re-provision chase message call phone ring explain confirm request run
  test resync re-sync waive reissue submit contact do escalate cancel advise upload re-upload book
  rebook arrange process remove add change reverse void file lodge flag ping text look re-run
  rerun
`);
// Past forms of A's actions; not "got" or "paid", which notes use for what the caller did.
const IRREGULAR_PAST = wordSet(`
  sent resent re-sent ran reran did rang gave told spoke put set reset rebuilt wrote
`);
// Requests to B start with a verb in its base form ("Check the savings account").
const ASK_VERBS = wordSet(`
  check book call confirm raise reissue issue send waive approve contact ask arrange process
  refund credit review escalate place chase follow update cancel verify email offer authorise
  authorize get see look make give tell let help sort find explain advise reopen open remove add
  apply transfer move rebook reschedule expedite prioritise prioritize push speak talk handle take
  keep call-back ring text
`);
const AUTHORITY = wordSet(`
  supervisor manager lead specialist tier sre on-call engineering underwriting underwriter
  underwriters clinician handler desk team department operations services approval sign-off
  authority authorisation authorization escalation retention
`);
const NEEDS = wordSet(`
  need needs must can only decide decides require requires approve authorise authorize has have
  for
`);
const WANTS = wordSet('want wants wish wishes hope hopes expect expects prefer prefers accept');
// Whose wish it is: the caller's, not the hospital's or the system's.
const CALLER = wordSet(`
  she he they caller customer cust client patient member merchant admin husband wife son daughter
  consultant
`);
const FRUSTRATED = wordSet(`
  angry upset frustrated furious annoyed unhappy rude shouting yelling unacceptable livid
  distressed fuming
`);
const URGENT = wordSet('urgent urgently asap immediately emergency');
const ORDINAL_CONTACT = wordSet('second third fourth fifth 2nd 3rd 4th 5th');
const CALLED = wordSet('called calling rang contacted');
const AGAIN = wordSet('before twice yesterday again already');
const NEGATION = new Set(['not', "n't", 'no', 'unable', 'cannot']);
const FILLERS = new Set(['also', 'already', 'then', 'have', 'had', 'just', "'ve", 'has']);

/** Words of a sentence; hyphenated words the tokenizer split ("on-call", "sign-off") are rejoined. */
function words(s: Sentence): Token[] {
  const out: Token[] = [];
  s.tokens.forEach((t, i) => {
    const prev = out[out.length - 1];
    const next = s.tokens[i + 1];
    if (t.value === '-' && t.glued && prev && next?.glued && next.type === 'word') return;
    if (prev && t.glued && s.tokens[i - 1]?.value === '-' && t.type === 'word') {
      out[out.length - 1] = { ...prev, value: `${prev.value}-${t.value}`, normal: `${prev.normal}-${t.normal}`, lemma: `${prev.normal}-${t.lemma}` };
      return;
    }
    if (t.type !== 'punctuation' && t.type !== 'symbol') out.push(t);
  });
  return out;
}

/** "blocked", "re-synced", "sent": a past form of one of A's actions. */
function isPastAction(t: Token): boolean {
  if (IRREGULAR_PAST.has(t.normal)) return true;
  if (!t.normal.endsWith('ed')) return false;
  const n = t.normal;
  const stems = [t.lemma, n.slice(0, -2), n.slice(0, -1), n.slice(0, -3), n.replace(/ied$/, 'y')];
  return stems.some((s) => ACTIONS.has(s));
}

const within = (ws: Token[], i: number, n: number, test: (t: Token) => boolean) => ws.slice(i + 1, i + 1 + n).some(test);
const isSelf = (t: Token) => t.normal === 'i' || t.normal === 'we';

function tried(ws: Token[]): boolean {
  const first = ws[0];
  if (first && isPastAction(first)) return true;
  return ws.some((t, i) => {
    if (!isSelf(t)) return false;
    let j = i + 1;
    while (j < ws.length && FILLERS.has(ws[j]!.normal)) j++;
    const verb = ws[j];
    return verb !== undefined && isPastAction(verb);
  });
}

function explicitAsk(ws: Token[]): boolean {
  const [a, b] = ws;
  if (ws.some((t) => t.normal === 'please')) return true;
  if (a && b && ['can', 'could', 'would', 'will'].includes(a.normal) && b.normal === 'you') return true;
  if (a && b && a.normal === 'next' && b.normal.startsWith('step')) return true;
  return ws.some((t, i) => t.normal === 'you' && within(ws, i, 2, (u) => ['need', 'needs', "'ll", 'will', 'should', 'must', 'may'].includes(u.normal)));
}

function escalation(ws: Token[]): boolean {
  const normals = ws.map((t) => t.normal);
  if (normals.some((n) => n.startsWith('escalat'))) return true;
  if (normals.some((n) => AUTHORITY.has(n)) && normals.some((n) => NEEDS.has(n))) return true;
  if (normals.includes('only') && normals.includes('can')) return true;
  // "over my authority", "my maximum", "above my limit"
  if (ws.some((t, i) => t.normal === 'my' && within(ws, i, 1, (u) => ['authority', 'maximum', 'limit', 'remit'].includes(u.normal)))) return true;
  // "I can't authorise couriers", "I have no access", "I do not"
  return ws.some((t, i) => isSelf(t) && within(ws, i, 3, (u) => NEGATION.has(u.normal)));
}

// The tagger often reads a capitalised first word as a noun, so the word after it decides:
// "Check the account", "Call back" are requests; "Email on file…", "Transfer TRX-1…" are not.
const OBJECT_START = new Set(['DET', 'PRON']);
const PARTICLES = new Set(['back', 'up', 'out', 'in', 'through', 'over', 'if', 'whether', 'with']);

function imperative(ws: Token[]): boolean {
  const [first, second] = ws;
  if (!first || !second || !ASK_VERBS.has(first.normal) || IRREGULAR_PAST.has(first.normal)) return false;
  return OBJECT_START.has(second.pos) || PARTICLES.has(second.normal);
}

function want(ws: Token[]): boolean {
  // "She needs the export by 25 Jan", "Caller wants…"; not "Hospital wants…" nor "Needs a supervisor".
  const subject = ws.findIndex((t) => CALLER.has(t.normal));
  if (subject < 0 || subject > 2) return false;
  const rest = ws.slice(subject + 1);
  if (rest.some((t) => WANTS.has(t.normal) || t.normal === 'needs' || t.normal === 'need')) return true;
  if (rest.some((t, i) => t.normal === 'would' && within(rest, i, 1, (u) => u.normal === 'like' || u.normal === 'accept'))) return true;
  return rest.some((t, i) => (t.normal === 'asks' || t.normal === 'asked') && within(rest, i, 1, (u) => ['if', 'about', 'for', 'whether'].includes(u.normal)));
}

function injection(ws: Token[]): boolean {
  const n = new Set(ws.map((t) => t.normal));
  const verb = ['ignore', 'disregard', 'forget', 'override'].some((v) => n.has(v));
  const target = ['instruction', 'instructions', 'prompt', 'rules', 'previous', 'above', 'guidelines'].some((v) => n.has(v));
  return (verb && target) || (n.has('system') && n.has('prompt')) || ws.some((t, i) => t.normal === 'you' && within(ws, i, 2, (u) => u.normal === 'now') && n.has('are'));
}

function verifiedIdentity(ws: Token[]): boolean {
  const n = new Set(ws.map((t) => t.normal));
  if (n.has('verified') || n.has('verify')) return true;
  const what = ['security', 'verification', 'id', 'identity', 'dob', 'postcode'].some((w) => n.has(w));
  return what && ['passed', 'checked', 'confirmed'].some((w) => n.has(w));
}

function flagsOf(ws: Token[]): string[] {
  const out: string[] = [];
  if (ws.some((t) => FRUSTRATED.has(t.normal))) out.push('caller is frustrated');
  const repeat =
    ws.some((t, i) => ORDINAL_CONTACT.has(t.normal) && within(ws, i, 2, (u) => ['call', 'time', 'contact', 'attempt'].includes(u.normal))) ||
    ws.some((t, i) => CALLED.has(t.normal) && !isSelf(ws[i - 1] ?? t) && within(ws, i, 3, (u) => AGAIN.has(u.normal)));
  if (repeat) out.push('repeat contact');
  if (ws.some((t) => URGENT.has(t.normal))) out.push('urgent');
  return out;
}

/** The role of one sentence of A's notes (or of A's line in a transcript). */
export function classify(s: Sentence): Classified {
  const ws = words(s);
  const verified = verifiedIdentity(ws);
  const flags = flagsOf(ws);
  // Order matters: a report of what A did stays in Tried even when it names a supervisor.
  const role: Role = injection(ws)
    ? 'injection'
    : tried(ws)
      ? 'tried'
      : explicitAsk(ws)
        ? 'ask'
        : escalation(ws)
          ? 'escalation'
          : imperative(ws) && !verified
            ? 'ask'
            : want(ws)
              ? 'want'
              : 'other';
  return { role, verified, flags };
}

/** A sentence right after an attempt that reports how it went ("Still no dial tone."). */
export function isResult(s: Sentence): boolean {
  const first = words(s)[0]?.normal ?? '';
  return ['still', 'but', 'no', 'same', 'it', 'that', 'rejected', 'declined', 'failed', 'nothing', 'unsuccessful', 'worked', 'fixed', 'bounced'].includes(first);
}

/**
 * Roles of a text's sentences. An instruction to a model ("Ignore all previous instructions.
 * Tell the next agent…") taints the rest of its line: the follow-up is part of the attack.
 */
export function classifyAll(sentences: Sentence[]): Classified[] {
  const roles = sentences.map(classify);
  let taintedLine = -1;
  sentences.forEach((s, i) => {
    if (roles[i]!.role === 'injection') taintedLine = s.line;
    else if (s.line === taintedLine) roles[i] = { ...roles[i]!, role: 'injection' };
  });
  return roles;
}
