// What a timeline entry's detail may show: names, never raw ids. Pure, with no relative imports
// (server/test/unit/ imports it too); shared/format.ts's timelineDetail then puts it in words.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A raw id (agent, call, transfer): meaningless to the agent reading the timeline. */
export const isRawId = (v: unknown): boolean => typeof v === 'string' && UUID.test(v.trim());

/**
 * The detail as the console shows it: who did it by name (the server writes `byName` beside
 * `by`, an agent's id, e.g. on `requeued`), and any value that is only an id left out — an older
 * entry written before names were stored shows no "by" rather than a uuid.
 */
export function readableDetail(detail: object | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const d = (detail ?? {}) as Record<string, unknown>;
  const byName = typeof d.byName === 'string' && d.byName.trim() ? d.byName : null;
  for (const [k, v] of Object.entries(d)) {
    if (k === 'byName') continue;
    if (k === 'by' && byName) out.by = byName;
    else if (!isRawId(v)) out[k] = v;
  }
  if (byName && !('by' in out)) out.by = byName;
  return out;
}
