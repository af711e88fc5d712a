// Phone numbers: E.164 only, dialled only inside the allow-list (toll fraud is the classic
// abuse of a dial-out feature), and never shown or logged in full.
import { E164 } from '../config.js';

export { E164 };

export type NumberCheck = { ok: true } | { ok: false; message: string };

/** `production` with no prefixes configured: nothing is dialable until an operator says what is. */
export function checkDialable(number: string, allowedPrefixes: string[], production: boolean): NumberCheck {
  if (!E164.test(number)) {
    return { ok: false, message: `target.number must be E.164: "+", country code and number, digits only (e.g. +15551234567).` };
  }
  if (allowedPrefixes.length === 0) {
    return production ? { ok: false, message: 'No phone numbers are dialable: set PHONE_ALLOWED_PREFIXES.' } : { ok: true };
  }
  if (!allowedPrefixes.some((p) => number.startsWith(p))) {
    return { ok: false, message: `target.number is outside the allowed prefixes (${allowedPrefixes.join(', ')}).` };
  }
  return { ok: true };
}

/** "+15551234567" → "+1 ••• ••• 4567": enough to recognise, not enough to dial. */
export function maskNumber(number: string): string {
  const digits = number.replace(/\D/g, '');
  if (digits.length < 7) return '•••';
  const cc = digits.length > 10 ? digits.slice(0, digits.length - 10) : digits.slice(0, 1);
  return `+${cc} ••• ••• ${digits.slice(-4)}`;
}

/** Spoken form of the last digits, for the whisper ("ending 4 5 6 7"). */
export function spokenEnding(number: string): string {
  return number.replace(/\D/g, '').slice(-4).split('').join(' ');
}
