// The spoken form of a handoff summary, for a phone specialist's whisper (Twilio <Say>):
// short plain sentences, codes spelled out, masked values said as "card ending 4 2 4 2",
// most important first, bounded in characters and in estimated speaking time.
import { idText, LABELS } from './local.js';
import type { HandoffFacts, Summary } from './types.js';

export const MAX_SPOKEN_SECONDS = 25;
export const MAX_SPOKEN_CHARS = 600;

const MONTHS: Record<string, string> = {
  jan: 'January', feb: 'February', mar: 'March', apr: 'April', jun: 'June', jul: 'July',
  aug: 'August', sep: 'September', sept: 'September', oct: 'October', nov: 'November', dec: 'December',
};

const spellChars = (s: string) =>
  [...s.toUpperCase()]
    .map((ch) => (ch === '/' ? 'slash' : ch === '_' ? 'underscore' : ch === '.' ? 'dot' : ch === '-' ? ',' : ch))
    .join(' ')
    .replace(/ ,/g, ',');

// After these words a number is a reference, read digit by digit ("ending 4 4 7 1").
const REFERENCE_WORDS = new Set(['ending', 'code', 'ref', 'no.', 'number', 'account', 'id', 'order', 'ticket', 'case', 'invoice', 'policy', 'claim']);

/** One written word as it should be spoken; `prev` is the word before it. */
function speakWord(word: string, prev: string): string {
  const m = /^([("\u201c#]*)(.*?)([)"\u201d.,;:!?]*)$/.exec(word);
  const [, lead = '', core = '', tail = ''] = m ?? [];
  const say = (s: string) => `${lead.replace(/#/g, '')}${s}${tail}`;
  const month = MONTHS[core.toLowerCase().replace(/\.$/, '')];
  if (month) return say(month);
  const hasDigit = /\d/.test(core);
  const hasLetter = /\p{L}/u.test(core);
  const isAmount = /^[$£€]/.test(core) || /^\d{1,3}(?:,\d{3})*(?:\.\d+)?%?$/.test(core);
  const isTime = /^\d{1,2}:\d{2}(?:-\d{1,2}:\d{2})?$/.test(core);
  const quantity = /^\d+-\p{Ll}+$/u.test(core); // "14-day", "3-seater"
  const reference = /^\d{2,}$/.test(core) && (REFERENCE_WORDS.has(prev.toLowerCase()) || core.length >= 5 || core.startsWith('0'));
  // Codes are read character by character: "TP1351" → "T P 1 3 5 1".
  if (reference || (!isAmount && !isTime && !quantity && ((hasDigit && hasLetter) || (hasDigit && /[-_/]/.test(core) && !/^\d{1,2}\/\d{1,2}/.test(core))))) {
    return say(spellChars(core));
  }
  return say(core.replace(/\//g, ' per ').replace(/&/g, ' and ').replace(/[*#<>[\]{}|\\^~`"\u201c\u201d]/g, ''));
}

/** Text made safe and clear for text-to-speech. */
export function speakable(text: string): string {
  return (
    text
      // Masked values: say what is left, never the stars ("card ending 4 2 4 2").
      .replace(/\[(card|number) \*+(\d{2,4})\]/g, (_, kind: string, last: string) => `${kind} ending ${spellChars(last)}`)
      .replace(/\+?\*{3,}(\d{2,4})\b/g, (_, last: string) => `ending ${spellChars(last)}`)
      .replace(/\b\p{L}\*+@([\p{L}\d.-]+\p{L})/gu, (_, domain: string) => `${/^[aeiou]/i.test(domain) ? 'an' : 'a'} ${domain.split('.').join(' dot ')} e-mail address`)
      .replace(/\s+/g, ' ')
      .trim()
      .split(' ')
      .map((w, i, all) => speakWord(w, i > 0 ? (all[i - 1] ?? '') : ''))
  )
    .join(' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/([,;:])(?=[,;:.])/g, '');
}

/** Rough speaking time: ~150 words a minute, each spelled character a word, plus pauses. */
export function estimateSpeechSeconds(text: string): number {
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  const stops = (text.match(/[.!?;:]/g) ?? []).length;
  const commas = (text.match(/,/g) ?? []).length;
  return words * 0.4 + stops * 0.3 + commas * 0.15;
}

const sentence = (s: string) => {
  const t = s.trim().replace(/[\s,;:]+$/, '');
  return t === '' ? '' : /[.!?]$/.test(t) ? t : `${t}.`;
};

/** Reads the labelled text form back (the stored summary may be all a caller of this has). */
export function parseSummaryText(text: string): HandoffFacts {
  const f: HandoffFacts = { caller: '', fromAgent: '', callDurationS: 0, holdCount: 0, wants: [], identifiers: [], amounts: [], dates: [], tried: [], escalation: [], asks: [], details: [], context: [] };
  const split = (v: string, sep: string) => v.split(sep).map((x) => x.trim().replace(/^"|"$/g, '')).filter((x) => x !== '');
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    if (at < 0) continue;
    const label = line.slice(0, at);
    const value = line.slice(at + 2).trim();
    if (label === LABELS.who) {
      const who = /^(.*?), on the call .*handed over by (.*?)\.?$/.exec(value);
      f.caller = who?.[1] ?? value;
      f.fromAgent = who?.[2] ?? '';
    } else if (label === LABELS.wants && value !== 'not stated') f.wants = split(value, ' / ');
    else if (label === LABELS.escalation) f.escalation = split(value, ' / ');
    else if (label === LABELS.asks) f.asks = split(value, ' / ');
    else if (label === LABELS.tried && !value.startsWith('nothing noted')) f.tried = split(value, ' / ');
    else if (label === LABELS.identifiers) f.identifiers = split(value, '; ').map((v) => ({ kind: '', value: v }));
    else if (label === LABELS.amounts) f.amounts = split(value, '; ');
    else if (label === LABELS.dates) f.dates = split(value, '; ');
    else if (label === LABELS.details) f.details = split(value, ' / ');
    else if (label === LABELS.context) f.context = split(value.replace(/\.$/, ''), '; ');
  }
  return f;
}

function factsOf(summary: Summary | HandoffFacts | string): HandoffFacts {
  if (typeof summary === 'string') return parseSummaryText(summary);
  if ('wants' in summary) return summary;
  return summary.structured ?? parseSummaryText(summary.text);
}

/**
 * The summary as a few short spoken sentences, most important first: who and what the caller
 * wants, why A transfers, what A asks, the key references, amounts and dates, what was tried.
 * Stays within `maxChars` and `maxSeconds` of estimated speech; sentences that do not fit are left out.
 */
export function spokenSummary(summary: Summary | HandoffFacts | string, maxChars = MAX_SPOKEN_CHARS, maxSeconds = MAX_SPOKEN_SECONDS): string {
  const f = factsOf(summary);
  const agent = f.fromAgent || 'your colleague';
  const [callerWords, ...notedWants] = f.wants;
  const list = (label: string, items: string[]) => (items.length > 0 ? [`${label}: ${items.join(', ')}`] : []);
  // Groups in order of importance; a group's later sentences are said only after its first.
  const groups: string[][] = [
    [`Transfer from ${agent}${f.caller ? `, caller ${f.caller}` : ''}.`],
    [callerWords ? `The caller says: ${callerWords}` : 'The caller has not said what they want.'],
    f.escalation.slice(0, 2).map((e, i) => (i === 0 ? `Why transferred: ${e}` : e)),
    f.asks.slice(0, 2).map((a) => `${agent} asks you to ${a}`),
    list('References', f.identifiers.slice(0, 3).map((i) => (i.kind === 'email' ? i.value : idText(i)))),
    list('Amounts', f.amounts.slice(0, 3)),
    list('Dates', f.dates.slice(0, 3)),
    f.tried.slice(0, 2).map((t, i) => (i === 0 ? `Already tried: ${t}` : t)),
    notedWants.slice(0, 1),
  ];
  const out: string[] = [];
  const fits = (s: string) => {
    const next = [...out, s].join(' ');
    return next.length <= maxChars && estimateSpeechSeconds(next) <= maxSeconds;
  };
  groups.forEach((group, g) => {
    for (const raw of group) {
      const s = sentence(speakable(raw));
      if (s === '') continue;
      if (fits(s)) out.push(s);
      else if (g < 2) out.push(fitWords(s, maxChars - [...out, ''].join(' ').length, maxSeconds - estimateSpeechSeconds(out.join(' '))));
      else break; // the rest of this group would be heard without its lead-in
    }
  });
  return out.filter((s) => s !== '').join(' ');
}

// The first two sentences (who, what they want) are cut to fit rather than dropped.
function fitWords(s: string, chars: number, seconds: number): string {
  const words = s.split(' ');
  const said = () => sentence(words.join(' '));
  while (words.length > 0 && (said().length + 1 > chars || estimateSpeechSeconds(said()) > seconds)) words.pop();
  return words.length === 0 ? '' : sentence(words.join(' '));
}
