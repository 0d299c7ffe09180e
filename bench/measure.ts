/**
 * Runs one measured command in a child process of its own and reports its wall time and peak
 * resident set size. Every bench row runs this way, so each row's peak RSS belongs to that row
 * alone and not to whatever ran before it in the same process.
 *
 * Peak RSS comes from the kernel: GNU time's %M is the ru_maxrss that wait4() returns for the
 * child, exact whenever the process peaked (and %U %S its CPU time). Without GNU time, /proc/<pid>/status is polled for
 * VmHWM (the kernel's own high-water mark) until the process exits; that can only miss a peak
 * reached in its last polling interval.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RssMethod = 'gnu-time' | 'proc-vmhwm';

export interface Measurement {
  /** Exit code, or null when the process was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Spawn to exit, as seen by the bench (includes process start-up). */
  wallMs: number;
  /** Peak resident set size of the child, in KiB; undefined if it could not be measured. */
  peakRssKb: number | undefined;
  /** User + system CPU time of the child (GNU time only). */
  cpuMs: number | undefined;
  rssMethod: RssMethod;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

const GNU_TIME = '/usr/bin/time';
let gnuTimeWorks: boolean | undefined;

/** How peak RSS will be measured on this machine. */
export function rssMethod(): RssMethod {
  if (gnuTimeWorks === undefined) {
    // BusyBox and BSD `time` exist too; only accept one that prints a bare %M figure.
    const probe = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
    gnuTimeWorks = probe.status === 0 && /^\d+\s*$/.test(probe.stderr ?? '');
  }
  return gnuTimeWorks ? 'gnu-time' : 'proc-vmhwm';
}

/** Process groups of running children, killed if the bench itself is interrupted. */
const running = new Set<number>();
let signalsHooked = false;

function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const pgid of running) killGroup(pgid);
      process.exit(130);
    });
  }
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export async function measure(command: string, args: readonly string[], options: MeasureOptions): Promise<Measurement> {
  hookSignals();
  const method = rssMethod();
  const tmp = method === 'gnu-time' ? mkdtempSync(join(tmpdir(), 'fbsync-bench-')) : undefined;
  const rssFile = tmp && join(tmp, 'rss');
  const [file, argv] = rssFile ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, [...args]];

  const started = performance.now();
  // A process group of its own, so a timeout can kill the command and not just GNU time.
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = child.pid!;
  running.add(pgid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));

  let polledKb: number | undefined;
  const poll =
    method === 'proc-vmhwm'
      ? setInterval(() => {
          // VmHWM only grows, so the largest reading is the latest, whatever order reads finish in.
          void readHwm(pgid).then((kb) => {
            if (kb !== undefined) polledKb = Math.max(polledKb ?? 0, kb);
          });
        }, 50)
      : undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pgid);
  }, options.timeoutMs);

  try {
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, sig) => resolve([code, sig]));
    });
    const wallMs = performance.now() - started;
    let peakRssKb = polledKb;
    let cpuMs: number | undefined;
    if (rssFile) {
      // GNU time writes "Command exited with non-zero status N" before the figures on failure.
      const figures = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '');
      peakRssKb = figures ? Number(figures[1]) : undefined;
      cpuMs = figures ? (Number(figures[2]) + Number(figures[3])) * 1000 : undefined;
    }
    return {
      exitCode,
      signal,
      timedOut,
      wallMs,
      peakRssKb,
      cpuMs,
      rssMethod: method,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    };
  } finally {
    clearTimeout(timer);
    if (poll) clearInterval(poll);
    running.delete(pgid);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

async function readHwm(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
