/**
 * How each Firebird field type is read exactly: the select expression (CASTs for temporal and
 * small scaled types, text read as bytes), the kind and shape of its values, and what cannot
 * be copied faithfully. lib/firebird/metadata.ts reads the catalog and hands each field here.
 */
import { STORAGE_DIGITS, type ValueShape } from '../core/shape.js';
import type { ValueKind } from '../core/values.js';
import type { ColumnRead } from '../core/column-read.js';
import { isSingleByteCharset } from './single-byte.js';

/** A Firebird column as the system tables describe it, plus how fbsync will read it (ColumnRead). */
export interface FirebirdColumn extends ColumnRead {
  name: string;
  /** Declared type in Firebird's words, e.g. `NUMERIC(15,3)` or `VARCHAR(100) CHARACTER SET WIN1252`. */
  type: string;
  /** undefined when fbsync cannot copy the column faithfully; `unsupported` says why. */
  kind?: ValueKind;
  /** Which values the column holds as fbsync reads them; undefined exactly when `kind` is. */
  shape?: ValueShape;
  unsupported?: string;
  nullable: boolean;
  /** COMPUTED BY: read (and copied) as the value the server computes. */
  computed: boolean;
  /** The domain the column is typed by, if it is not one of Firebird's implicit RDB$ domains. */
  domain?: string;
  /**
   * How a key value is passed when compared with the column (keyset paging, reads by key): `?`,
   * or a CAST of it when `select` reinterprets the column (CHARACTER SET NONE read as a chosen
   * character set, temporal values read as their text).
   */
  param: string;
  charset?: string;
  length?: number;
  precision?: number;
  scale?: number;
}

/** A column's row in the catalog (RDB$RELATION_FIELDS, RDB$FIELDS, RDB$CHARACTER_SETS). */
export interface FieldRow {
  NAME: string;
  DOMAIN: string;
  FTYPE: number;
  SUBTYPE: number | null;
  FLEN: number | null;
  CLEN: number | null;
  FPREC: number | null;
  FSCALE: number | null;
  CHARSET: string | null;
  CSBYTES: number | null;
  DIMS: number | null;
  COMPUTED: number;
  NOTNULL: number;
}

/**
 * Character sets whose text columns carry bytes rather than characters: OCTETS by definition,
 * NONE because nothing says which encoding its bytes are in. Read plainly over the UTF8
 * connection, every byte that is not valid UTF-8 would be garbled, so they never are.
 */
const BYTE_CHARSETS = new Set(['NONE', 'OCTETS']);

/** How fbsync reads a column of field type `f`; `quoted`: its name as SQL. */
export function toColumn(f: FieldRow, context: { quoted: string; noneAs: string | undefined; bounds: string | undefined }): FirebirdColumn {
  const q = context.quoted;
  const scale = f.FSCALE ?? 0;
  const sub = f.SUBTYPE ?? 0;
  // A text field without a character set is in NONE, the default of databases created without one.
  const charset = f.CHARSET ?? (f.FTYPE === 14 || f.FTYPE === 37 || (f.FTYPE === 261 && sub === 1) ? 'NONE' : undefined);
  const base = {
    name: f.NAME,
    nullable: f.NOTNULL === 0,
    computed: f.COMPUTED === 1,
    domain: /^RDB\$/.test(f.DOMAIN) ? undefined : f.DOMAIN,
    select: q,
    param: '?',
    padded: false,
    blob: false,
    charset,
  };
  // RDB$CHARACTER_LENGTH is missing for some fields (computed ones); the byte length then says it.
  const chars = f.CLEN ?? Math.floor((f.FLEN ?? 0) / Math.max(1, f.CSBYTES ?? 1));
  const withCharset = (t: string) => (charset ? `${t} CHARACTER SET ${charset}` : t);
  const dims = f.DIMS ?? 0;
  if (dims > 0) {
    const element = toColumn({ ...f, DIMS: 0 }, context).type;
    return {
      ...base,
      type: `ARRAY${context.bounds ?? `[${dims} dimensions]`} OF ${element}`,
      unsupported: 'ARRAY columns cannot be read through node-firebird (it returns NULL for them)',
    };
  }
  switch (f.FTYPE) {
    case 7:
    case 8:
    case 16: {
      const storage = f.FTYPE === 7 ? 'SMALLINT' : f.FTYPE === 8 ? 'INTEGER' : 'BIGINT';
      if (scale < 0 || sub === 1 || sub === 2) {
        const digits = STORAGE_DIGITS[storage];
        const precision = f.FPREC || digits - 1;
        const type = `${sub === 2 ? 'DECIMAL' : 'NUMERIC'}(${precision},${-scale})`;
        // Only INT64-backed values arrive as exact strings; widen the small ones on the server.
        const select = f.FTYPE === 16 ? q : `CAST(${q} AS NUMERIC(18,${-scale}))`;
        const shape: ValueShape = { kind: 'decimal', precision, scale: -scale, digits };
        return { ...base, type, kind: 'decimal', shape, select, precision, scale: -scale };
      }
      if (f.FTYPE === 16) return { ...base, type: storage, kind: 'bigint', shape: { kind: 'bigint' } };
      return { ...base, type: storage, kind: 'integer', shape: { kind: 'integer', bits: f.FTYPE === 7 ? 16 : 32 } };
    }
    case 10:
      return { ...base, type: 'FLOAT', kind: 'float', shape: { kind: 'float' } };
    case 27:
      return { ...base, type: 'DOUBLE PRECISION', kind: 'double', shape: { kind: 'double' } };
    case 23:
      return { ...base, type: 'BOOLEAN', kind: 'boolean', shape: { kind: 'boolean' } };
    // node-firebird turns temporal values into JS Dates in the process's time zone, which
    // shifts or loses wall-clock times (DST gaps, LMT offsets). The server's own text form is
    // exact, both ways: a key goes back as that text, which the server reads. Passed to a
    // temporal parameter, the driver would parse it into a Date, dropping the fraction of a
    // second (and shifting times a DST gap skips), so that a page ending at 10:00:00.5 would be
    // followed by the rows after 10:00:00, itself included, for ever.
    case 12:
      return { ...base, type: 'DATE', kind: 'date', shape: { kind: 'date' }, select: `CAST(${q} AS VARCHAR(10))`, param: 'CAST(CAST(? AS VARCHAR(10)) AS DATE)' };
    case 13:
      return { ...base, type: 'TIME', kind: 'time', shape: { kind: 'time' }, select: `CAST(${q} AS VARCHAR(13))`, param: 'CAST(CAST(? AS VARCHAR(13)) AS TIME)' };
    case 35:
      return {
        ...base,
        type: 'TIMESTAMP',
        kind: 'timestamp',
        shape: { kind: 'timestamp' },
        select: `CAST(${q} AS VARCHAR(24))`,
        param: 'CAST(CAST(? AS VARCHAR(24)) AS TIMESTAMP)',
      };
    case 14:
    case 37:
      return stringColumn(base, { fixed: f.FTYPE === 14, chars, charset: charset ?? 'NONE', type: withCharset(`${f.FTYPE === 14 ? 'CHAR' : 'VARCHAR'}(${chars})`), noneAs: context.noneAs });
    case 261: {
      if (sub === 1) return textBlobColumn(base, { charset: charset ?? 'NONE', type: withCharset('BLOB SUB_TYPE TEXT'), noneAs: context.noneAs });
      const type = `BLOB SUB_TYPE ${sub === 0 ? 'BINARY' : sub}`;
      // Other subtypes (BLR, ACL, user-defined ones) are not cast to text; they keep the BLOB read.
      return { ...base, type, kind: 'binary', shape: { kind: 'binary', fixed: false }, blob: true, ...(sub === 0 ? { inline: { of: q } } : {}) };
    }
    default:
      return { ...base, type: `type ${f.FTYPE}`, unsupported: `Firebird field type ${f.FTYPE} is not supported` };
  }
}

type ColumnBase = Omit<FirebirdColumn, 'type' | 'kind' | 'shape' | 'unsupported'>;

/**
 * CHAR and VARCHAR. Text in a real character set arrives transliterated to UTF-8. CHAR's blank
 * padding is removed on the server (TRIM), which also sidesteps node-firebird cutting a padded
 * UTF8 CHAR by UTF-16 units, splitting characters outside the BMP. NONE and OCTETS arrive as
 * bytes (NONE read as a chosen character set instead, with `noneAs`); OCTETS CHAR keeps its
 * zero-byte padding, which is part of its fixed-size value.
 */
function stringColumn(base: ColumnBase, s: { fixed: boolean; chars: number; charset: string; type: string; noneAs: string | undefined }): FirebirdColumn {
  const q = base.select;
  const common = { ...base, type: s.type, length: s.chars };
  if (s.charset === 'OCTETS') {
    return { ...common, kind: 'binary', shape: { kind: 'binary', length: s.chars, fixed: s.fixed } };
  }
  const unpadded = s.fixed ? `TRIM(TRAILING FROM ${q})` : q;
  if (s.charset === 'NONE') {
    const as = s.noneAs ?? 'OCTETS';
    const cast = (expr: string) => `CAST(${expr} AS VARCHAR(${s.chars}) CHARACTER SET ${as})`;
    if (as === 'OCTETS') {
      return { ...common, kind: 'binary', shape: { kind: 'binary', length: s.chars, fixed: false }, select: cast(unpadded) };
    }
    return {
      ...common,
      kind: 'text',
      shape: { kind: 'text', length: s.chars, fixed: s.fixed, charset: as },
      select: cast(unpadded),
      // The bare column compares NONE bytes with the parameter's UTF-8 bytes; the CAST makes the
      // server encode the key in the chosen set first.
      param: cast('?'),
      padded: s.fixed,
    };
  }
  const shape: ValueShape = { kind: 'text', length: s.chars, fixed: s.fixed, charset: s.charset };
  if (isSingleByteCharset(s.charset)) {
    // Sent as the stored bytes, not transliterated to UTF-8 by the server (cheaper decoded here).
    return { ...common, kind: 'text', shape, select: `CAST(${unpadded} AS VARCHAR(${s.chars}) CHARACTER SET OCTETS)`, uncast: unpadded, padded: s.fixed, decode: s.charset };
  }
  return { ...common, kind: 'text', shape, select: unpadded, padded: s.fixed };
}

/**
 * Text BLOBs arrive as strings (the server transliterates them); NONE and OCTETS ones as bytes.
 * Short ones come inside the row (lib/firebird/select-list.ts): as bytes fbsync decodes as the
 * server would (single-byte sets it decodes, and UTF8, whose bytes the server sends unchanged),
 * else transliterated by the server as the BLOB would be (other sets, and NONE read as one of
 * them, whose invalid bytes the server then refuses either way).
 */
function textBlobColumn(base: ColumnBase, s: { charset: string; type: string; noneAs: string | undefined }): FirebirdColumn {
  const q = base.select;
  if (BYTE_CHARSETS.has(s.charset)) {
    if (s.charset === 'NONE' && s.noneAs) {
      return {
        ...base,
        type: s.type,
        kind: 'text',
        shape: { kind: 'text', fixed: false, charset: s.noneAs },
        select: `CAST(${q} AS BLOB SUB_TYPE TEXT CHARACTER SET ${s.noneAs})`,
        inline: isSingleByteCharset(s.noneAs) ? { of: q, decode: s.noneAs } : { of: q, transliterate: s.noneAs },
      };
    }
    return { ...base, type: s.type, kind: 'binary', shape: { kind: 'binary', fixed: false }, select: `CAST(${q} AS BLOB SUB_TYPE BINARY)`, blob: true, inline: { of: q } };
  }
  const decode = isSingleByteCharset(s.charset) ? s.charset : s.charset === 'UTF8' ? ('UTF8' as const) : undefined;
  const inline = decode ? { of: q, decode } : { of: q, transliterate: s.charset };
  return { ...base, type: s.type, kind: 'text', shape: { kind: 'text', fixed: false, charset: s.charset }, inline };
}
