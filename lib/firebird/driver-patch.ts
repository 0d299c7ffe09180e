import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Whether the node-firebird fbsync runs on carries fbsync's speed patch
 * (scripts/patch-node-firebird.mjs, docs/driver-patch.md). The published package ships the
 * patched driver inside it, so this only says no when something replaced it: a package manager
 * that does not honour bundled dependencies (Yarn's Plug'n'Play), an override or resolution, a development
 * checkout installed with `--ignore-scripts`. fbsync then works, only slower, and says so once a
 * run rather than slowing down without a word.
 */

/** The node-firebird version the patch is written for; package.json pins exactly this one. */
export const PATCHED_DRIVER_VERSION = '2.17.1';

export interface DriverPatchStatus {
  /** node-firebird's folder. */
  folder: string;
  /** Its version, as its package.json says (none when that cannot be read). */
  version?: string;
  /** True when every file the patch edits is the patched one, as loaded in this process. */
  patched: boolean;
  /** When not patched: one line saying so, what it costs and how to fix it. */
  warning?: string;
}

let resolved: DriverPatchStatus | undefined;

/**
 * The status of the node-firebird fbsync's own modules import (computed once a process), or of
 * the copy in `folder`. The check looks at the driver's modules as loaded, not at its files: a
 * mark of the patch in each of the three files it edits.
 */
export function driverPatchStatus(folder?: string): DriverPatchStatus {
  if (folder !== undefined) return statusOf(folder, true);
  resolved ??= statusOf(driverFolder(), false);
  return resolved;
}

/** The warnings a run reports about the driver: none, or the one line of `driverPatchStatus`. */
export function driverWarnings(): string[] {
  const { warning } = driverPatchStatus();
  return warning === undefined ? [] : [warning];
}

function statusOf(folder: string, named: boolean): DriverPatchStatus {
  let version: string | undefined;
  try {
    // Not named `require`: these paths are the driver's, and import checkers would take them for this file's.
    const fromDriver = createRequire(join(folder, 'package.json'));
    version = (fromDriver('./package.json') as { version: string }).version;
    const where = `node-firebird ${version} (${folder})`;
    const { script, page } = fbsyncFiles();
    if (version !== PATCHED_DRIVER_VERSION) {
      const warning =
        `${where} is not ${PATCHED_DRIVER_VERSION}, the version fbsync's speed patch is for, so fbsync reads without it, ` +
        `at about twice node's CPU per row; give fbsync node-firebird ${PATCHED_DRIVER_VERSION} (an override or resolution may have replaced it; see ${page})`;
      return { folder, version, patched: false, warning };
    }
    if (carriesPatch(fromDriver)) return { folder, version, patched: true };
    // Yarn's Plug'n'Play ignores the driver fbsync carries and keeps packages in read-only zips.
    const fix =
      process.versions.pnp === undefined
        ? `fix: node ${script}${named ? ` --driver ${folder}` : ''} (see ${page})`
        : `under Yarn Plug'n'Play, fix: give node-firebird the patch in ${page} as a patch: resolution`;
    const warning = `${where} lacks fbsync's speed patch, so fbsync reads at about twice node's CPU per row and about one Firebird 3 user in 16 cannot log in; ${fix}`;
    return { folder, version, patched: false, warning };
  } catch (err) {
    // A bundler that inlined the driver, a folder that is not one: the check must never stop a run.
    const warning = `cannot tell whether node-firebird (${folder}) carries fbsync's speed patch (${String((err as Error).message).split('\n')[0]}); without it fbsync reads at about twice node's CPU per row`;
    return { folder, version, patched: false, warning };
  }
}

/** node-firebird's folder as fbsync resolves it (its package.json is exported). */
function driverFolder(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('node-firebird/package.json'));
  } catch {
    return 'node-firebird';
  }
}

/**
 * The marks: a function the patch adds, its comment in each class it edits, and the login fix,
 * which sits in a function the module does not export (so its file is read).
 */
function carriesPatch(fromDriver: NodeJS.Require): boolean {
  const mark = 'fbsync speed patch';
  const connection = fromDriver('./lib/wire/connection.js') as { fbsyncFetchReplyIncomplete?: unknown };
  const serialize = fromDriver('./lib/wire/serialize.js') as { XdrReader: object; BlrReader: { prototype: { readSegment: object } } };
  const socket = fromDriver('./lib/wire/socket.js') as { Arc4: { prototype: { transform: object } } };
  return (
    typeof connection.fbsyncFetchReplyIncomplete === 'function' &&
    String(serialize.XdrReader).includes(mark) &&
    // An older patch gathered the segments but still stopped at an empty one (long transliterated text BLOBs cut short).
    String(serialize.BlrReader.prototype.readSegment).includes('empty segment passed over') &&
    String(socket.Arc4.prototype.transform).includes(mark) &&
    readFileSync(fromDriver.resolve('./lib/wire/connection.js'), 'utf8').includes('fbsync patch: no padding before the key')
  );
}

/** fbsync's own files: its patch script and the page about the patch, found upward from here (lib/ or dist/lib/). */
function fbsyncFiles(): { script: string; page: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    const script = join(dir, 'scripts', 'patch-node-firebird.mjs');
    if (existsSync(script)) return { script, page: join(dir, 'docs', 'driver-patch.md') };
  }
  return { script: 'node_modules/fbsync/scripts/patch-node-firebird.mjs', page: "fbsync's docs/driver-patch.md" };
}
