/**
 * Runs the built fbsync command (dist/bin/fbsync.js) as a child process, the way a user or a
 * cron job would, and captures everything it says.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FBSYNC_BIN = fileURLToPath(new URL('../../dist/bin/fbsync.js', import.meta.url));

let built: Promise<void> | undefined;
let scratch: string | undefined;

/** One temporary directory per mocha run, the working directory of every command run. */
export function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'fbsync-cli-'));
  return scratch;
}

/** Compiles lib/ and bin/ into dist/ once per mocha run, so the CLI specs never run a stale build. */
export function ensureBuilt(): Promise<void> {
  built ??= run('npx', ['tsc', '-p', '.'], { cwd: REPO_ROOT, env: process.env, timeoutMs: 120_000 }).then((r) => {
    if (r.status !== 0) throw new Error(`npx tsc -p . failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  });
  return built;
}

export interface CliResult {
  /** Exit code, or null when killed. */
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /**
   * Environment added to a clean one: FBSYNC_FROM, FBSYNC_TO and DEBUG of the mocha process are
   * never inherited, so each spec says exactly what the command sees.
   */
  env?: Record<string, string | undefined>;
  /** Kill the command after this long (it should never hang on a failure). Default 60 s. */
  timeoutMs?: number;
  /** The command's script: default this checkout's build, FBSYNC_BIN; or an installed package's. */
  bin?: string;
}

/** `node dist/bin/fbsync.js ...args` */
export function fbsync(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['FBSYNC_FROM', 'FBSYNC_TO', 'DEBUG', 'DEBUG_COLORS', 'FORCE_COLOR', 'NODE_OPTIONS']) delete env[name];
  Object.assign(env, options.env ?? {});
  // A scratch working directory, so files the command writes (reject files) never land in the repository.
  return run(process.execPath, [options.bin ?? FBSYNC_BIN, ...args], { cwd: scratchDir(), env, timeoutMs: options.timeoutMs ?? 60_000 });
}

export function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
