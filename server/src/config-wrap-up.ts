// WRAP_UP_TIMEOUT_S and DISPOSITIONS (part of loadConfig in config.ts; kept apart so each part stays small).

export interface WrapUpConfig {
  /** After-call work ends by itself this long after the call; 0: no wrap-up (agents are Available at once). */
  timeoutS: number;
  /** What an agent may record about a call they finished (POST /api/calls/{id}/wrapup). */
  dispositions: string[];
}

export const DEFAULT_DISPOSITIONS = ['Resolved', 'Follow-up needed', 'Escalated', 'Transferred', 'No resolution', 'Wrong number'];

export function loadWrapUpConfig(
  str: (n: string) => string | undefined,
  int: (n: string, d: number, min: number, max: number) => number,
  problems: string[],
): WrapUpConfig {
  const timeoutS = int('WRAP_UP_TIMEOUT_S', 60, 0, 3600);
  const raw = str('DISPOSITIONS');
  if (raw === undefined) return { timeoutS, dispositions: DEFAULT_DISPOSITIONS };
  const dispositions = raw.split(',').map((d) => d.trim()).filter(Boolean);
  const lower = dispositions.map((d) => d.toLowerCase());
  if (dispositions.length === 0 || dispositions.length > 30) problems.push(`DISPOSITIONS must list 1 to 30 names, comma-separated (got ${dispositions.length})`);
  const tooLong = dispositions.filter((d) => d.length > 60);
  if (tooLong.length) problems.push(`DISPOSITIONS: at most 60 characters each (not "${tooLong[0]}")`);
  const twice = dispositions.filter((_, i) => lower.indexOf(lower[i]!) !== i);
  if (twice.length) problems.push(`DISPOSITIONS: "${twice[0]}" is listed twice`);
  return { timeoutS, dispositions: dispositions.length ? dispositions : DEFAULT_DISPOSITIONS };
}
