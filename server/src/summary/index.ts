// Summary service: the LLM when configured, the local summary otherwise, and the local
// summary whenever the LLM is slow or fails, so a transfer is never blocked by it.
import { LocalSummaryProvider } from './local.js';
import { loadNlp } from './nlp.js';
import { LlmError, OpenAICompatibleProvider } from './openai.js';
import type { Summary, SummaryInput, SummaryLogger, SummaryProvider } from './types.js';

export type { HandoffFacts, Identifier, Summary, SummaryInput, SummaryLogger, SummaryProvider } from './types.js';
export { LocalSummaryProvider, summarizeLocally, renderFacts } from './local.js';
export { OpenAICompatibleProvider, LlmError } from './openai.js';
export { spokenSummary, estimateSpeechSeconds, parseSummaryText, MAX_SPOKEN_CHARS, MAX_SPOKEN_SECONDS } from './spoken.js';

/** Mirrors Config['summary'] (SUMMARY_PROVIDER, LLM_BASE_URL, LLM_API_KEY, LLM_MODEL, GROQ_API_KEY, LLM_TIMEOUT_MS). */
export interface SummaryConfig {
  provider?: 'local' | 'llm' | undefined;
  llmBaseUrl?: string | undefined;
  llmApiKey?: string | undefined;
  llmModel?: string | undefined;
  groqApiKey?: string | undefined;
  timeoutMs?: number | undefined;
}

export type ResolvedSummaryConfig =
  | { mode: 'local'; note?: string }
  | { mode: 'llm'; preset: 'groq' | 'openai' | 'custom'; baseUrl: string; apiKey: string | undefined; model: string; timeoutMs: number };

export const GROQ_BASE_URL = 'https://api.groq.com/openai/v1';
export const GROQ_DEFAULT_MODEL = 'llama-3.3-70b-versatile';
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const OPENAI_DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_TIMEOUT_MS = 4000;

const present = (v: string | undefined) => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);

/** Pure: which endpoint, key and model the service will use. No network. */
export function resolveSummaryConfig(config: SummaryConfig): ResolvedSummaryConfig {
  const baseUrl = present(config.llmBaseUrl);
  const llmKey = present(config.llmApiKey);
  const groqKey = present(config.groqApiKey);
  const raw = config.timeoutMs;
  const timeoutMs = raw !== undefined && Number.isFinite(raw) && raw > 0 ? Math.min(Math.max(raw, 50), 60_000) : DEFAULT_TIMEOUT_MS;
  // A key on its own is an opt-in to the LLM (the operator set it for this purpose).
  if (config.provider !== 'llm' && !llmKey && !groqKey) return { mode: 'local' };

  if (baseUrl) {
    // Never send the Groq key to some other host: a custom base URL takes LLM_API_KEY only.
    const isGroq = /^https:\/\/api\.groq\.com\//i.test(baseUrl);
    const isOpenAI = /^https:\/\/api\.openai\.com\//i.test(baseUrl);
    const model = present(config.llmModel) ?? (isGroq ? GROQ_DEFAULT_MODEL : isOpenAI ? OPENAI_DEFAULT_MODEL : undefined);
    if (!model) return { mode: 'local', note: 'LLM_BASE_URL set without LLM_MODEL' };
    const key = llmKey ?? (isGroq ? groqKey : undefined);
    return { mode: 'llm', preset: 'custom', baseUrl, apiKey: key, model, timeoutMs };
  }
  if (groqKey) {
    return { mode: 'llm', preset: 'groq', baseUrl: GROQ_BASE_URL, apiKey: groqKey, model: present(config.llmModel) ?? GROQ_DEFAULT_MODEL, timeoutMs };
  }
  if (llmKey) {
    return { mode: 'llm', preset: 'openai', baseUrl: OPENAI_BASE_URL, apiKey: llmKey, model: present(config.llmModel) ?? OPENAI_DEFAULT_MODEL, timeoutMs };
  }
  return { mode: 'local', note: 'SUMMARY_PROVIDER=llm but no LLM_BASE_URL, LLM_API_KEY or GROQ_API_KEY' };
}

/** host[:port]/path of a URL without credentials or query, safe for logs. */
function safeEndpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(invalid url)';
  }
}

function llmLabel(r: Extract<ResolvedSummaryConfig, { mode: 'llm' }>): string {
  if (r.preset !== 'custom') return r.preset;
  try {
    return new URL(r.baseUrl).host;
  } catch {
    return 'custom';
  }
}

/** Log-safe one-liner, e.g. "llm groq (api.groq.com/openai/v1, model llama-3.3-70b-versatile, key set, timeout 4000ms) with local fallback". */
export function describeSummaryConfig(config: SummaryConfig): string {
  const r = resolveSummaryConfig(config);
  if (r.mode === 'local') return r.note ? `local (llm not used: ${r.note})` : 'local';
  return `llm ${r.preset} (${safeEndpoint(r.baseUrl)}, model ${r.model}, key ${r.apiKey ? 'set' : 'not set'}, timeout ${r.timeoutMs}ms) with local fallback`;
}

/**
 * Tries `primary` under a hard deadline; on any error, timeout, abort or rejected answer returns
 * the fallback's summary with provider "local (llm fallback: <reason>)" and `fallbackReason`,
 * so the timeline shows what happened.
 */
export class FallbackSummaryProvider implements SummaryProvider {
  readonly name: string;

  constructor(
    private readonly primary: SummaryProvider,
    private readonly fallback: SummaryProvider,
    private readonly deadlineMs: number,
    private readonly logger?: SummaryLogger,
  ) {
    this.name = `${primary.name} (fallback: ${fallback.name})`;
  }

  async summarize(input: SummaryInput, signal?: AbortSignal): Promise<Summary> {
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort(new LlmError('aborted'));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Belt and braces over the provider's own timeout: nothing may hold a transfer longer.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new LlmError('timeout');
        ctrl.abort(e);
        reject(e);
      }, this.deadlineMs);
    });
    try {
      return await Promise.race([this.primary.summarize(input, ctrl.signal), deadline]);
    } catch (err) {
      const reason = err instanceof LlmError ? err.reason : 'error';
      // LlmErrors were already logged with status/latency by the provider.
      if (!(err instanceof LlmError)) this.logger?.warn({ provider: this.primary.name, errorClass: (err as Error)?.name ?? 'unknown' }, 'summary provider failed');
      const local = await this.fallback.summarize(input);
      return { ...local, provider: `${local.provider} (llm fallback: ${reason})`, fallbackReason: reason };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** The provider the transfer flow calls. Never rejects when the LLM misbehaves. */
export function createSummaryService(config: SummaryConfig, logger?: SummaryLogger): SummaryProvider {
  loadNlp(); // the language model loads once at start-up (~0.3 s), not during the first transfer
  const local = new LocalSummaryProvider();
  const r = resolveSummaryConfig(config);
  if (r.mode === 'local') return local;
  const llm = new OpenAICompatibleProvider({
    baseUrl: r.baseUrl,
    apiKey: r.apiKey,
    model: r.model,
    label: llmLabel(r),
    timeoutMs: r.timeoutMs,
    logger,
  });
  return new FallbackSummaryProvider(llm, local, r.timeoutMs + 250, logger);
}
