// WRAP_UP_TIMEOUT_S and DISPOSITIONS: defaults, a custom list, and every bad value named.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_DISPOSITIONS } from '../../src/config-wrap-up.js';

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });
const problems = (env: Record<string, string>) => {
  try {
    load(env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

describe('wrap-up configuration', () => {
  it('defaults to 60 s and the default dispositions; 0 turns wrap-up off', () => {
    expect(load({}).wrapUp).toEqual({ timeoutS: 60, dispositions: DEFAULT_DISPOSITIONS });
    expect(load({ WRAP_UP_TIMEOUT_S: '0' }).wrapUp.timeoutS).toBe(0);
  });

  it('takes a comma-separated list, trimmed, empty entries dropped', () => {
    expect(load({ DISPOSITIONS: ' Solved , Callback,, Spam ' }).wrapUp.dispositions).toEqual(['Solved', 'Callback', 'Spam']);
  });

  it('names every bad value', () => {
    expect(problems({ WRAP_UP_TIMEOUT_S: '-1' }).join()).toMatch(/WRAP_UP_TIMEOUT_S/);
    expect(problems({ WRAP_UP_TIMEOUT_S: '3601' }).join()).toMatch(/WRAP_UP_TIMEOUT_S/);
    expect(problems({ DISPOSITIONS: 'Solved, solved' }).join()).toMatch(/"solved" is listed twice/);
    expect(problems({ DISPOSITIONS: 'x'.repeat(61) }).join()).toMatch(/at most 60 characters/);
    expect(problems({ DISPOSITIONS: ',,' }).join()).toMatch(/1 to 30 names/);
  });
});
