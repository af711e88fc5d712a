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

/** provider e.g. 'local', 'llm:groq/llama-3.3-70b-versatile', or 'local (llm fallback: timeout)' */
export interface Summary {
  text: string;
  provider: 'local' | 'llm' | string;
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
