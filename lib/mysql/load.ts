import type { Row, TableSpec } from '../core/table.js';
import { quoteMysql } from './metadata.js';

/**
 * `LOAD DATA LOCAL INFILE` for rows the target does not have yet: MariaDB spends about a third
 * less CPU parsing tab-separated lines than a multi-value INSERT of the same rows, which is
 * what a full load into an empty table is bound by on a small machine (see
 * docs/performance.md#where-the-time-goes).
 *
 * LOCAL makes the server treat bad data as IGNORE would — a value too long is cut, a
 * duplicate key skipped, each with a warning instead of an error — so the sink runs it in a
 * transaction and rolls back on any warning, then writes the batch with the ordinary upsert,
 * which names the rows MySQL refuses. The file is never on disk: mysql2 sends the bytes
 * handed to `infileStreamFactory`, whatever file name the statement gives.
 */
export interface LoadStatement {
  sql: string;
  /** The rows as the statement's lines, or undefined when a value cannot be put in one. */
  lines(rows: readonly Row[]): Buffer | undefined;
}

/**
 * How binary columns travel: `raw`, their bytes with the five that end a field or a line
 * escaped (MariaDB stores a file's bytes into a BLOB column as they are, whatever the file's
 * character set: its regression test MDEV-11079 loads bytes invalid in utf8 into one); `hex`,
 * through a user variable and UNHEX, for MySQL, whose manual says only that it reads every field
 * in the file's character set. Raw bytes halve what MariaDB parses, which costs it markedly less
 * CPU on BLOB tables (docs/performance.md#measurements-behind-the-design).
 */
export type BinaryFields = 'raw' | 'hex';

export function loadStatementFor(table: TableSpec, binaryFields: BinaryFields = 'hex'): LoadStatement {
  const binary = table.columns.map((c) => c.kind === 'binary');
  const hex = binaryFields === 'hex';
  const fields = table.columns.map((c, i) => (hex && binary[i] ? `@b${i}` : quoteMysql(c.target)));
  const sets = hex ? table.columns.flatMap((c, i) => (binary[i] ? [`${quoteMysql(c.target)} = UNHEX(@b${i})`] : [])) : [];
  const sql =
    `LOAD DATA LOCAL INFILE 'fbsync-rows' INTO TABLE ${quoteMysql(table.target)} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${fields.join(', ')})` +
    (sets.length ? ` SET ${sets.join(', ')}` : '');
  // Bytes a line took in the last batch: the next batch's buffer starts that big and rarely grows.
  let lineBytes = 256;
  return {
    sql,
    lines(rows) {
      const out = new LineBuffer(rows.length * lineBytes);
      for (const row of rows) {
        for (let i = 0; i < binary.length; i++) {
          if (i > 0) out.byte(TAB);
          const value = row[i] ?? null;
          if (typeof value === 'string' && !binary[i]) {
            out.field(value);
            continue;
          }
          if (!hex && binary[i] && Buffer.isBuffer(value)) {
            out.escaped(value);
            continue;
          }
          const field = loadField(value, binary[i]!);
          if (field === undefined) return undefined;
          out.text(field);
        }
        out.byte(NEWLINE);
      }
      const bytes = out.bytes();
      if (rows.length > 0) lineBytes = Math.ceil(bytes.length / rows.length) + 16;
      return bytes;
    },
  };
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
/** For each byte, the letter that stands for it after a backslash, or 0 where it goes as it is. */
const ESCAPE_LETTER = new Uint8Array(256);
for (const [byte, letter] of [[0x5c, '\\'], [0x09, 't'], [0x0a, 'n'], [0x0d, 'r'], [0x00, '0']] as const) ESCAPE_LETTER[byte] = letter.charCodeAt(0);

/**
 * The lines written as UTF-8 straight into one buffer. Built as a string first (`text +=`, then
 * `Buffer.from`), the intermediate strings would be a large share of all a full load allocates
 * (docs/performance.md#measurements-behind-the-design).
 */
class LineBuffer {
  #buf: Buffer;
  #end = 0;

  constructor(size: number) {
    this.#buf = Buffer.allocUnsafe(Math.max(size, 64));
  }

  /**
   * Text as a field: escaped and written as UTF-8 in one pass over it, as loadField and then
   * text() would write it (a lone surrogate as U+FFFD, as node's encoder writes it). Text is
   * most of what a line holds, and this costs less than a regular expression test, a call into
   * the encoder and, where something is escaped, a new string.
   */
  field(s: string): void {
    const n = s.length;
    // At most 3 bytes a UTF-16 unit: an escape takes 2, a surrogate pair 4 for its 2 units.
    this.#room(n * 3);
    const buf = this.#buf;
    let end = this.#end;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        const letter = ESCAPE_LETTER[c]!;
        if (letter === 0) buf[end++] = c;
        else {
          buf[end++] = BACKSLASH;
          buf[end++] = letter;
        }
      } else if (c < 0x800) {
        buf[end++] = 0xc0 | (c >> 6);
        buf[end++] = 0x80 | (c & 0x3f);
      } else if ((c & 0xf800) !== 0xd800) {
        buf[end++] = 0xe0 | (c >> 12);
        buf[end++] = 0x80 | ((c >> 6) & 0x3f);
        buf[end++] = 0x80 | (c & 0x3f);
      } else {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && (d & 0xfc00) === 0xdc00) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[end++] = 0xf0 | (cp >> 18);
          buf[end++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[end++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[end++] = 0x80 | (cp & 0x3f);
          i++;
        } else {
          buf[end++] = 0xef;
          buf[end++] = 0xbf;
          buf[end++] = 0xbd;
        }
      }
    }
    this.#end = end;
  }

  text(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair, 2 units, takes 4).
    this.#room(s.length * 3);
    const buf = this.#buf;
    const start = this.#end;
    // Most fields are short and ASCII (numbers, codes, dates): copied here they cost a fraction
    // of a call into the encoder.
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.#end = start + buf.write(s, start, 'utf8');
        return;
      }
      buf[start + i] = c;
    }
    this.#end = start + s.length;
  }

  /** Bytes as they are but for the five that would end a field or a line, or escape: a backslash and a letter. */
  escaped(bytes: Buffer): void {
    this.#room(bytes.length * 2);
    const buf = this.#buf;
    let end = this.#end;
    let from = 0;
    for (let i = 0; i < bytes.length; i++) {
      const letter = ESCAPE_LETTER[bytes[i]!]!;
      if (letter === 0) continue;
      end += bytes.copy(buf, end, from, i);
      buf[end++] = BACKSLASH;
      buf[end++] = letter;
      from = i + 1;
    }
    this.#end = end + bytes.copy(buf, end, from);
  }

  byte(b: number): void {
    this.#room(1);
    this.#buf[this.#end++] = b;
  }

  bytes(): Buffer {
    return this.#buf.subarray(0, this.#end);
  }

  #room(n: number): void {
    if (this.#end + n <= this.#buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#end + n));
    this.#buf.copy(bigger, 0, 0, this.#end);
    this.#buf = bigger;
  }
}

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIALS = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/**
 * One value as a field of a line: `\N` for NULL, escapes for the characters that would end a
 * field or a line, 1/0 for booleans, hex for binary columns. Undefined for a value the column
 * cannot take this way (a Buffer in a text column), which sends the batch the INSERT way.
 */
export function loadField(value: Row[number], binary: boolean): string | undefined {
  if (value === null) return '\\N';
  if (binary) return Buffer.isBuffer(value) ? value.toString('hex') : undefined;
  if (typeof value === 'string') return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return undefined;
}
