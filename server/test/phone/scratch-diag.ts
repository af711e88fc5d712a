process.env.NODE_ENV = 'production';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { startHarness, sleep } from './harness.js';
const N = Number(process.env.N ?? 10);
const h = await startHarness({ log: pino({ level: 'warn' }) });
const legs = [];
for (let i = 0; i < N / 2; i++) {
  legs.push(await h.openPhone({ room: `r${i}`, identity: `a${i}`, mode: 'live', hz: 440 }));
  legs.push(await h.openPhone({ room: `r${i}`, identity: `b${i}`, mode: 'live', hz: 660 }));
}
await sleep(3000);
const c0 = process.cpuUsage(); const t0 = performance.now();
const u0 = legs.map((l) => l.client.underruns);
const buf = [];
for (let k = 0; k < 10; k++) { await sleep(1000); buf.push(legs.map((l) => l.client.bufferedBytes / 8)); }
const c = process.cpuUsage(c0); const wall = performance.now() - t0;
console.log('N', N, 'cpu %', ((c.user + c.system) / 1000 / wall * 100).toFixed(1));
console.log('underruns', legs.map((l, i) => l.client.underruns - u0[i]!));
console.log('buffered ms per second', buf.map((b) => Math.max(...b)));
console.log(JSON.stringify(legs[0]!.bridge.stats()));
for (const l of legs) await l.client.hangUp();
await h.stop();
process.exit(0);
