/**
 * fbsync and node-firebird as a user's project gets them: fbsync packed from this checkout and
 * installed from the tarball into a new project, and node-firebird as npm publishes it (without
 * fbsync's patch). Through npm itself, which takes both from its cache once it has them.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATCHED_DRIVER_VERSION } from '../../lib/firebird/driver-patch.js';
import { REPO_ROOT, ensureBuilt, run } from './cli.js';

const made: string[] = [];

/** A new temporary directory, removed by `removeTemporary()`. */
export function temporary(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTemporary(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

async function npm(args: string[], cwd: string): Promise<string> {
  const r = await run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { cwd, env: process.env, timeoutMs: 120_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function tarball(dir: string): string {
  const name = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!name) throw new Error(`npm pack left no tarball in ${dir}`);
  return join(dir, name);
}

/** node-firebird as published, in a folder of its own: the version fbsync pins, unless another is named. */
export async function pristineDriver(version = PATCHED_DRIVER_VERSION): Promise<string> {
  const dir = temporary('fbsync-pristine-');
  await npm(['pack', `node-firebird@${PATCHED_DRIVER_VERSION}`, '--pack-destination', dir], dir);
  const untar = await run('tar', ['xzf', tarball(dir), '-C', dir], { cwd: dir, env: process.env, timeoutMs: 60_000 });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  const folder = join(dir, 'package');
  if (version !== PATCHED_DRIVER_VERSION) {
    // Another version, as far as its package.json goes; the files are 2.17.1's.
    const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string };
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
  }
  return folder;
}

/**
 * A new project with fbsync installed from a tarball of this checkout (built first) by
 * `npm install --ignore-scripts`: no script of any package runs. Returns the project's folder.
 */
export async function installedFbsync(): Promise<string> {
  await ensureBuilt();
  const packed = temporary('fbsync-packed-');
  // --ignore-scripts: the tarball holds what this checkout holds, the build just made and the driver as installed here.
  await npm(['pack', '--ignore-scripts', '--pack-destination', packed], REPO_ROOT);
  const project = temporary('fbsync-project-');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-fbsync', version: '1.0.0', private: true }));
  await npm(['install', '--ignore-scripts', tarball(packed)], project);
  return project;
}

/** Puts a copy of the driver in `from` where fbsync, installed in `project`, finds its own. */
export function replaceBundledDriver(project: string, from: string): void {
  const bundled = join(project, 'node_modules', 'fbsync', 'node_modules', 'node-firebird');
  rmSync(bundled, { recursive: true, force: true });
  cpSync(from, bundled, { recursive: true });
}
