// The mark-based estimate of Twilio's buffer: the floor from probe round trips, depth from echoes,
// void marks after a clear, and frames skipped only when a window stayed well above the floor.
import { describe, expect, it } from 'vitest';
import { PlayoutDepth } from '../../src/phone/playout-depth.js';

type Item = 'audio' | { mark: string };

/**
 * A Twilio stand-in driven tick by tick (20 ms): the wire delays what is sent by `oneWay` ticks
 * each way; Twilio plays one frame per tick and echoes a mark once the audio before it has
 * played, or at once when nothing is buffered.
 */
function simulate(depth: PlayoutDepth, o: { ticks: number; burst?: number; oneWay?: number; probeFirst?: boolean }) {
  const oneWay = o.oneWay ?? 0;
  const fifo: Item[] = [];
  const forward: Item[][] = Array.from({ length: oneWay }, () => []);
  const back: string[][] = Array.from({ length: oneWay }, () => []);
  let skipped = 0;
  for (let t = 0; t < o.ticks; t++) {
    const now = t * 20;
    const out: Item[] = [];
    if (t === 0 && o.probeFirst) out.push({ mark: depth.probe(now) });
    // At tick 100 a stall ends with a catch-up burst: `burst` extra frames go out at once.
    if (t === 100) for (let k = 0; k < (o.burst ?? 0); k++) out.push('audio');
    if (depth.takeSkip()) skipped++;
    else {
      out.push('audio');
      const m = depth.afterSend();
      if (m) out.push({ mark: m });
    }
    forward.push(out);
    const echoes: string[] = [];
    for (const item of forward.shift()!) {
      if (item !== 'audio' && fifo.length === 0) echoes.push(item.mark);
      else fifo.push(item);
    }
    const playing = fifo.shift(); // one frame of playout
    if (playing && playing !== 'audio') echoes.push(playing.mark);
    while (fifo.length && fifo[0] !== 'audio') echoes.push((fifo.shift() as { mark: string }).mark);
    back.push(echoes);
    for (const name of back.shift()!) depth.echoed(name, now);
  }
  return { skipped, buffered: fifo.filter((x) => x === 'audio').length };
}

describe('PlayoutDepth', () => {
  it('marks every 10 frames and measures the frames sent since the echoed mark', () => {
    const d = new PlayoutDepth();
    const names: string[] = [];
    for (let i = 0; i < 20; i++) {
      const m = d.afterSend();
      if (m) names.push(m);
    }
    expect(names).toEqual(['wl-1', 'wl-2']);
    d.echoed('wl-1', 0);
    expect(d.stats().depthFrames).toBe(10);
    d.echoed('other-label', 0);
    d.echoed('wl-1', 0); // already used
    expect(d.stats().echoes).toBe(1);
  });

  it('measures the round trip from a probe sent with nothing buffered', () => {
    const d = new PlayoutDepth();
    d.echoed(d.probe(1000), 1060);
    expect(d.stats()).toMatchObject({ roundTripMs: 60, floorFrames: 3 });
  });

  it('ignores the echoes a clear provokes', () => {
    const d = new PlayoutDepth();
    for (let i = 0; i < 30; i++) d.afterSend();
    d.cleared();
    d.echoed('wl-1', 0);
    d.echoed('wl-3', 0);
    expect(d.stats().echoes).toBe(0);
  });

  it('drains a backlog left by a burst down to about one frame, then leaves it alone', () => {
    const d = new PlayoutDepth();
    const r = simulate(d, { ticks: 1500, burst: 6, probeFirst: true }); // 120 ms more queued after a stall
    expect(r.buffered).toBeLessThanOrEqual(1);
    const before = d.stats().framesSkipped;
    expect(before).toBeGreaterThanOrEqual(5);
    simulate(d, { ticks: 1500 });
    expect(d.stats().framesSkipped).toBe(before);
  });

  it('takes network delay for what it is (round trip), not for a backlog', () => {
    const d = new PlayoutDepth();
    const r = simulate(d, { ticks: 3000, oneWay: 3, probeFirst: true });
    expect(r.skipped).toBe(0);
    expect(d.stats().roundTripMs).toBe(120);
    const backlogged = new PlayoutDepth();
    const b = simulate(backlogged, { ticks: 3000, oneWay: 3, burst: 5, probeFirst: true });
    expect(b.buffered).toBeLessThanOrEqual(1);
  });
});
