/**
 * How the source reads a column, as the planner decided it from Firebird's catalog: the select
 * expression, CHAR padding, BLOBs, and text read as bytes to be decoded. Part of every
 * ColumnSpec so that a planned table says everything needed to read it; only the source
 * adapter (lib/firebird/) acts on it.
 */

/** Character sets whose text fbsync reads as bytes and decodes itself. */
export type SingleByteCharset = 'WIN1252' | 'ISO8859_1';

/** How the bytes of a BLOB read inline become its value: text in this set, or bytes (undefined). */
export type InlineDecode = SingleByteCharset | 'UTF8' | undefined;

/** A BLOB column that can also be read inside the row: `of` is the column as SQL. */
export interface InlineBlob {
  of: string;
  /** Its bytes decoded here as text in this set, or left as bytes (undefined)… */
  decode?: InlineDecode;
  /**
   * …or read as text in this character set, which the server transliterates to UTF-8 (up to 4
   * bytes a character, so a quarter as many bytes come inline): sets fbsync does not decode
   * itself, and NONE read as a multi-byte set, where the server refuses invalid bytes.
   */
  transliterate?: string;
}

export interface ColumnRead {
  /** SQL expression that reads the column exactly (a CAST for temporal and small scaled types). */
  select: string;
  /** For CHAR columns: Firebird pads with blanks, fbsync removes the padding (as MySQL's CHAR does). */
  padded: boolean;
  /** BLOBs arrive as a fetch function and must be read inside the transaction. */
  blob: boolean;
  /** How a key value is passed when compared with the column: `?` when absent, or a CAST of it. */
  param?: string;
  /** Text that `select` reads as bytes, to be decoded in this character set. */
  decode?: SingleByteCharset;
  /** With `decode`: the expression `select` casts to OCTETS, whose bytes are the same (what HASH() is given). */
  uncast?: string;
  /** A BLOB whose value can also be read inside the row when it is short. */
  inline?: InlineBlob;
}
