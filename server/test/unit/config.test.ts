import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_SESSION_SECRET, loadConfig } from '../../src/config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('configuration', () => {
  it('development runs on embedded defaults with no variables at all', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ env: 'development', port: 3000, databaseUrl: null, livekit: null, transferRingTimeoutS: 30 });
    expect(c.summary.provider).toBe('local');
  });

  it('an agent without a console is offline after 10 s by default; PRESENCE_OFFLINE_AFTER_S sets it, at least 2', () => {
    expect(loadConfig({}).presenceOfflineAfterS).toBe(10);
    expect(loadConfig({ PRESENCE_OFFLINE_AFTER_S: '2' }).presenceOfflineAfterS).toBe(2);
    expect(problems({ PRESENCE_OFFLINE_AFTER_S: '1' }).join('\n')).toMatch(/PRESENCE_OFFLINE_AFTER_S must be an integer between 2 and/);
  });

  it('production refuses missing secrets and names each one', () => {
    const p = problems({ NODE_ENV: 'production' });
    expect(p.join('\n')).toMatch(/LIVEKIT_URL/);
    expect(p.join('\n')).toMatch(/SESSION_SECRET/);
  });

  it('production refuses the development defaults', () => {
    const p = problems({
      NODE_ENV: 'production',
      LIVEKIT_URL: 'wss://lk.example.com',
      LIVEKIT_API_KEY: 'devkey',
      LIVEKIT_API_SECRET: 'secret',
      SESSION_SECRET: DEV_SESSION_SECRET,
    });
    expect(p.some((x) => /dev defaults/.test(x))).toBe(true);
    expect(p.some((x) => /SESSION_SECRET must not be the development default/.test(x))).toBe(true);
  });

  it('each bad variable is named with what was wrong', () => {
    const p = problems({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DATABASE_POOL_SIZE: '0', TRANSFER_RING_TIMEOUT_S: '1', LIVEKIT_URL: 'ws://x', SESSION_SECRET: 'short' });
    const text = p.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'DATABASE_POOL_SIZE', 'TRANSFER_RING_TIMEOUT_S', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'SESSION_SECRET']) {
      expect(text).toContain(name);
    }
  });

  it('a complete production configuration is accepted', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      LIVEKIT_URL: 'wss://lk.example.com',
      LIVEKIT_API_KEY: 'APIabc123',
      LIVEKIT_API_SECRET: 'a-real-secret-value-from-the-dashboard',
      SESSION_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://u:p@db:5432/warmline',
    });
    expect(c.host).toBe('0.0.0.0');
    expect(c.livekit?.apiKey).toBe('APIabc123');
  });
});
