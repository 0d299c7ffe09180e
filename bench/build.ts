/**
 * The bench runs the real command, dist/bin/fbsync.js, so it must not time a stale build:
 * dist is rebuilt when it is missing or older than any source it is compiled from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureBuilt(root: string, log: (line: string) => void): void {
  const bin = join(root, 'dist', 'bin', 'fbsync.js');
  const built = existsSync(bin) ? statSync(bin).mtimeMs : 0;
  const newest = Math.max(newestMtime(join(root, 'lib')), newestMtime(join(root, 'bin')), statSync(join(root, 'tsconfig.json')).mtimeMs);
  if (built >= newest) return;
  log(built ? 'dist/ is older than lib/: rebuilding (npx tsc -p .)' : 'dist/ is missing: building (npx tsc -p .)');
  const r = spawnSync('npx', ['tsc', '-p', '.'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npx tsc -p . failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Which code the figures belong to: the commit, and whether lib/ or bin/ had uncommitted edits. */
export function sourceState(root: string): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  const status = git('status', '--porcelain', '--', 'lib', 'bin');
  return { commit: head.status === 0 ? head.stdout.trim() : 'unknown', dirty: status.status === 0 && status.stdout.trim() !== '' };
}

/** Whether node-firebird carries fbsync's speed patch (docs/driver-patch.md): it moves row 1 as much as rows 4-7. */
export function driverState(root: string): string {
  const check = spawnSync(process.execPath, [join(root, 'scripts', 'patch-node-firebird.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
  return check.status === 0 ? 'speed patch applied' : `NOT patched: ${check.stderr.trim().replace(/^fbsync: /, '')}`;
}
