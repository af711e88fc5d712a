// The caller's call survives a page reload in sessionStorage (per tab): id, key and room grant.
import type { CreatedCall } from '../shared/types';

export interface CallerSession extends CreatedCall {
  name: string;
  reason: string;
}

const KEY = 'warmline.caller.session';

export function loadSession(): CallerSession | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<CallerSession>;
    if (typeof s.id !== 'string' || typeof s.callerKey !== 'string' || typeof s.token !== 'string') return null;
    return s as CallerSession;
  } catch {
    return null;
  }
}

export function saveSession(s: CallerSession): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    /* private mode: no resume after reload, everything else works */
  }
}

export function clearSession(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
}

const LAST_NAME = 'warmline.caller.name';

export function rememberedName(): string {
  try {
    return localStorage.getItem(LAST_NAME) ?? '';
  } catch {
    return '';
  }
}

export function rememberName(name: string): void {
  try {
    localStorage.setItem(LAST_NAME, name);
  } catch {
    /* ignore */
  }
}
