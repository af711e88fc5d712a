// The 20 ms pacer: deadline-based (no drift), and after a stall it runs at most maxCatchUp ticks
// back to back and skips the rest.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/phone/pacer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

/** Runs a pacer for `ms`, blocking the event loop for `stallMs` inside its 10th tick. */
async function run(maxCatchUp: number, ms: number, stallMs = 0) {
  const at: number[] = [];
  const p = new Pacer(20, () => {
    at.push(performance.now());
    if (at.length === 10 && stallMs) busy(stallMs);
  }, maxCatchUp);
  const t0 = performance.now();
  p.start();
  await sleep(ms);
  p.stop();
  const elapsed = performance.now() - t0;
  const bursts = at.slice(1).map((t, i) => t - at[i]!).filter((gap) => gap < 2).length; // ticks run back to back
  return { at, stats: p.stats(), elapsed, bursts };
}

describe('Pacer', () => {
  it('keeps the 20 ms grid: ticks plus skipped ticks match elapsed time, never more', async () => {
    const r = await run(3, 1000);
    const due = Math.floor(r.elapsed / 20);
    expect(r.stats.ticks + r.stats.skipped).toBeLessThanOrEqual(due);
    expect(r.stats.ticks + r.stats.skipped).toBeGreaterThanOrEqual(due - 2);
  });

  it('after a 100 ms stall runs at most maxCatchUp ticks back to back and skips the rest', async () => {
    const one = await run(1, 600, 100);
    expect(one.bursts).toBeLessThanOrEqual(1); // (a wake 19 ms late just before an on-time one looks like a pair)
    expect(one.stats.skipped).toBeGreaterThanOrEqual(4);
    const three = await run(3, 600, 100);
    expect(three.bursts).toBeGreaterThanOrEqual(2);
    expect(three.stats.skipped).toBeGreaterThanOrEqual(2);
  });

  it('stops: no tick after stop()', async () => {
    const at: number[] = [];
    const p = new Pacer(20, () => at.push(1));
    p.start();
    await sleep(100);
    p.stop();
    const n = at.length;
    await sleep(100);
    expect(at.length).toBe(n);
  });
});
