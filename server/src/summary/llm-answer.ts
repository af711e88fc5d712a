// The LLM's structured answer: its JSON schema, its validation, and the grounding check that
// discards an answer naming an identifier, amount, date or request the input does not contain.
import { classifyAll } from './classify.js';
import { buildFacts } from './facts.js';
import { contentLemmas, readSentences } from './nlp.js';
import { oneLine, redact } from './redact.js';
import type { HandoffFacts, Identifier, SummaryInput } from './types.js';

/** A failed or rejected LLM call; `reason` is short, log-safe and ends up in the provider string. */
export class LlmError extends Error {
  constructor(
    readonly reason: string, // 'timeout', 'http 500', 'invalid json', 'ungrounded amount', ...
    readonly status?: number,
  ) {
    super(`llm request failed: ${reason}`);
    this.name = 'LlmError';
  }
}

const LIST_FIELDS = ['wants', 'amounts', 'dates', 'tried', 'escalation', 'asks', 'details', 'context'] as const;
type ListField = (typeof LIST_FIELDS)[number];
export type LlmAnswer = Record<ListField, string[]> & { identifiers: Identifier[] };

const strings = { type: 'array', items: { type: 'string' } } as const;
/** Same fields as HandoffFacts; strict (every key required, nothing else) as OpenAI requires. */
export const ANSWER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['wants', 'identifiers', 'amounts', 'dates', 'tried', 'escalation', 'asks', 'details', 'context'],
  properties: {
    wants: strings,
    identifiers: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['kind', 'value'], properties: { kind: { type: 'string' }, value: { type: 'string' } } },
    },
    amounts: strings,
    dates: strings,
    tried: strings,
    escalation: strings,
    asks: strings,
    details: strings,
    context: strings,
  },
} as const;

const MAX_ITEMS = 12;
const MAX_ITEM_CHARS = 300;

function cleanList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_ITEMS) throw new LlmError(`schema: ${field}`);
  return value.map((v) => {
    if (typeof v !== 'string' || v.length > MAX_ITEM_CHARS * 2) throw new LlmError(`schema: ${field}`);
    return oneLine(v, MAX_ITEM_CHARS);
  }).filter((v) => v !== '');
}

/** Parses and validates the message content; throws LlmError('invalid json' | 'schema: <field>'). */
export function parseAnswer(content: string): LlmAnswer {
  let json: unknown;
  try {
    // Some servers wrap JSON mode output in a code fence; nothing else is tolerated.
    json = JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    throw new LlmError('invalid json');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new LlmError('schema: not an object');
  const obj = json as Record<string, unknown>;
  const extra = Object.keys(obj).find((k) => !(ANSWER_SCHEMA.required as readonly string[]).includes(k));
  if (extra !== undefined) throw new LlmError('schema: unknown field');
  const ids = obj.identifiers;
  if (!Array.isArray(ids) || ids.length > MAX_ITEMS) throw new LlmError('schema: identifiers');
  const identifiers = ids.map((i) => {
    const { kind, value } = (i ?? {}) as { kind?: unknown; value?: unknown };
    if (typeof kind !== 'string' || typeof value !== 'string' || value.trim() === '') throw new LlmError('schema: identifiers');
    return { kind: oneLine(kind, 40), value: oneLine(value, 60) };
  });
  const answer = { identifiers } as LlmAnswer;
  for (const f of LIST_FIELDS) answer[f] = cleanList(obj[f], f);
  return answer;
}

/** Case, quotes, dashes and spacing do not make a value different. */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201c\u201d"'`]/g, '')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

const trimPunct = (s: string) => s.replace(/^[^\p{L}\p{N}$£€#*+]+|[^\p{L}\p{N}%*]+$/gu, '');

/** The masked input the answer may draw on, without text addressed to a model. */
function groundingSource(input: SummaryInput): string {
  const turns = (input.transcript ?? []).map((t) => t.text ?? '');
  const sentences = readSentences(redact(input.notes ?? ''));
  const roles = classifyAll(sentences);
  const notes = sentences.filter((_, i) => roles[i]!.role !== 'injection').map((s) => s.text);
  return normalizeForMatch([redact(input.reason ?? ''), ...notes, ...turns.map(redact)].join('\n'));
}

// Words a summary adds around the facts without stating anything new.
const FRAMING = new Set('caller customer agent want wants wanted ask asks asked say says said tried try already need needs because'.split(' '));
const MIN_SHARED = 0.5;

function check(ok: boolean, reason: string): void {
  if (!ok) throw new LlmError(reason);
}

/**
 * Accepts the answer only if every identifier, amount, date, number and request it names is in
 * the input; returns it as HandoffFacts. The local values are merged in, so none can be lost.
 */
export function groundAnswer(answer: LlmAnswer, input: SummaryInput): HandoffFacts {
  const source = groundingSource(input);
  const has = (v: string) => {
    const n = trimPunct(normalizeForMatch(v));
    return n === '' || source.includes(n);
  };
  for (const i of answer.identifiers) check(has(i.value), 'ungrounded identifier');
  for (const a of answer.amounts) check(has(a), 'ungrounded amount');
  for (const d of answer.dates) check(has(d), 'ungrounded date');
  // A request to B must be A's own words, quoted: a paraphrase could be an invented next step.
  for (const a of answer.asks) check(has(a.replace(/^(?:please|next steps?:?)\s+/i, '')), 'ungrounded next step');
  const prose = LIST_FIELDS.filter((f) => f !== 'context').flatMap((f) => answer[f]);
  // Free text must mostly reuse the input's words: a model's story is not a summary.
  const known = contentLemmas(readSentences(source));
  for (const text of prose) {
    const words = readSentences(text)
      .flatMap((s) => s.tokens)
      .filter((t) => !t.stop && t.type === 'word' && !FRAMING.has(t.lemma) && !FRAMING.has(t.normal));
    const shared = words.filter((t) => known.has(t.lemma) || known.has(t.normal)).length;
    check(words.length < 3 || shared / words.length >= MIN_SHARED, 'ungrounded text');
  }
  for (const text of [...prose, ...answer.identifiers.map((i) => i.kind)]) {
    for (const word of text.split(/\s+/)) if (/\d/.test(word)) check(has(word), 'ungrounded value');
    // Dates written in words ("tomorrow", "next Friday") are checked like numbers.
    for (const s of readSentences(text)) {
      for (const e of s.entities) if (e.type === 'DATE' || e.type === 'TIME') check(has(e.value), 'ungrounded date');
    }
  }

  const local = buildFacts(input);
  const merge = <T>(mine: T[], theirs: T[], key: (t: T) => string) => {
    const out = [...mine];
    for (const t of theirs) if (!out.some((o) => normalizeForMatch(key(o)) === normalizeForMatch(key(t)))) out.push(t);
    return out;
  };
  const [callerWords] = local.wants;
  return {
    ...local,
    // The caller's own words stay first and verbatim; the model's reading of them follows.
    wants: callerWords === undefined ? answer.wants : [callerWords, ...answer.wants.filter((w) => normalizeForMatch(w) !== normalizeForMatch(callerWords))],
    identifiers: merge(local.identifiers, answer.identifiers, (i) => i.value),
    amounts: merge(local.amounts, answer.amounts, (a) => a),
    dates: merge(local.dates, answer.dates, (d) => d),
    tried: answer.tried,
    escalation: answer.escalation,
    asks: answer.asks,
    details: answer.details,
    // The local flag that the notes held text addressed to a model is kept: B should know.
    context: [...answer.context.map((c) => redact(c)), ...local.context.filter((c) => c.startsWith('notes contain instructions'))],
  };
}
