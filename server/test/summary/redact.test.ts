import { describe, it, expect } from 'vitest';
import { maskEmail, maskPhone, redact, redactDetailed } from '../../src/summary/redact.js';

describe('masking personal data', () => {
  it('masks an email to its first letter and domain', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(redact('write to JOHN@shop.co.uk please')).toBe('write to J***@shop.co.uk please');
  });

  it('masks phone numbers in the usual formats and keeps only the last digits', () => {
    for (const phone of ['+14155550123', '+1 (415) 555-0123', '+1 415 555 0123', '415-555-0123', '(415) 555.0123', '07700 900123']) {
      const out = redact(`call me on ${phone} tonight`);
      expect(out, phone).not.toContain(phone);
      expect(out.replace(/\D/g, '').length, phone).toBeLessThanOrEqual(4);
    }
    expect(maskPhone('+1 (415) 555-4567')).toBe('+*******4567');
    expect(redact('ext 555-1234')).toBe('ext *****34');
  });

  it('never lets a full card-like number through, grouped or not', () => {
    for (const card of ['4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111', '378282246310005', '6011000990139424123']) {
      const out = redact(`card ${card} ok`);
      expect(out).not.toMatch(/\d{5,}/);
      expect(out).toContain(`****${card.replace(/\D/g, '').slice(-4)}`);
    }
    expect(redact('4111111111111111')).toBe('[card ****1111]');
    expect(redact('1234567890123')).toBe('[number ****0123]'); // not Luhn-valid, still masked
  });

  it('leaves order numbers, dates, amounts and times alone', () => {
    const text = 'Order #12345, ORD-88812 and order number 5551234567 on 2024-03-02 at 10:30 for $1,234.56';
    expect(redact(text)).toBe(text);
    for (const t of ['logged 2024-03-02 10:30', 'delivered 02.03.2024', 'due 2024-03-02T09:00']) expect(redact(t)).toBe(t);
  });

  it('masks a phone number even when it follows an order number', () => {
    expect(redact('order 12345 5551234567')).not.toContain('5551234567');
    expect(redact('caller id 5551234567')).toBe('caller id ******4567');
  });

  it('reports what it masked', () => {
    const r = redactDetailed('a@b.io, +44 20 7946 0958, 4111111111111111');
    expect(r.emails).toEqual(['a***@b.io']);
    expect(r.phones).toEqual(['+********0958']);
    expect(r.cards).toEqual(['card ****1111']);
  });

  it('catches full-width digits too', () => {
    expect(redact('４１１１１１１１１１１１１１１１')).toBe('[card ****1111]');
  });
});

describe('masking under many generated inputs', () => {
  // Seeded PRNG so a failure reproduces exactly.
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const digits = (n: number) => Array.from({ length: n }, () => String(rnd(10))).join('');
  const wraps = ['', 'call ', 'my number: ', 'order 123 and ', '(', 'ref #1 ', 'tel:', 'account is '];

  it('no generated phone number or card number survives in any surrounding text', () => {
    for (let i = 0; i < 2000; i++) {
      const phoneDigits = `${1 + rnd(9)}${digits(9 + rnd(4))}`; // 10-13 digits
      const formats = [
        `+${phoneDigits}`,
        `+${phoneDigits.slice(0, 1)} ${phoneDigits.slice(1, 4)} ${phoneDigits.slice(4, 7)} ${phoneDigits.slice(7)}`,
        `(${phoneDigits.slice(0, 3)}) ${phoneDigits.slice(3, 6)}-${phoneDigits.slice(6)}`,
        `${phoneDigits.slice(0, 3)}.${phoneDigits.slice(3, 6)}.${phoneDigits.slice(6)}`,
      ];
      const card = digits(13 + rnd(7));
      const grouped = card.replace(/(\d{4})(?=\d)/g, `$1${rnd(2) ? ' ' : '-'}`);
      for (const value of [...formats, card, grouped]) {
        const text = `${wraps[rnd(wraps.length)]}${value}${rnd(2) ? '.' : ' thanks'}`;
        const out = redact(text);
        const outDigits = out.replace(/\D/g, '');
        const rawDigits = value.replace(/\D/g, '');
        expect(outDigits.includes(rawDigits), `${text} → ${out}`).toBe(false);
        expect(out, `${text} → ${out}`).not.toMatch(/\d{13,}/);
      }
    }
  });
});
