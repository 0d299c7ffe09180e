import { readFileSync } from 'node:fs';

/**
 * fbsync's own version, from its package.json: the one above this file (dist/bin/ in a build,
 * in a checkout or in node_modules/fbsync; bin/ when run from source). Not yargs' `.version()`
 * guess, which reads the package.json nearest the working directory: in a project that
 * installed fbsync, that project's.
 */
export function fbsyncVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'fbsync' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next one up
    }
  }
  return 'unknown';
}
