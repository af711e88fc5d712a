// The shape of a handoff in the quality corpus: what A typed, and the facts B must receive.
import type { SummaryInput } from '../../../src/summary/types.js';

export type Domain =
  | 'travel'
  | 'billing'
  | 'telecom'
  | 'insurance'
  | 'fraud'
  | 'saas'
  | 'health'
  | 'delivery'
  | 'membership'
  | 'payments';

/**
 * want: what the caller wants; id/amount/date: values B will ask about; attempt/result: what A
 * already did and what came of it; escalation: why A hands over; ask: a next step A wrote for B.
 */
export type FactKind = 'want' | 'id' | 'amount' | 'date' | 'attempt' | 'result' | 'escalation' | 'ask';
export const FACT_KINDS: FactKind[] = ['want', 'id', 'amount', 'date', 'attempt', 'result', 'escalation', 'ask'];

export interface HandoffCase {
  id: string;
  domain: Domain;
  input: SummaryInput;
  /** Each fact is a phrase copied from the input that must appear in the summary. */
  facts: Partial<Record<FactKind, string[]>>;
  /** Raw personal values in the input that must never appear (cards, full account numbers, e-mails). */
  secrets?: string[];
}

interface Typed {
  caller: string;
  agent?: string;
  reason: string;
  notes: string;
  transcript?: SummaryInput['transcript'];
  durationS?: number;
  holds?: number;
}

export function handoff(id: string, domain: Domain, t: Typed, facts: HandoffCase['facts'], secrets?: string[]): HandoffCase {
  const input: SummaryInput = {
    callerName: t.caller,
    reason: t.reason,
    notes: t.notes,
    callDurationS: t.durationS ?? 300,
    holdCount: t.holds ?? 0,
    fromAgentName: t.agent ?? 'Alice',
  };
  if (t.transcript) input.transcript = t.transcript;
  return secrets ? { id, domain, input, facts, secrets } : { id, domain, input, facts };
}
