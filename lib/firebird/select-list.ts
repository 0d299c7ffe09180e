import type { ColumnSpec, TableSpec } from '../core/table.js';
import type { InlineBlob, InlineDecode } from '../core/column-read.js';
import { decodeSingleByte } from './single-byte.js';

/**
 * The select list a page of rows is read with, and how BLOBs small enough travel inside the row.
 *
 * node-firebird reads a BLOB through its own round trips (open, a segment at a time, close) once
 * the row holding its id has arrived, so the round trips and not the bytes set the pace of a
 * table with BLOB columns (docs/performance.md#measurements-behind-the-design). So each BLOB
 * column is read twice over: `CAST(… AS VARCHAR(n) CHARACTER SET OCTETS)` when the BLOB holds at most n bytes, which the server
 * reads itself and sends inside the row, and the BLOB as before only when it is longer. Inline
 * text crosses as its stored bytes and is decoded here, like single-byte VARCHARs, or, in a set
 * fbsync does not decode, transliterated by the server as the BLOB would be.
 *
 * n is a trade: Firebird fills each row's whole declared message, so every byte of n costs every
 * row, while a BLOB read on its own costs round trips. At 8 KiB a column the inline path pays
 * once more than about 1 % of rows hold BLOBs between 1 and 8 KiB (the figures are in
 * docs/performance.md#measurements-behind-the-design); with more columns the row's share is
 * split between them.
 */

/** Declared bytes of one inline BLOB, at most. */
export const INLINE_BLOB_MAX = 8192;
/** Declared bytes of a row's inline BLOBs together, unless each would get fewer than INLINE_BLOB_MIN. */
export const INLINE_ROW_BYTES = 16384;
export const INLINE_BLOB_MIN = 1024;

/** Bytes up to which each of `count` BLOB columns of a row is read inline. */
export function inlineBlobBytes(count: number): number {
  return Math.max(INLINE_BLOB_MIN, Math.min(INLINE_BLOB_MAX, Math.floor(INLINE_ROW_BYTES / Math.max(1, count))));
}

/** Where a column's inline value sits in a fetched row, and how it is decoded. */
export interface InlineRead {
  column: number;
  at: number;
  decode: InlineDecode;
}

/**
 * The select list of whole rows: every column's select (a BLOB's only when too long to come
 * inline), then the inline reads of the BLOB columns in column order. Anything the caller adds
 * goes after it; rowConverter takes the inline values out again (inlineReads).
 */
export function selectList(columns: readonly ColumnSpec[]): string {
  const inline = inlineColumns(columns);
  const n = inlineBlobBytes(inline.length);
  const limit = (blob: InlineBlob) => (blob.transliterate ? Math.floor(n / 4) : n);
  const fits = (blob: InlineBlob) => `OCTET_LENGTH(${blob.of}) <= ${limit(blob)}`;
  const selects = columns.map((c) => {
    const blob = c.firebird.inline;
    return blob ? `CASE WHEN NOT ${fits(blob)} THEN ${c.firebird.select} END` : c.firebird.select;
  });
  for (const i of inline) {
    const blob = columns[i]!.firebird.inline!;
    selects.push(`CASE WHEN ${fits(blob)} THEN CAST(${blob.of} AS VARCHAR(${limit(blob)}) CHARACTER SET ${blob.transliterate ?? 'OCTETS'}) END`);
  }
  return selects.join(', ');
}

/** The inline reads selectList(columns) put after the columns, in that order. */
export function inlineReads(columns: readonly ColumnSpec[]): InlineRead[] {
  return inlineColumns(columns).map((column, j) => ({ column, at: columns.length + j, decode: columns[column]!.firebird.inline!.decode }));
}

/**
 * Moves the inline BLOB values of a fetched row into their columns' places (where the long path
 * left NULL) and drops the extra values, leaving anything selected after them in place.
 */
export function takeInline(reads: readonly InlineRead[], row: unknown[]): void {
  if (reads.length === 0) return;
  for (const { column, at, decode } of reads) {
    const v = row[at];
    // Text the server transliterated arrives as a string already.
    if (v !== null && v !== undefined) row[column] = typeof v === 'string' ? v : decodeInline(decode, v as Buffer);
  }
  row.splice(reads[0]!.at, reads.length);
}

function decodeInline(decode: InlineDecode, bytes: Buffer): unknown {
  if (decode === undefined) return bytes;
  // What node-firebird does with a UTF8 text BLOB's bytes over the UTF8 connection.
  if (decode === 'UTF8') return bytes.toString('utf8');
  return decodeSingleByte(decode, bytes);
}

/** Whether a table has BLOB columns, whose values may be of any size. */
export function hasBlobs(table: TableSpec): boolean {
  return table.columns.some((c) => c.firebird.blob || c.firebird.inline !== undefined || c.sourceType.startsWith('BLOB'));
}

function inlineColumns(columns: readonly ColumnSpec[]): number[] {
  return columns.flatMap((c, i) => (c.firebird.inline ? [i] : []));
}
