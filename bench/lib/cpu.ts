// CPU time of processes (Linux /proc), to report who was busy during a load phase:
// the API process, its livekit-server, Postgres, and the benchmark process itself.
import fs from 'node:fs';
import os from 'node:os';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid: number): { comm: string; ppid: number; cpuMs: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { comm, ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
  } catch {
    return null;
  }
}

function allPids(): number[] {
  try {
    return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
}

/** CPU ms per group: api (pid), livekit (its descendants named server/livekit-server), postgres, bench (this process). */
export function cpuGroups(apiPid: number): Record<'api' | 'livekit' | 'postgres' | 'bench', number> {
  const stats = new Map<number, NonNullable<ReturnType<typeof stat>>>();
  for (const pid of allPids()) {
    const s = stat(pid);
    if (s) stats.set(pid, s);
  }
  const descendsFrom = (pid: number, root: number) => {
    for (let p = pid, guard = 0; p > 1 && guard < 50; guard++) {
      if (p === root) return true;
      p = stats.get(p)?.ppid ?? 0;
    }
    return false;
  };
  const out = { api: 0, livekit: 0, postgres: 0, bench: 0 };
  for (const [pid, s] of stats) {
    if (pid === apiPid) out.api += s.cpuMs;
    else if (pid === process.pid) out.bench += s.cpuMs;
    else if (s.comm === 'postgres') out.postgres += s.cpuMs;
    else if ((s.comm === 'server' || s.comm === 'livekit-server') && descendsFrom(pid, apiPid)) out.livekit += s.cpuMs;
  }
  return out;
}

export function machineSample() {
  return os.cpus().map((c) => ({ ...c.times }));
}

/** Whole-machine busy fraction between two os.cpus() samples. */
export function machineBusy(a: ReturnType<typeof machineSample>, b: ReturnType<typeof machineSample>): number {
  let busy = 0;
  let total = 0;
  b.forEach((t, i) => {
    const p = a[i]!;
    const d = { user: t.user - p.user, nice: t.nice - p.nice, sys: t.sys - p.sys, idle: t.idle - p.idle, irq: t.irq - p.irq };
    busy += d.user + d.nice + d.sys + d.irq;
    total += d.user + d.nice + d.sys + d.irq + d.idle;
  });
  return total > 0 ? busy / total : 0;
}
