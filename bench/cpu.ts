/**
 * CPU time spent during a run, read from /proc before and after it: by the database servers,
 * and by the whole machine. With the child's own CPU time (from GNU time) this shows where a
 * row's time goes (fbsync's process, Firebird or MySQL), and how much went to unrelated work
 * that disturbed the run ("other"). On a 2-core machine a total near 2 × elapsed means the row
 * is CPU-bound and every process competes with the others. Other clients of the same servers
 * during the run are counted as server time; they are noise too.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Process names (/proc/<pid>/comm) of each server, SuperServer and Classic alike. */
const SERVERS = {
  firebird: new Set(['firebird', 'fb_smp_server', 'fbserver', 'fb_inet_server']),
  mysql: new Set(['mariadbd', 'mysqld']),
};

export interface CpuSnapshot {
  firebirdMs: number;
  mysqlMs: number;
  /** Busy time of all CPUs together (everything but idle and iowait). */
  machineMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux the bench targets

export async function cpuSnapshot(): Promise<CpuSnapshot | undefined> {
  let pids: string[];
  let machineMs: number;
  try {
    pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
    // "cpu  user nice system idle iowait irq softirq steal …" in ticks.
    const [user, nice, system, , , irq, softirq, steal] = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    machineMs = (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * TICK_MS;
  } catch {
    return undefined; // not Linux
  }
  const total: CpuSnapshot = { firebirdMs: 0, mysqlMs: 0, machineMs };
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        const open = stat.indexOf('(');
        const close = stat.lastIndexOf(')');
        const comm = stat.slice(open + 1, close);
        const which = SERVERS.firebird.has(comm) ? 'firebirdMs' : SERVERS.mysql.has(comm) ? 'mysqlMs' : undefined;
        if (!which) return;
        // Fields after "(comm)": state is field 3, utime 14 and stime 15 (man 5 proc).
        const fields = stat.slice(close + 2).split(' ');
        total[which] += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      } catch {
        /* the process ended meanwhile */
      }
    }),
  );
  return total;
}

export function cpuDelta(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined): CpuSnapshot | undefined {
  if (!before || !after) return undefined;
  return { firebirdMs: after.firebirdMs - before.firebirdMs, mysqlMs: after.mysqlMs - before.mysqlMs, machineMs: after.machineMs - before.machineMs };
}
