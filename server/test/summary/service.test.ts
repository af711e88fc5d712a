import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import {
  createSummaryService,
  describeSummaryConfig,
  resolveSummaryConfig,
  FallbackSummaryProvider,
  GROQ_BASE_URL,
} from '../../src/summary/index.js';
import { summarizeLocally } from '../../src/summary/local.js';
import type { SummaryProvider } from '../../src/summary/types.js';
import { emptyAnswer, startLlmStandin, type LlmStandin } from '../support/llm-standin.js';
import { refundCall } from './fixtures.js';

let standin: LlmStandin;
beforeAll(async () => {
  standin = await startLlmStandin();
});
afterAll(async () => {
  await standin.close();
});
beforeEach(() => {
  standin.requests.length = 0;
  standin.setMode('ok');
  standin.setReply(JSON.stringify(emptyAnswer({ wants: ['a refund for the broken order'] })));
});

const llmConfig = (timeoutMs = 4000) => ({
  provider: 'llm' as const,
  llmBaseUrl: standin.baseUrl,
  llmApiKey: standin.apiKey,
  llmModel: 'standin-model',
  timeoutMs,
});

describe('summary service', () => {
  it('uses the llm when it answers and says so in provider', async () => {
    const summary = await createSummaryService(llmConfig()).summarize(refundCall);
    expect(summary.provider).toBe(`llm:${new URL(standin.baseUrl).host}/standin-model`);
    expect(summary.fallbackReason).toBeUndefined();
    expect(summary.text).toContain('Wants: "I want a refund for order #12345, it arrived broken. Email me at j***@example.com" / a refund for the broken order');
  });

  it('a slow llm falls back to the local summary within the timeout and says so in provider', async () => {
    standin.setMode('slow', { delayMs: 10_000 });
    const started = Date.now();
    const summary = await createSummaryService(llmConfig(300)).summarize(refundCall);
    const elapsed = Date.now() - started;
    expect(summary).toEqual({ ...summarizeLocally(refundCall), provider: 'local (llm fallback: timeout)', fallbackReason: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
  });

  it('a failing llm (500 / garbage) falls back to local', async () => {
    const warnings: Record<string, unknown>[] = [];
    const service = createSummaryService(llmConfig(), { warn: (obj) => warnings.push(obj) });
    standin.setMode('fail500');
    expect(await service.summarize(refundCall)).toEqual({ ...summarizeLocally(refundCall), provider: 'local (llm fallback: http 500)', fallbackReason: 'http 500' });
    standin.setMode('garbage');
    expect((await service.summarize(refundCall)).provider).toBe('local (llm fallback: invalid json)');
    standin.setMode('badshape');
    expect((await service.summarize(refundCall)).provider).toBe('local (llm fallback: unexpected response shape)');
    // An answer that names an amount the call never mentioned is discarded the same way.
    standin.setMode('ok');
    standin.setReply(JSON.stringify(emptyAnswer({ amounts: ['$250.00'] })));
    expect(await service.summarize(refundCall)).toMatchObject({ text: summarizeLocally(refundCall).text, provider: 'local (llm fallback: ungrounded amount)', fallbackReason: 'ungrounded amount' });
    expect(warnings.map((w) => w.errorClass)).toEqual(['http 500', 'invalid json', 'unexpected response shape', 'ungrounded amount']);
    expect(JSON.stringify(warnings)).not.toContain(standin.apiKey);
  });

  it('a wrong key or unreachable llm falls back to local', async () => {
    const wrongKey = createSummaryService({ ...llmConfig(), llmApiKey: 'sk-not-the-right-key' });
    expect((await wrongKey.summarize(refundCall)).provider).toBe('local (llm fallback: http 401)');
    const down = createSummaryService({ ...llmConfig(), llmBaseUrl: 'http://127.0.0.1:9/v1' });
    expect((await down.summarize(refundCall)).provider).toMatch(/^local \(llm fallback: network/);
  });

  it('a provider that hangs and ignores its signal is still cut off at the deadline', async () => {
    const hanging: SummaryProvider = { name: 'llm:hang/x', summarize: () => new Promise(() => {}) };
    const thrower: SummaryProvider = { name: 'llm:bug/x', summarize: () => Promise.reject(new TypeError('boom')) };
    const local = { name: 'local', summarize: async () => summarizeLocally(refundCall) };
    const started = Date.now();
    expect((await new FallbackSummaryProvider(hanging, local, 100).summarize(refundCall)).provider).toBe('local (llm fallback: timeout)');
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await new FallbackSummaryProvider(thrower, local, 100).summarize(refundCall)).provider).toBe('local (llm fallback: error)');
  });

  it('GROQ_API_KEY alone selects the Groq endpoint and model (assert on the built config, no network)', () => {
    const config = { provider: 'local' as const, groqApiKey: 'gsk_live_secret_123', timeoutMs: 4000 };
    expect(resolveSummaryConfig(config)).toEqual({
      mode: 'llm',
      preset: 'groq',
      baseUrl: GROQ_BASE_URL,
      apiKey: 'gsk_live_secret_123',
      model: 'llama-3.3-70b-versatile',
      timeoutMs: 4000,
    });
    expect(GROQ_BASE_URL).toBe('https://api.groq.com/openai/v1');
    expect(createSummaryService(config).name).toBe('llm:groq/llama-3.3-70b-versatile (fallback: local)');
    expect(resolveSummaryConfig({ groqApiKey: 'gsk_x', llmModel: 'llama-3.1-8b-instant' })).toMatchObject({ preset: 'groq', model: 'llama-3.1-8b-instant' });
  });

  it('without any key or llm request the service is the offline local summary', () => {
    expect(resolveSummaryConfig({ provider: 'local' })).toEqual({ mode: 'local' });
    expect(createSummaryService({ provider: 'local' }).name).toBe('local');
    expect(describeSummaryConfig({ provider: 'local' })).toBe('local');
    expect(resolveSummaryConfig({ provider: 'llm' }).mode).toBe('local');
    expect(describeSummaryConfig({ provider: 'llm' })).toMatch(/^local \(llm not used: /);
  });

  it('a custom base url never receives the Groq key, and can run without a key', () => {
    const r = resolveSummaryConfig({ provider: 'llm', llmBaseUrl: 'http://127.0.0.1:11434/v1', llmModel: 'llama3', groqApiKey: 'gsk_secret' });
    expect(r).toMatchObject({ mode: 'llm', preset: 'custom', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3', apiKey: undefined });
  });

  it('the config description is safe to log', () => {
    const text = describeSummaryConfig({ groqApiKey: 'gsk_live_secret_123', timeoutMs: 2500 });
    expect(text).toBe('llm groq (api.groq.com/openai/v1, model llama-3.3-70b-versatile, key set, timeout 2500ms) with local fallback');
    const custom = describeSummaryConfig({ provider: 'llm', llmBaseUrl: 'https://user:pw@llm.internal:8443/v1?token=abc', llmApiKey: 'sk-secret-xyz', llmModel: 'm' });
    expect(custom).toContain('llm.internal:8443/v1');
    for (const secret of ['sk-secret-xyz', 'pw', 'token=abc', 'gsk_live']) expect(custom).not.toContain(secret);
  });
});
