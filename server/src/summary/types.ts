// The handoff summary B sees (or hears) before taking a transferred call.
// Every text field except the numbers may come from a caller or an agent: treat as untrusted.

export interface SummaryInput {
  callerName: string; // 1-80 chars, typed by the caller
  reason: string; // caller's typed reason, 0-500 chars
  notes: string; // agent A's notes (call notes + transfer notes), may be empty; UNTRUSTED text
  callDurationS: number; // seconds since the call was answered
  holdCount: number; // holds so far
  fromAgentName: string; // agent A
  transcript?: { speaker: 'caller' | 'agent'; text: string }[]; // may be absent
}

export interface Identifier {
  kind: string; // the label written before it ("booking ref", "card ending"), '' when none
  value: string; // as written; already masked where it is personal data
}

/**
 * The structured summary: every field holds spans of the (masked) input, never text made up
 * by the summarizer, so B can trust each line. Lists are in order of first appearance.
 */
export interface HandoffFacts {
  caller: string;
  fromAgent: string;
  callDurationS: number;
  holdCount: number;
  /** The caller's own words first (reason or first spoken line), then A's notes on what they want. */
  wants: string[];
  identifiers: Identifier[];
  amounts: string[];
  dates: string[]; // dates, times and durations
  tried: string[]; // what A already did, with its result
  escalation: string[]; // why A hands the call over
  asks: string[]; // what A's notes ask B to do, quoted; empty when the notes ask nothing
  details: string[]; // other sentences of the notes that carry facts
  context: string[]; // short remarks: identity verified, frustrated, repeat contact, urgent
}

/** provider e.g. 'local', 'llm:groq/llama-3.3-70b-versatile', or 'local (llm fallback: timeout)' */
export interface Summary {
  text: string;
  provider: 'local' | 'llm' | string;
  /** The same summary as fields (for the spoken form or a richer display). Optional addition. */
  structured?: HandoffFacts;
  /** Why the LLM answer was not used ('timeout', 'ungrounded amount', ...), when it was not. */
  fallbackReason?: string;
}

export interface SummaryProvider {
  readonly name: string;
  summarize(input: SummaryInput, signal?: AbortSignal): Promise<Summary>;
}

/** The subset of a pino logger we use; only log-safe fields are ever passed. */
export interface SummaryLogger {
  warn(obj: Record<string, unknown>, msg?: string): void;
  debug?(obj: Record<string, unknown>, msg?: string): void;
}
