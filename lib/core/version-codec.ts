import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeKey, encodeKeyParts } from './key-json.js';
import type { VersionList } from './version-list.js';

/**
 * How the notes of one page are stored (fbsync_row_versions.entries). Two forms, told apart by
 * the first byte:
 *
 * - compact, for the common case of a single integer key: a marker byte, the row count, then
 *   per row the key's difference from the row before and the version's, as zigzag varints.
 *   Keys run in order and neighbours often share a version, so a row takes 2-5 bytes; a
 *   re-sync reads and writes every page's notes, and this form costs node a fraction of the
 *   other's JSON and gzip (and their garbage);
 * - gzip(JSON) for every other key (text, BIGINT strings, composite, binary), keys in the
 *   checkpoint's JSON form. gzip's first byte is 0x1f, never the compact marker, so notes
 *   written in either form by any version of fbsync read back.
 */
const COMPACT = 0x01;

/** Versions are transaction numbers in canonical decimal, exact as doubles (Firebird 3: below 2^48). */
const VERSION_TEXT = /^(?:0|[1-9][0-9]{0,14})$/;

export function encodeList(list: VersionList): Buffer {
  return encodeCompact(list) ?? gzipSync(JSON.stringify({ keys: list.keys.map(encodeKeyParts), versions: list.versions }), { level: 1 });
}

export function decodeList(entries: Buffer): VersionList {
  if (entries[0] === COMPACT) return decodeCompact(entries);
  const parsed = JSON.parse(gunzipSync(entries).toString('utf8')) as { keys: unknown[][]; versions: string[] };
  return { keys: parsed.keys.map((k) => decodeKey(k)), versions: parsed.versions };
}

/** The compact form, or undefined if a key is not one safe integer or a version not canonical. */
function encodeCompact(list: VersionList): Buffer | undefined {
  const n = list.keys.length;
  // Each varint of a value below 2^53 takes at most 8 bytes.
  const out = Buffer.allocUnsafe(1 + 8 + n * 16);
  out[0] = COMPACT;
  let at = writeVarint(out, 1, n);
  let key = 0;
  let version = 0;
  for (let i = 0; i < n; i++) {
    const k = list.keys[i]!;
    const text = list.versions[i]!;
    if (k.length !== 1 || typeof k[0] !== 'number' || !Number.isSafeInteger(k[0]) || !VERSION_TEXT.test(text)) return undefined;
    const v = Number(text);
    const dk = k[0] - key;
    const dv = v - version;
    // Differences of values within ±2^53 can leave the safe range: then the general form.
    if (!Number.isSafeInteger(2 * dk) || !Number.isSafeInteger(2 * dv)) return undefined;
    at = writeVarint(out, at, zigzag(dk));
    at = writeVarint(out, at, zigzag(dv));
    key = k[0];
    version = v;
  }
  return Buffer.from(out.subarray(0, at));
}

function decodeCompact(entries: Buffer): VersionList {
  const list: VersionList = { keys: [], versions: [] };
  const at = { pos: 1 };
  const n = readVarint(entries, at);
  let key = 0;
  let version = 0;
  for (let i = 0; i < n; i++) {
    key += unzigzag(readVarint(entries, at));
    version += unzigzag(readVarint(entries, at));
    list.keys.push([key]);
    list.versions.push(String(version));
  }
  if (at.pos !== entries.length) throw new Error(`version notes: ${entries.length - at.pos} bytes left over after ${n} rows`);
  return list;
}

// Arithmetic rather than bit operations throughout: these values exceed 32 bits.
function zigzag(d: number): number {
  return d >= 0 ? 2 * d : -2 * d - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

function writeVarint(out: Buffer, at: number, value: number): number {
  while (value >= 128) {
    out[at++] = (value % 128) | 128;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

function readVarint(from: Buffer, at: { pos: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (at.pos >= from.length) throw new Error('version notes: cut short');
    const byte = from[at.pos++]!;
    value += (byte & 127) * scale;
    if (byte < 128) return value;
    scale *= 128;
  }
}
