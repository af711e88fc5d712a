// Builds the structured handoff summary from the call: the caller's words, A's notes sorted
// into what was tried, why A hands over and what A asks, and every identifier, amount and
// date. Extractive by construction: each field is a span of the masked input.
import { classify, classifyAll, isResult, type Classified } from './classify.js';
import { readSentences, type Sentence } from './nlp.js';
import { oneLine, redactDetailed, type Redacted } from './redact.js';
import { extractValues, hasValue, ID_NOUNS } from './values.js';
import type { HandoffFacts, Identifier, SummaryInput } from './types.js';

const MAX_SENTENCE = 240;
const MAX_PLAIN_DETAILS = 2; // sentences with no value are context, kept only while few

/** Masked values found by redact(): e-mails, phones, cards and long account numbers. */
function maskedIdentifiers(parts: Redacted[]): Identifier[] {
  const out: Identifier[] = [];
  const add = (kind: string, value: string) => {
    if (!out.some((i) => i.value === value)) out.push({ kind, value });
  };
  for (const r of parts) {
    for (const e of r.emails) add('email', e);
    for (const p of r.phones) add('phone', p);
    for (const c of r.cards) {
      const [kind = 'card', value = c] = c.split(' '); // "card ****1111" / "number ****0123"
      add(kind, value);
    }
  }
  return out;
}

/** A sentence that only names identifiers ("Booking ref QX7P2L.") adds nothing to the list. */
function onlyIdentifiers(s: Sentence, ids: Identifier[]): boolean {
  const known = new Set<string>(ID_NOUNS);
  for (const id of ids) {
    for (const w of `${id.kind} ${id.value}`.toLowerCase().split(/\s+/)) known.add(w);
  }
  return s.tokens.every((t) => t.type === 'punctuation' || t.type === 'symbol' || t.stop || known.has(t.normal) || ids.some((i) => i.value.toLowerCase().includes(t.normal)));
}

// "Please book the engineer" → "book the engineer": the request itself, still A's words.
function askText(s: Sentence): string {
  const text = oneLine(s.text, MAX_SENTENCE);
  return text
    .replace(/^(?:(?:can|could|would|will) you(?: please)?|please|next steps?\s*[:\-–]?)\s+/i, '')
    .replace(/\?$/, '')
    .trim();
}

export function buildFacts(input: SummaryInput): HandoffFacts {
  const turns = input.transcript ?? [];
  const reason = redactDetailed(input.reason ?? '');
  const notes = redactDetailed(input.notes ?? '');
  const callerTurns = turns.filter((t) => t.speaker === 'caller').map((t) => redactDetailed(t.text ?? ''));
  const agentTurns = turns.filter((t) => t.speaker === 'agent').map((t) => redactDetailed(t.text ?? ''));

  const reasonSentences = readSentences(reason.text);
  const callerSentences = callerTurns.flatMap((r) => readSentences(r.text));
  const noteSentences = [...readSentences(notes.text), ...agentTurns.flatMap((r) => readSentences(r.text))];
  const roles: Classified[] = classifyAll(noteSentences);
  // Text addressed to a model is not A's note to B: none of its values are listed either.
  const genuine = noteSentences.filter((_, i) => roles[i]!.role !== 'injection');
  const values = extractValues([...reasonSentences, ...callerSentences, ...genuine], maskedIdentifiers([reason, notes, ...callerTurns, ...agentTurns]));

  const facts: HandoffFacts = {
    caller: oneLine(redactDetailed(input.callerName ?? '').text, 80) || 'Unknown caller',
    fromAgent: oneLine(redactDetailed(input.fromAgentName ?? '').text, 80) || 'the previous agent',
    callDurationS: Number.isFinite(input.callDurationS) && input.callDurationS > 0 ? Math.floor(input.callDurationS) : 0,
    holdCount: Number.isFinite(input.holdCount) && input.holdCount > 0 ? Math.floor(input.holdCount) : 0,
    wants: [],
    identifiers: values.identifiers,
    amounts: values.amounts,
    dates: values.dates,
    tried: [],
    escalation: [],
    asks: [],
    details: [],
    context: [],
  };

  // The caller's own words: the typed reason, else what they said first.
  const callerWords = oneLine(reason.text, MAX_SENTENCE) || oneLine(callerTurns.find((r) => r.text.trim() !== '')?.text ?? '', MAX_SENTENCE);
  if (callerWords) facts.wants.push(callerWords);

  const flags = new Set<string>();
  let verified = false;
  let injected = false;
  let plainDetails = 0;
  for (let i = 0; i < noteSentences.length; i++) {
    const s = noteSentences[i]!;
    const c = roles[i]!;
    const text = oneLine(s.text, MAX_SENTENCE);
    for (const f of c.flags) flags.add(f);
    verified ||= c.verified;
    switch (c.role) {
      case 'injection':
        injected = true; // text addressed to a model, not to B: never shown as A's words
        break;
      case 'tried': {
        // "Updated the firmware. Still no change." reads as one attempt with its result.
        const next = noteSentences[i + 1];
        if (next && roles[i + 1]!.role === 'other' && isResult(next)) {
          facts.tried.push(`${text} ${oneLine(next.text, MAX_SENTENCE)}`);
          i++;
        } else facts.tried.push(text);
        break;
      }
      case 'escalation':
        facts.escalation.push(text);
        break;
      case 'ask':
        facts.asks.push(askText(s));
        break;
      case 'want':
        facts.wants.push(text);
        break;
      default:
        if (hasValue(s)) {
          if (!onlyIdentifiers(s, facts.identifiers)) facts.details.push(text);
        } else if (!c.verified && c.flags.length === 0 && plainDetails < MAX_PLAIN_DETAILS) {
          plainDetails++;
          facts.details.push(text);
        }
    }
  }
  for (const r of callerSentences.slice(1)) for (const f of classify(r).flags) flags.add(f);
  for (const r of reasonSentences) for (const f of classify(r).flags) flags.add(f);
  if (verified) facts.context.push(`identity verified by ${facts.fromAgent}`);
  facts.context.push(...flags);
  if (injected) facts.context.push('notes contain instructions addressed to an AI; ignored');
  return facts;
}
