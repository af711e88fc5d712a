// The production-edge settings (TRUST_PROXY, METRICS_PORT/TOKEN, API_DOCS, SHUTDOWN_TIMEOUT_MS),
// where /metrics goes, the CSP's LiveKit sources and the request log levels.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { levelFor } from '../../src/http/request-log.js';
import { livekitSources } from '../../src/http/security.js';
import { metricsPlacement } from '../../src/metrics/endpoint.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  return '';
};
const PRODUCTION = {
  NODE_ENV: 'production',
  LIVEKIT_URL: 'wss://lk.example.com',
  LIVEKIT_API_KEY: 'APIabc123',
  LIVEKIT_API_SECRET: 'a-real-secret-value-from-the-dashboard',
  SESSION_SECRET: 'x'.repeat(40),
};

describe('TRUST_PROXY', () => {
  it('unset trusts no forwarded header, in production too', () => {
    expect(loadConfig({}).ops.trustProxy).toBe(false);
    expect(loadConfig(PRODUCTION).ops.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).ops.trustProxy).toBe(false);
  });

  it('takes proxy addresses, CIDRs and the named ranges, or a hop count', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16,fd00::/8 ,loopback' }).ops.trustProxy).toEqual(['10.0.0.1', '10.1.0.0/16', 'fd00::/8', 'loopback']);
    expect(loadConfig({ TRUST_PROXY: '2' }).ops.trustProxy).toBe(2);
  });

  it('refuses what would trust anyone or is not an address', () => {
    expect(problems({ TRUST_PROXY: 'true' })).toMatch(/TRUST_PROXY=true would believe any client/);
    expect(problems({ TRUST_PROXY: '10.0.0.0/33' })).toMatch(/TRUST_PROXY .*"10\.0\.0\.0\/33"/);
    expect(problems({ TRUST_PROXY: 'proxy.example.com' })).toMatch(/TRUST_PROXY/);
    expect(problems({ TRUST_PROXY: '0' })).toMatch(/hop count must be between 1 and 10/);
  });
});

describe('/metrics placement', () => {
  it('open on the main port outside production; off in production unless METRICS_PORT or METRICS_TOKEN', () => {
    expect(metricsPlacement(loadConfig({}))).toBe('main-port');
    expect(metricsPlacement(loadConfig(PRODUCTION))).toBe('off');
    expect(metricsPlacement(loadConfig({ ...PRODUCTION, METRICS_TOKEN: 't'.repeat(16) }))).toBe('main-port');
    expect(metricsPlacement(loadConfig({ ...PRODUCTION, METRICS_PORT: '9464' }))).toBe('metrics-port');
  });

  it('a short token or the main port again are refused', () => {
    expect(problems({ METRICS_TOKEN: 'short' })).toMatch(/METRICS_TOKEN must be at least 16 characters/);
    expect(problems({ PORT: '4000', METRICS_PORT: '4000' })).toMatch(/METRICS_PORT must differ from PORT/);
    expect(problems({ METRICS_PORT: 'ninety' })).toMatch(/METRICS_PORT must be an integer/);
  });
});

describe('API_DOCS and SHUTDOWN_TIMEOUT_MS', () => {
  it('docs are on outside production, off in production unless API_DOCS=1', () => {
    expect(loadConfig({}).ops.apiDocs).toBe(true);
    expect(loadConfig(PRODUCTION).ops.apiDocs).toBe(false);
    expect(loadConfig({ ...PRODUCTION, API_DOCS: '1' }).ops.apiDocs).toBe(true);
    expect(loadConfig({ API_DOCS: '0' }).ops.apiDocs).toBe(false);
    expect(problems({ API_DOCS: 'yes' })).toMatch(/API_DOCS must be 1 or 0/);
  });

  it('shutdown is bounded by 10 s unless told otherwise', () => {
    expect(loadConfig({}).ops.shutdownTimeoutMs).toBe(10_000);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '3000' }).ops.shutdownTimeoutMs).toBe(3000);
    expect(problems({ SHUTDOWN_TIMEOUT_MS: '10' })).toMatch(/SHUTDOWN_TIMEOUT_MS must be an integer between 1000/);
  });
});

describe('the CSP allows LiveKit and nothing else', () => {
  it('the socket and HTTP origin of the LiveKit URL, with LiveKit Cloud region hosts', () => {
    expect(livekitSources('ws://127.0.0.1:7880')).toEqual(['ws://127.0.0.1:7880', 'http://127.0.0.1:7880']);
    expect(livekitSources('wss://lk.example.com')).toEqual(['wss://lk.example.com', 'https://lk.example.com']);
    expect(livekitSources('wss://acme-x1.livekit.cloud')).toEqual(['wss://acme-x1.livekit.cloud', 'https://acme-x1.livekit.cloud', 'wss://*.livekit.cloud', 'https://*.livekit.cloud']);
  });
});

describe('request log levels', () => {
  it('successful reads (polls, probes, pages) are debug; mutations and client errors info; 5xx warn', () => {
    expect(levelFor('GET', 200)).toBe('debug');
    expect(levelFor('HEAD', 304)).toBe('debug');
    expect(levelFor('POST', 200)).toBe('info');
    expect(levelFor('GET', 401)).toBe('info');
    expect(levelFor('GET', 429)).toBe('info');
    expect(levelFor('POST', 503)).toBe('warn');
  });
});
