import { compareKeys } from './keyset.js';
import type { Key } from './table.js';
import type { ValueKind } from './values.js';

/**
 * Firebird's record versions (RDB$RECORD_VERSION: the number of the transaction that wrote the
 * row's current version) of a run of rows, in key order. A row that changed in any way since a
 * version was noted has a different number, since every update or re-insert is a new
 * transaction's record version, and transaction numbers never repeat in a database.
 */
export interface VersionList {
  keys: Key[];
  versions: string[];
}

export function emptyVersionList(): VersionList {
  return { keys: [], versions: [] };
}

/** What the notes of the last run say about the rows of one source page. */
export interface VersionVerdict {
  /** Keys whose rows must be read and compared: new, or written since the last run. */
  changed: Key[];
  /** Keys the last run saw in this page's range that the source no longer has. */
  gone: Key[];
  /** Rows with the version the last run copied: known to be unchanged. */
  same: number;
}

/**
 * Merges a page's versions with the ones noted by the last run for the same key range; both
 * lists in key order (the order the source reads in, which `compareKeys` follows).
 */
export function compareVersions(kinds: readonly ValueKind[], now: VersionList, noted: VersionList): VersionVerdict {
  const verdict: VersionVerdict = { changed: [], gone: [], same: 0 };
  let i = 0;
  let j = 0;
  while (i < now.keys.length || j < noted.keys.length) {
    const c = i >= now.keys.length ? 1 : j >= noted.keys.length ? -1 : compareKeys(kinds, now.keys[i]!, noted.keys[j]!);
    if (c < 0) verdict.changed.push(now.keys[i++]!);
    else if (c > 0) verdict.gone.push(noted.keys[j++]!);
    else {
      if (now.versions[i] === noted.versions[j]) verdict.same++;
      else verdict.changed.push(now.keys[i]!);
      i++;
      j++;
    }
  }
  return verdict;
}

/** The notes of one completed run. */
export interface VersionSet {
  generation: string;
  /** What the notes hold for: source database, columns and how they are read (see versionFingerprint). */
  fingerprint: string;
  /** Rows the target table held when the run ended: fewer or more now means someone else wrote. */
  targetRows: number;
  /**
   * Keys the notes hold (null in notes that did not count them). Fewer than `targetRows` means
   * the target keeps rows the source had lost (a run without delete leaves them), which a run
   * with delete can find only by comparing every row: the notes do not name them.
   */
  notedRows: number | null;
}

/** Loads the stored page of notes after `afterSeq` (-1: the first), or undefined past the last. */
export type NotesLoader = (afterSeq: number) => Promise<{ seq: number; list: VersionList } | undefined>;
