// The values B will be asked about, read off wink's tokens and entities: identifiers
// (order, booking, ticket, claim, account, tracking, error codes), amounts, and dates/times.
// Every value is a span of the (already masked) input, never a rewrite of it.
import type { Sentence, Token } from './nlp.js';
import type { Identifier } from './types.js';

export interface Values {
  identifiers: Identifier[];
  amounts: string[];
  dates: string[];
}

/** A written word: tokens with no space between them ("#12345", "1Z999AA…", "£54.99/month"). */
interface Chunk {
  start: number;
  end: number; // inclusive token indexes
  text: string;
}

function chunks(tokens: Token[]): Chunk[] {
  const out: Chunk[] = [];
  tokens.forEach((t, i) => {
    const last = out[out.length - 1];
    if (last && t.glued) {
      last.end = i;
      last.text += t.value;
    } else out.push({ start: i, end: i, text: t.value });
  });
  // Sentence punctuation stuck to the word is not part of the value.
  for (const c of out) c.text = c.text.replace(/^[("'\u201c[]+|[.,;:!?)"'\u201d\]]+$/g, '');
  return out;
}

// Words that name what a number is; used to keep "booking ref" with "QX7P2L".
const LABEL_WORDS = new Set(['id', 'no', 'no.', 'number', 'nr', 'ending']);
/** Nouns that name an identifier; the tagger may read some as verbs ("Booking ref"). */
export const ID_NOUNS = new Set(
  [
    'booking ref reference order account acct ticket case claim policy invoice tracking member',
    'membership customer card flight shipment transfer mandate merchant request incident job',
    'subscription referral statement trace file',
  ]
    .join(' ')
    .split(' '),
);
const CODE_WORDS = new Set(['code', 'error', 'reason', 'status']);
// Units after a number ("100mg", "48GB", "3pm"): a quantity, not a code.
const UNITS = new Set('mg ml g kg km mi gb mb kb tb mbps gbps am pm h hr hrs min mins s x k st nd rd th p ft in cm mm'.split(' '));
const CURRENCY_WORDS = new Set(['eur', 'usd', 'gbp', 'cad', 'aud', 'chf', 'euro', 'euros', 'dollars', 'pounds']);
const ZONES = new Set(['utc', 'gmt', 'cet', 'cest', 'bst', 'est', 'edt', 'pst', 'pdt', 'local', 'am', 'pm']);

/** Up to two label words right before the value, as typed ("booking ref", "card ending"). */
function labelBefore(tokens: Token[], start: number): string {
  const words: string[] = [];
  let i = start - 1;
  // "account number is 88812345", "ref: QX7P2L", "ticket #12345"
  while (i >= 0 && start - i <= 2 && ['#', ':', '=', 'is', 'was'].includes(tokens[i]!.normal)) i--;
  for (; i >= 0 && words.length < 2; i--) {
    const t = tokens[i]!;
    const labelWord = LABEL_WORDS.has(t.normal) || ID_NOUNS.has(t.normal);
    if (t.type !== 'word' && !labelWord) break;
    if (!labelWord && (t.stop || t.pos === 'VERB' || t.pos === 'AUX' || t.pos === 'ADV' || t.pos === 'ADP')) break;
    words.unshift(t.normal === 'id' ? 'ID' : t.normal);
  }
  return words.join(' ');
}

type Kind = 'id' | 'time' | 'date' | 'none';

// Shape tells a code from a quantity: "TP1351" and "E1042" are codes, "3-seater" and "100mg" are not.
function classify(c: Chunk, tokens: Token[], hasLabel: boolean, codeLabel: boolean): Kind {
  const text = c.text;
  const digits = (text.match(/\d/g) ?? []).length;
  if (digits === 0 || text.includes('*') || text.includes('@')) return 'none';
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  const parts = tokens.slice(c.start, c.end + 1);
  if (parts.some((t) => t.type === 'currency' || t.type === 'ordinal' || t.type === 'time')) return 'none';
  if (/^\d{1,2}:\d{2}/.test(text)) return 'time';
  if (/^\d{1,4}\/\d{1,2}(?:\/\d{2,4})?$/.test(text)) return 'date';
  if (codeLabel && text.length <= 12) return 'id'; // "reject code 6E", "reason code 05"
  if (letters > 0) {
    const lastWord = parts[parts.length - 1]!;
    if (parts.length === 2 && parts[0]!.type === 'number' && UNITS.has(lastWord.normal)) return 'none';
    // "14-day", "3-seater": a number with a word, not a code.
    if (parts.length === 3 && parts[0]!.type === 'number' && parts[1]!.value === '-' && /^\p{Ll}+$/u.test(lastWord.value)) return 'none';
    if (text.length < 3) return 'none';
    const upper = /\p{Lu}/u.test(text);
    return digits >= 2 || (upper && text.length >= 4) ? 'id' : 'none';
  }
  if (/[.,]/.test(text)) return 'none'; // 4.2.1, 29.99, 41,250: versions and quantities
  if (text.includes('-')) return digits >= 6 ? 'id' : 'none'; // 4471-22810 yes, 38-42 and 2-5 no
  if (digits >= 5) return 'id';
  if (digits === 4) return hasLabel || !/^(?:19|20)\d\d$/.test(text) ? 'id' : 'none';
  return 'none';
}

const push = (list: string[], v: string) => {
  const clean = v.trim().replace(/[.,;:]+$/, '');
  if (clean && !list.some((x) => x.toLowerCase() === clean.toLowerCase())) list.push(clean);
};

function fromSentence(s: Sentence, out: Values): void {
  const { tokens } = s;
  const taken = new Set<number>(); // token indexes already part of an amount or date
  const mark = (a: number, b: number) => {
    for (let i = a; i <= b; i++) taken.add(i);
  };
  for (const e of s.entities) {
    if (e.type === 'MONEY' || e.type === 'PERCENT') {
      push(out.amounts, e.value);
      mark(e.start, e.end);
    } else if (e.type === 'DATE' || e.type === 'TIME' || (e.type === 'DURATION' && /\d/.test(e.value))) {
      // A bare number ("card ending 1881") is left to the identifier rules; "/night" is a rate.
      if (/^\d+\.?$/.test(e.value) || tokens[e.start - 1]?.value === '/') continue;
      push(out.dates, e.value);
      mark(e.start, e.end);
    }
  }
  // Amounts the model leaves as plain numbers: "£49", "€120" (symbol + number), "45 EUR",
  // "USD 300", "200 dollars" (currency code or word before or after the number).
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    if (!next || taken.has(i) || taken.has(i + 1)) return;
    const symbolFirst = t.type === 'currency' && next.type === 'number';
    const codeFirst = CURRENCY_WORDS.has(t.normal) && next.type === 'number';
    const codeAfter = t.type === 'number' && CURRENCY_WORDS.has(next.normal);
    if (symbolFirst || codeFirst || codeAfter) {
      push(out.amounts, `${t.value}${next.glued ? '' : ' '}${next.value}`);
      mark(i, i + 1);
    }
  });
  for (const c of chunks(tokens)) {
    if ([...Array(c.end - c.start + 1).keys()].some((k) => taken.has(c.start + k))) continue;
    const label = labelBefore(tokens, c.start);
    const codeLabel = label.split(' ').some((w) => CODE_WORDS.has(w));
    const kind = classify(c, tokens, label !== '', codeLabel);
    if (kind === 'id') {
      // "Card ending 4242" after the masked full number ****4242 is the same card.
      const bare = (v: string) => v.toLowerCase().replace(/^#/, '');
      const known = out.identifiers.some((x) => bare(x.value) === bare(c.text) || (x.value.includes('*') && x.value.endsWith(c.text)));
      if (!known) out.identifiers.push({ kind: label, value: c.text });
    } else if (kind === 'time') {
      const zone = tokens[c.end + 1];
      push(out.dates, zone && ZONES.has(zone.normal) ? `${c.text} ${zone.value}` : c.text);
    } else if (kind === 'date') push(out.dates, c.text);
    else if (/^\d{1,3}(?:,\d{3})+$/.test(c.text)) {
      push(out.amounts, c.text); // a large count ("40,000 miles"): B may be asked about it
    }
  }
}

/** Values of all sentences, in order of first appearance, plus the masked ones redact() found. */
export function extractValues(sentences: Sentence[], masked: Identifier[]): Values {
  const out: Values = { identifiers: [...masked], amounts: [], dates: [] };
  for (const s of sentences) fromSentence(s, out);
  return out;
}

/** Does the sentence hold a value (number, amount, date, code) B may need? */
export function hasValue(s: Sentence): boolean {
  return s.tokens.some((t) => /\d/.test(t.value)) || s.entities.some((e) => ['DATE', 'TIME', 'MONEY', 'PERCENT'].includes(e.type));
}
