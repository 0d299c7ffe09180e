import { spawnSync } from 'node:child_process';
import { MYSQL_BASE } from './databases.js';

/** Runs a script with the mariadb command-line client over TCP, as the specs' MySQL user would by hand. */
export function mariadb(database: string, script: string): void {
  const uri = new URL(MYSQL_BASE);
  const args = ['-h', uri.hostname, '-P', uri.port || '3306', '-u', decodeURIComponent(uri.username), `-p${decodeURIComponent(uri.password)}`, '--default-character-set=utf8mb4', database];
  const run = spawnSync('mariadb', args, { input: script, encoding: 'utf8', timeout: 60_000 });
  if (run.error || run.status !== 0) throw new Error(`mariadb failed (exit ${run.status}): ${run.error?.message ?? ''}${run.stderr}`);
}
