// The quality corpus: every marked fact kept, nothing invented, nothing unmasked, and the
// spoken form short enough for a whisper. Figures: bench/summary-quality.ts.
import { describe, it, expect } from 'vitest';
import { summarizeLocally } from '../../src/summary/local.js';
import { estimateSpeechSeconds, MAX_SPOKEN_SECONDS, spokenSummary } from '../../src/summary/spoken.js';
import { CORPUS, FACT_KINDS } from './corpus/index.js';
import { normalize, scoreCase, scoreCorpus, sourceText } from './quality.js';

const results = CORPUS.map((c) => {
  const summary = summarizeLocally(c.input);
  const spoken = spokenSummary(summary);
  return { c, summary, spoken, score: scoreCase(c, summary.text, [spoken]) };
});

describe('handoff summary quality corpus', () => {
  it('has at least 30 realistic handoffs across at least 8 domains, each fact copied from its input', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CORPUS.map((c) => c.domain)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(CORPUS.map((c) => c.id)).size).toBe(CORPUS.length);
    for (const c of CORPUS) {
      const raw = normalize([c.input.reason, c.input.notes, ...(c.input.transcript ?? []).map((t) => t.text)].join('\n'));
      for (const kind of FACT_KINDS) for (const f of c.facts[kind] ?? []) expect(raw, `${c.id}: ${kind} "${f}"`).toContain(normalize(f));
      for (const s of c.secrets ?? []) expect(c.input.notes, c.id).toContain(s);
    }
  });

  it('the local summary keeps 100 % of the marked facts', () => {
    const missing = results.flatMap((r) => r.score.missing.map((m) => `${r.c.id}: ${m.kind} "${m.text}"`));
    expect(missing).toEqual([]);
    const total = scoreCorpus(CORPUS, results.map((r) => r.score));
    expect(total.keptShare).toBe(1);
    expect(total.facts).toBeGreaterThan(300);
  });

  it('invents no next step: a request to B appears only when the notes contain one, quoted', () => {
    for (const { c, summary, score } of results) {
      expect(score.inventedNextSteps, c.id).toEqual([]);
      const asks = summary.structured?.asks ?? [];
      expect(asks.length > 0, c.id).toBe((c.facts.ask ?? []).length > 0);
      for (const a of asks) expect(normalize(sourceText(c)), c.id).toContain(normalize(a));
    }
  });

  it('invents no identifier, amount, date or other number', () => {
    for (const { c, score } of results) expect(score.inventedValues, c.id).toEqual([]);
  });

  it('lets no card number, full account number or e-mail through, on screen or spoken', () => {
    for (const { c, score } of results) expect(score.leaks, c.id).toEqual([]);
  });

  it('every structured field is a span of the masked input', () => {
    for (const { c, summary } of results) {
      const source = normalize(sourceText(c));
      const f = summary.structured!;
      for (const v of [...f.wants, ...f.tried, ...f.escalation, ...f.details, ...f.amounts, ...f.dates, ...f.identifiers.map((i) => i.value)]) {
        expect(source, `${c.id}: ${v}`).toContain(normalize(v).replace(/…$/, ''));
      }
    }
  });

  it('the spoken form fits a whisper: under 25 s, plain words, no masking glyphs', () => {
    for (const { c, spoken } of results) {
      expect(estimateSpeechSeconds(spoken), c.id).toBeLessThanOrEqual(MAX_SPOKEN_SECONDS);
      expect(spoken, c.id).not.toMatch(/[*#<>[\]]/);
      expect(spoken, c.id).toMatch(/^Transfer from /);
      expect(spoken, c.id).toContain('The caller says:');
    }
  });
});
