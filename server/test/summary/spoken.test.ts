import { describe, it, expect } from 'vitest';
import { summarizeLocally } from '../../src/summary/local.js';
import { estimateSpeechSeconds, parseSummaryText, speakable, spokenSummary } from '../../src/summary/spoken.js';
import { CORPUS } from './corpus/index.js';
import { RAW_CARD, RAW_PHONE_DIGITS, refundCall } from './fixtures.js';

const caseInput = (id: string) => CORPUS.find((c) => c.id === id)!.input;

describe('spoken handoff summary (phone whisper)', () => {
  it('the Lisbon handoff as short sentences, codes spelled for text-to-speech', () => {
    const spoken = spokenSummary(summarizeLocally(caseInput('travel-lisbon')));
    expect(spoken).toBe(
      'Transfer from Alice, caller Ana Souza. The caller says: My flight got cancelled and I need to get to Lisbon. ' +
        'Why transferred: Needs a supervisor to approve a partner-airline seat, over my authority. ' +
        'References: flight T P 1 3 5 1, booking ref Q X 7 P 2 L, T P 1 3 5 3.',
    );
    expect(estimateSpeechSeconds(spoken)).toBeLessThanOrEqual(25);
  });

  it("quotes A's request to B and says masked values by what is left", () => {
    const spoken = spokenSummary(summarizeLocally(caseInput('billing-late-fee')));
    expect(spoken).toContain('Alice asks you to waive the $45 fee and confirm by email to a hartleyplumbing dot com e-mail address.');
    const refund = spokenSummary(summarizeLocally(refundCall));
    expect(refund).toContain('phone ending 0 1 2 3');
    expect(refund).toContain('card ending 1 1 1 1');
    expect(refund).toContain('Email me at an example dot com e-mail address.');
    expect(refund).not.toMatch(/[*[\]#@]/);
    expect(refund.replace(/\D/g, '')).not.toContain(RAW_PHONE_DIGITS);
    expect(refund.replace(/\D/g, '')).not.toContain(RAW_CARD.replace(/\D/g, ''));
  });

  it('spells references, keeps amounts, times and words as they are read', () => {
    expect(speakable('Invoice INV-2024-0381 for $1,250.00 at 09:30 UTC on 14 Dec.')).toBe('Invoice I N V, 2 0 2 4, 0 3 8 1 for $1,250.00 at 09:30 UTC on 14 December.');
    expect(speakable('card ending 4242, reason code 05, a 14-day window, €150/night')).toBe('card ending 4 2 4 2, reason code 0 5, a 14-day window, €150 per night');
    expect(speakable('request ID req_8XkQ21')).toBe('request ID R E Q underscore 8 X K Q 2 1');
    expect(speakable('<Say>fees & charges</Say>')).not.toMatch(/[<>&]/);
  });

  it('reads the stored text back to the same spoken form as the structured summary', () => {
    for (const c of CORPUS) {
      const s = summarizeLocally(c.input);
      expect(spokenSummary(s.text), c.id).toBe(spokenSummary(s));
      expect(parseSummaryText(s.text).asks, c.id).toEqual(s.structured!.asks);
    }
  });

  it('stays within the character and time bounds, cutting what matters least', () => {
    const long = summarizeLocally({ ...refundCall, reason: 'My order never came and '.repeat(30), notes: 'Tried a resend. '.repeat(20) });
    for (const max of [120, 200, 400]) {
      const spoken = spokenSummary(long, max);
      expect(spoken.length).toBeLessThanOrEqual(max);
      expect(spoken).toMatch(/^Transfer from Alice, caller Jane Doe\. The caller says: My order/);
    }
    expect(estimateSpeechSeconds(spokenSummary(long, 4000, 10))).toBeLessThanOrEqual(10);
  });

  it('an empty summary still says who and that the need is unknown', () => {
    const s = summarizeLocally({ callerName: 'Sam', reason: '', notes: '', callDurationS: 5, holdCount: 0, fromAgentName: 'Al' });
    expect(spokenSummary(s)).toBe('Transfer from Al, caller Sam. The caller has not said what they want.');
  });
});
