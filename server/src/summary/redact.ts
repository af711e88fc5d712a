// Masking of personal data (emails, phone numbers, card-like numbers) before text
// leaves the process (LLM prompt) or reaches a screen/log (summary). We prefer masking
// too much over leaking: a masked order number is an annoyance, a leaked card is an incident.

export interface Redacted {
  text: string;
  emails: string[]; // masked forms, in order of first appearance
  phones: string[];
  cards: string[];
}

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// 13+ digits, optionally grouped by single spaces/dashes (4111 1111 1111 1111). A leading
// '+' means an international phone number, handled by the phone pass.
const LONG_NUMBER_RE = /(?<![\d+])\d(?:[ -]?\d){12,}/g;
// Digit runs with phone-style separators; the callback decides whether it is a phone.
const PHONE_CANDIDATE_RE = /\+?\(?\d(?:[ .\-()]{0,2}\d)+/g;
// Dates (2024-03-02, 2024-03-02 10, 02.03.2024) look like digit groups but are not phones.
const DATE_RE = /^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[.-]\d{1,2}[.-](?:\d{2}|\d{4}))(?:[ T]\d{1,2})?$/;
// A bare digit run right after one of these labels is an identifier, not a phone number.
export const ID_LABEL_RE =
  /\b(?:order|ord|account|acct|acc|a\/c|ticket|tkt|case|invoice|inv|ref|reference|booking|confirmation|tracking|subscription|claim|policy|customer|member|serial|sku|shipment|consignment|parcel|waybill|awb|flyer|mandate|merchant|transfer|trace|incident|request|referral|statement|dhl|ups|fedex|usps)s?\s*(?:number|no\.?|num|id|code)?\s*(?:is|was|:|=)?\s*#?\s*$/i;

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***@${email.slice(at + 1)}`;
}

/** Keeps a leading '+' and the last 4 digits (last 2 for short numbers). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const keep = digits.length >= 10 ? 4 : 2;
  const plus = phone.trimStart().startsWith('+') ? '+' : '';
  return plus + '*'.repeat(Math.max(digits.length - keep, 3)) + digits.slice(-keep);
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Card-like numbers keep only the last 4 digits; Luhn tells a card from another long number. */
export function maskLongNumber(value: string): string {
  const digits = value.replace(/\D/g, '');
  const kind = digits.length <= 19 && luhnValid(digits) ? 'card' : 'number';
  return `[${kind} ****${digits.slice(-4)}]`;
}

function isPhone(match: string, offset: number, whole: string): boolean {
  const digits = match.replace(/\D/g, '').length;
  if (digits < 7) return false;
  if (match.startsWith('+')) return true;
  if (DATE_RE.test(match)) return false;
  const prev = offset > 0 ? whole.charAt(offset - 1) : '';
  // The digits of a code ("TRX-20240611-0042", "1Z999AA10123456784") are not a phone number.
  if (/\p{L}/u.test(prev) || (/[-_]/.test(prev) && /[\p{L}\d]/u.test(whole.charAt(offset - 2)))) return false;
  // Glued to a symbol (#1234567, /1234567): an id unless it is long enough to be a phone.
  if (/[0-9_\-/#.*]/.test(prev) && digits < 10) return false;
  // After an id label ("shipment 4018234471", "account 8812-40017"): plain or dashed digits are the id.
  if (/^\d+(?:-\d+)*$/.test(match) && ID_LABEL_RE.test(whole.slice(Math.max(0, offset - 40), offset))) {
    return false;
  }
  return true;
}

const pushUnique = (list: string[], v: string) => {
  if (!list.includes(v)) list.push(v);
};

/** Masks emails, card-like numbers and phone numbers, and reports what it masked. */
export function redactDetailed(input: string): Redacted {
  const out: Redacted = { text: '', emails: [], phones: [], cards: [] };
  // NFKC folds full-width digits and similar look-alikes into ASCII before matching.
  let text = input.normalize('NFKC');
  text = text.replace(EMAIL_RE, (m) => {
    const masked = maskEmail(m);
    pushUnique(out.emails, masked);
    return masked;
  });
  text = text.replace(LONG_NUMBER_RE, (m) => {
    const masked = maskLongNumber(m);
    pushUnique(out.cards, masked.slice(1, -1));
    return masked;
  });
  text = text.replace(PHONE_CANDIDATE_RE, (m: string, offset: number, whole: string) => {
    if (!isPhone(m, offset, whole)) return m;
    const masked = maskPhone(m);
    pushUnique(out.phones, masked);
    return masked;
  });
  out.text = text;
  return out;
}

export function redact(text: string): string {
  return redactDetailed(text).text;
}

/** One line of display text: no control characters or line breaks, bounded length. */
export function oneLine(text: string, max: number): string {
  const flat = text
    .normalize('NFKC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
