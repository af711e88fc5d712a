// Scores a summary text against a corpus case: which marked facts it kept, what it
// invented (next steps, numbers), and whether a masked value leaked. Pure; shared by the
// quality test and bench/summary-quality.ts so both report the same figures.
import { redact } from '../../src/summary/redact.js';
import { FACT_KINDS, type FactKind, type HandoffCase } from './corpus/index.js';

/** Case, quotes, dashes and spacing do not change a fact. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201c\u201d"'`]/g, '')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Everything the summary may draw on, masked as the summary is. */
export function sourceText(c: HandoffCase): string {
  const turns = (c.input.transcript ?? []).map((t) => t.text);
  return redact([c.input.reason, c.input.notes, ...turns].join('\n'));
}

export interface CaseScore {
  id: string;
  domain: string;
  total: number;
  kept: number;
  missing: { kind: FactKind; text: string }[];
  /** Lines that tell B what to do without the notes saying so (or not quoting them). */
  inventedNextSteps: string[];
  /** Numbers and codes in the summary that are nowhere in the input. */
  inventedValues: string[];
  /** Raw secrets or unmasked card-length digit runs found in the output. */
  leaks: string[];
}

// Old format "Next step: …" and new "A asks you to: …"; both are instructions to B.
const NEXT_STEP_LINE = /^(?:next step|a asks you to)\s*:\s*(.*)$/i;
const quoted = (s: string) => [...s.matchAll(/[\u201c"]([^\u201d"]+)[\u201d"]/g)].map((m) => m[1] ?? '');

function inventedNextSteps(c: HandoffCase, text: string, source: string): string[] {
  const out: string[] = [];
  const notesHaveAsk = (c.facts.ask ?? []).length > 0;
  for (const line of text.split('\n')) {
    const m = NEXT_STEP_LINE.exec(line.trim());
    if (!m) continue;
    const body = m[1] ?? '';
    // A next step is faithful only when it quotes the input word for word.
    const quotes = quoted(body);
    const grounded = quotes.length > 0 && quotes.every((q) => source.includes(normalize(q).replace(/…$/, '')));
    if (!notesHaveAsk || !grounded) out.push(line);
  }
  return out;
}

// Any token with a digit (order number, amount, date, time) must come from the input.
function inventedValues(text: string, source: string): string[] {
  const body = text
    .split('\n')
    .filter((l) => !/^who\s*:/i.test(l)) // call length and holds are trusted call facts
    .join('\n');
  const out: string[] = [];
  for (const raw of body.split(/\s+/)) {
    const token = normalize(raw).replace(/^[^\p{L}\p{N}$£€#]+|[^\p{L}\p{N}%]+$/gu, '');
    if (!/\d/.test(token) || token.includes('*')) continue;
    if (!source.includes(token) && !out.includes(token)) out.push(token);
  }
  return out;
}

function leaks(c: HandoffCase, outputs: string[]): string[] {
  const found: string[] = [];
  for (const out of outputs) {
    const digits = out.replace(/\D/g, '');
    for (const s of c.secrets ?? []) {
      const sDigits = s.replace(/\D/g, '');
      const hit = sDigits.length >= 6 ? digits.includes(sDigits) : out.toLowerCase().includes(s.toLowerCase());
      if (hit && !found.includes(s)) found.push(s);
    }
    for (const m of out.matchAll(/\d(?:[ -]?\d){12,}/g)) found.push(m[0]);
  }
  return found;
}

/** `extra` are other renderings of the same summary (e.g. the spoken form) checked for leaks. */
export function scoreCase(c: HandoffCase, text: string, extra: string[] = []): CaseScore {
  const summary = normalize(text);
  const source = normalize(sourceText(c));
  const missing: CaseScore['missing'] = [];
  let total = 0;
  for (const kind of FACT_KINDS) {
    for (const fact of c.facts[kind] ?? []) {
      total++;
      if (!summary.includes(normalize(fact))) missing.push({ kind, text: fact });
    }
  }
  return {
    id: c.id,
    domain: c.domain,
    total,
    kept: total - missing.length,
    missing,
    inventedNextSteps: inventedNextSteps(c, text, source),
    inventedValues: inventedValues(text, source),
    leaks: leaks(c, [text, ...extra]),
  };
}

export interface CorpusScore {
  cases: number;
  domains: number;
  facts: number;
  kept: number;
  keptShare: number;
  byKind: Record<FactKind, { total: number; kept: number }>;
  inventedNextSteps: number;
  inventedValues: number;
  leaks: number;
}

export function scoreCorpus(cases: HandoffCase[], scores: CaseScore[]): CorpusScore {
  const byKind = Object.fromEntries(FACT_KINDS.map((k) => [k, { total: 0, kept: 0 }])) as CorpusScore['byKind'];
  cases.forEach((c, i) => {
    const missing = scores[i]?.missing ?? [];
    for (const kind of FACT_KINDS) {
      const facts = c.facts[kind] ?? [];
      byKind[kind].total += facts.length;
      byKind[kind].kept += facts.filter((f) => !missing.some((m) => m.kind === kind && m.text === f)).length;
    }
  });
  const facts = scores.reduce((n, s) => n + s.total, 0);
  const kept = scores.reduce((n, s) => n + s.kept, 0);
  return {
    cases: cases.length,
    domains: new Set(cases.map((c) => c.domain)).size,
    facts,
    kept,
    keptShare: facts === 0 ? 1 : kept / facts,
    byKind,
    inventedNextSteps: scores.reduce((n, s) => n + s.inventedNextSteps.length, 0),
    inventedValues: scores.reduce((n, s) => n + s.inventedValues.length, 0),
    leaks: scores.reduce((n, s) => n + s.leaks.length, 0),
  };
}
