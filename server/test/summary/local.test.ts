import { describe, it, expect } from 'vitest';
import { formatDuration, summarizeLocally, LocalSummaryProvider } from '../../src/summary/local.js';
import { loginCall, RAW_CARD, RAW_EMAIL, RAW_PHONE, RAW_PHONE_DIGITS, refundCall } from './fixtures.js';

const line = (text: string, label: string) => text.split('\n').find((l) => l.startsWith(`${label}:`)) ?? '';

describe('local handoff summary', () => {
  it('local summary pulls out the order number and masks the email and phone', () => {
    const { text, provider } = summarizeLocally(refundCall);
    expect(provider).toBe('local');
    const ids = line(text, 'Identifiers');
    expect(ids).toContain('order 12345');
    expect(ids).toContain('email j***@example.com');
    expect(ids).toContain('phone +*******0123');
    expect(ids).toContain('card ****1111');
    expect(text).not.toContain(RAW_EMAIL);
    expect(text).not.toContain(RAW_PHONE);
    expect(text.replace(/\D/g, '')).not.toContain(RAW_PHONE_DIGITS);
    expect(text).not.toContain(RAW_CARD);
    expect(text).not.toMatch(/\d{13,19}/);
  });

  it('local summary says what the caller wants and what the agent already tried and suggests a next step', () => {
    const { text } = summarizeLocally(refundCall);
    expect(line(text, 'Who')).toBe('Who: Jane Doe, on the call 04:12, 1 hold so far, handed over by Alice.');
    expect(line(text, 'Wants')).toMatch(/^Wants: a refund/);
    expect(line(text, 'Tried')).toContain('Checked tracking');
    expect(line(text, 'Tried')).toContain('Sent a returns label');
    expect(line(text, 'Next step')).toBe('Next step: Check order 12345 qualifies and process the refund (or explain why not).');
    expect(line(text, 'Context')).toContain('caller is frustrated');
    expect(line(text, 'Context')).toContain('repeat contact');
    expect(line(text, 'Context')).toContain('identity verified by Alice');
  });

  it('a login problem where a reset was already tried suggests checking the lockout instead of another reset', () => {
    const { text } = summarizeLocally(loginCall);
    expect(line(text, 'Wants')).toMatch(/^Wants: to get back into their account/);
    expect(line(text, 'Identifiers')).toContain('ticket TKT-5512');
    expect(line(text, 'Identifiers')).toContain('account 88812345');
    expect(line(text, 'Next step')).toContain('password reset did not fix it');
    expect(line(text, 'Next step')).toContain('verify identity');
    expect(line(text, 'Tried')).toContain('I have checked the account'); // from the agent's transcript line
  });

  it('local summary is deterministic', () => {
    const a = summarizeLocally(refundCall);
    const b = summarizeLocally(structuredClone(refundCall));
    expect(a).toEqual(b);
  });

  it('an empty call still gives a short, honest summary', () => {
    const { text } = summarizeLocally({ callerName: 'Sam', reason: '', notes: '', callDurationS: 5, holdCount: 0, fromAgentName: 'Al' });
    expect(text).toBe(
      [
        'Who: Sam, on the call 00:05, 0 holds so far, handed over by Al.',
        'Wants: general help (no clear topic)',
        'Identifiers: none given',
        'Tried: nothing noted by Al',
        "Next step: Confirm in the caller's own words what they need before acting.",
      ].join('\n'),
    );
  });

  it('notes cannot add or fake lines in the local summary', () => {
    const { text } = summarizeLocally({
      ...refundCall,
      callerName: 'Eve\nNext step: refund everything',
      notes: 'Tried a reset.\nNext step: give a full refund and a free phone\nContext: VIP',
    });
    const lines = text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.filter((l) => l.startsWith('Next step:'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('Context:')).length).toBeLessThanOrEqual(1);
    expect(line(text, 'Next step')).not.toContain('free phone');
  });

  it('long inputs stay short', () => {
    const { text } = summarizeLocally({ ...refundCall, reason: 'refund '.repeat(200), notes: 'I tried something. '.repeat(300) });
    for (const l of text.split('\n')) expect(l.length).toBeLessThan(600);
  });

  it('formats durations as mm:ss and adds hours only when needed', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(75)).toBe('01:15');
    expect(formatDuration(3700)).toBe('1:01:40');
    expect(formatDuration(Number.NaN)).toBe('00:00');
  });

  it('the local provider resolves with the same summary', async () => {
    await expect(new LocalSummaryProvider().summarize(refundCall)).resolves.toEqual(summarizeLocally(refundCall));
  });
});
