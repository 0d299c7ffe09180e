/**
 * A Firebird fixture with a column of every type fbsync copies and rows of edge values:
 * - TB_TIPOS: integers, exact numerics, FLOAT, DOUBLE, BOOLEAN, DATE, TIME, TIMESTAMP, CHAR and
 *   VARCHAR in NONE, OCTETS, ASCII, WIN1252, ISO8859_1 and UTF8, text BLOBs in the same sets, a
 *   binary BLOB, two domain-typed columns and two COMPUTED BY columns; rows of minimums,
 *   maximums, zeros, negatives, NULLs, empty strings, padding, multi-byte text, and BLOBs of
 *   several MB.
 * - TB_NUMERICOS: NUMERIC(p,s) and DECIMAL(p,s) for every p in 1..18 and s in 0..p, with the
 *   extremes of their storage (not just of the declared precision), zero, ±1 unit in the last
 *   place and NULL.
 */
import { randomBytes } from 'node:crypto';
import type { FirebirdFixture } from './databases.js';

export const TIPOS_DDL = [
  `CREATE DOMAIN D_VALOR AS NUMERIC(15,2) CHECK (VALUE IS NULL OR VALUE > -1000000000000)`,
  `CREATE DOMAIN D_NOME AS VARCHAR(30) CHARACTER SET WIN1252`,
  `CREATE TABLE TB_TIPOS (
    ID        INTEGER NOT NULL PRIMARY KEY,
    SI        SMALLINT,
    I         INTEGER,
    BI        BIGINT,
    N184      NUMERIC(18,4),
    N41       NUMERIC(4,1),
    N92       NUMERIC(9,2),
    D182      DECIMAL(18,2),
    FL        FLOAT,
    DP        DOUBLE PRECISION,
    BO        BOOLEAN,
    DT        DATE,
    TM        TIME,
    TS        TIMESTAMP,
    CH_NONE   CHAR(6) CHARACTER SET NONE,
    VC_NONE   VARCHAR(12) CHARACTER SET NONE,
    CH_OCT    CHAR(4) CHARACTER SET OCTETS,
    VC_OCT    VARCHAR(12) CHARACTER SET OCTETS,
    CH_ASCII  CHAR(6) CHARACTER SET ASCII,
    VC_ASCII  VARCHAR(20) CHARACTER SET ASCII,
    CH_1252   CHAR(6) CHARACTER SET WIN1252,
    VC_1252   VARCHAR(30) CHARACTER SET WIN1252,
    CH_8859   CHAR(6) CHARACTER SET ISO8859_1,
    VC_8859   VARCHAR(30) CHARACTER SET ISO8859_1,
    CH_UTF8   CHAR(6) CHARACTER SET UTF8,
    VC_UTF8   VARCHAR(30) CHARACTER SET UTF8,
    BT_NONE   BLOB SUB_TYPE TEXT CHARACTER SET NONE,
    BT_OCT    BLOB SUB_TYPE TEXT CHARACTER SET OCTETS,
    BT_ASCII  BLOB SUB_TYPE TEXT CHARACTER SET ASCII,
    BT_1252   BLOB SUB_TYPE TEXT CHARACTER SET WIN1252,
    BT_8859   BLOB SUB_TYPE TEXT CHARACTER SET ISO8859_1,
    BT_UTF8   BLOB SUB_TYPE TEXT CHARACTER SET UTF8,
    BB        BLOB SUB_TYPE BINARY,
    VALOR     D_VALOR,
    NOME      D_NOME,
    DOBRO     COMPUTED BY (I * 2),
    ROTULO    COMPUTED BY (VC_UTF8 || ' #' || ID)
  )`,
];

type Cell = string | { param: unknown };

/** Large values, made once so that every run of a spec compares the same bytes. */
const BIG_BINARY = randomBytes(5 * 1024 * 1024);
const BIG_UTF8 = '😀 Ação, 中文, ñ — '.repeat(150_000); // ~3.3 MB in UTF-8
const BIG_1252 = 'Preço € “aspas” — Œuvre… '.repeat(40_000); // ~1 MB
const BIG_NONE = Buffer.concat(Array.from({ length: 4096 }, (_, i) => Buffer.from([i & 0xff, 0xe9, 0x20, 0x00]))).subarray(0, 16_384);

/**
 * Rows by ID. Exact numerics and temporal values as SQL literals (the server parses them
 * exactly); fractional FLOAT and DOUBLE values as parameters (Firebird's literal parser is off
 * by an ulp for some, and refuses denormals), integral ones as literals (node-firebird sends an
 * integral number as an integer, and hangs on one beyond 2^63; 3.4028234e38 becomes FLOAT's
 * maximum, 3.4028234663852886e38, which Firebird refuses to take as a double); NONE and OCTETS
 * as x'…' literals; BLOBs as parameters.
 */
const ROWS: Record<number, Record<string, Cell>> = {
  // Nothing but the key: every column NULL.
  1: {},
  // Minimums of every type, empty strings and empty BLOBs.
  2: {
    SI: '-32768', I: '-2147483648', BI: '-9223372036854775808',
    N184: '(-922337203685477.5807 - 0.0001)', N41: '(-3276.7 - 0.1)', N92: '(-21474836.47 - 0.01)', D182: '(-92233720368547758.07 - 0.01)',
    FL: '-3.4028234e38', DP: '-1.7976931348623157e308', BO: 'FALSE',
    DT: `DATE '0001-01-01'`, TM: `TIME '00:00:00.0000'`, TS: `TIMESTAMP '0001-01-01 00:00:00.0000'`,
    CH_NONE: `''`, VC_NONE: `''`, CH_OCT: `x''`, VC_OCT: `x''`, CH_ASCII: `''`, VC_ASCII: `''`, CH_1252: `''`, VC_1252: `''`,
    CH_8859: `''`, VC_8859: `''`, CH_UTF8: `''`, VC_UTF8: `''`,
    BT_NONE: { param: Buffer.alloc(0) }, BT_OCT: { param: Buffer.alloc(0) }, BT_ASCII: { param: '' }, BT_1252: { param: '' },
    BT_8859: { param: '' }, BT_UTF8: { param: '' }, BB: { param: Buffer.alloc(0) }, VALOR: '-999999999999.99', NOME: `''`,
  },
  // Maximums, and text filling its whole declared length.
  3: {
    SI: '32767', I: '2147483647', BI: '9223372036854775807',
    N184: '922337203685477.5807', N41: '3276.7', N92: '21474836.47', D182: '92233720368547758.07',
    FL: '3.4028234e38', DP: '1.7976931348623157e308', BO: 'TRUE',
    DT: `DATE '9999-12-31'`, TM: `TIME '23:59:59.9999'`, TS: `TIMESTAMP '9999-12-31 23:59:59.9999'`,
    CH_NONE: `x'FFFEFDFCFBFA'`, VC_NONE: `x'FF00FF00FF00FF00FF00FF00'`, CH_OCT: `x'FFFFFFFF'`, VC_OCT: `x'000102030405060708090A0B'`,
    CH_ASCII: `'~~~~~~'`, VC_ASCII: `'${'z'.repeat(20)}'`, CH_1252: `'ŸŸŸŸŸŸ'`, VC_1252: `'${'€'.repeat(30)}'`,
    CH_8859: `'ÿÿÿÿÿÿ'`, VC_8859: `'${'ÿ'.repeat(30)}'`, CH_UTF8: `'😀😀😀😀😀😀'`, VC_UTF8: `'${'😀'.repeat(30)}'`,
    VALOR: '9999999999999.99', NOME: `'${'Ç'.repeat(30)}'`,
  },
  // Zeros; padding: a one-character CHAR, a VARCHAR with trailing and leading blanks.
  4: {
    SI: '0', I: '0', BI: '0', N184: '0', N41: '0', N92: '0', D182: '0',
    FL: '0e0', DP: '-0e0', BO: 'FALSE',
    DT: `DATE '1970-01-01'`, TM: `TIME '00:00:00'`, TS: `TIMESTAMP '1970-01-01 00:00:00'`,
    CH_NONE: `'a'`, VC_NONE: `'a  '`, CH_OCT: `x'00'`, VC_OCT: `x'00'`, CH_ASCII: `' a'`, VC_ASCII: `'  a  '`,
    CH_1252: `'é'`, VC_1252: `'é   '`, CH_8859: `'ß'`, VC_8859: `' ß '`, CH_UTF8: `'😀'`, VC_UTF8: `'😀  '`,
    BT_ASCII: { param: 'trailing   ' }, BT_UTF8: { param: '  ' }, VALOR: '0', NOME: `'  '`,
  },
  // Small negatives and the smallest magnitudes: one unit in the last place, denormals.
  5: {
    SI: '-1', I: '-1', BI: '-1', N184: '-0.0001', N41: '-0.1', N92: '-0.01', D182: '-0.01',
    FL: { param: 1.401298464324817e-45 }, DP: { param: 5e-324 }, BO: 'TRUE',
    DT: `DATE '1900-01-01'`, TM: `TIME '00:00:00.0001'`, TS: `TIMESTAMP '1900-01-01 00:00:00.0001'`,
    VALOR: '-0.01',
  },
  // Beyond 2^53; 0.1 in binary; wall-clock times that a conversion through JS Dates would shift
  // (São Paulo skipped midnight of 2018-11-04, and lived 23:30 of 2018-02-17 twice).
  6: {
    SI: '12345', I: '123456789', BI: '9007199254740993', N184: '123456789012345.6789', N41: '-123.4', N92: '1234567.89', D182: '9007199254740993.01',
    FL: { param: Math.fround(0.1) }, DP: { param: 0.1 }, BO: 'FALSE',
    DT: `DATE '2018-11-04'`, TM: `TIME '00:30:15.1234'`, TS: `TIMESTAMP '2018-11-04 00:30:15.1234'`,
    VALOR: '1234.5',
  },
  // Multi-byte text in each character set; the characters SQL text and JSON like to mangle.
  7: {
    DT: `DATE '2018-02-17'`, TM: `TIME '23:30:00.5'`, TS: `TIMESTAMP '2018-02-17 23:30:00.5'`,
    FL: { param: -2.5 }, DP: { param: 2.2250738585072014e-308 },
    CH_NONE: `x'E9E8'`, VC_NONE: `x'C3A9E282AC00200920'`, CH_OCT: `x'01'`, VC_OCT: `x'FF00'`,
    CH_ASCII: `'a''b\\c'`, VC_ASCII: `'tab' || ASCII_CHAR(9) || 'nl' || ASCII_CHAR(10) || 'q"'`,
    CH_1252: `'€Š“”'`, VC_1252: `'Pão “esp.” — €5 … Œ Š Ž ™'`,
    CH_8859: `'Ãé¡¿'`, VC_8859: `'Ação ¿¡ «» ° ± µ ÿ' || _ISO8859_1 x'85'`,
    CH_UTF8: `'中文😀'`, VC_UTF8: `'😀👍🏽 ção 中文 𝄞 ''quote'' \\ back'`,
    BT_NONE: { param: Buffer.from([0xe9, 0x00, 0xff, 0x20]) }, BT_OCT: { param: Buffer.from([0x00, 0x01, 0x02]) },
    BT_ASCII: { param: 'plain\r\nascii' }, BT_1252: { param: 'Preço € “aspas”' }, BT_8859: { param: 'Ação ¡ ÿ' },
    BT_UTF8: { param: '😀 emoji, 中文, 𝄞' }, BB: { param: Buffer.from([0, 255, 16, 0, 92, 39]) }, NOME: `'Conceição Araújo'`,
  },
  // BLOBs of several MB, one big value per row so each statement stays under max_allowed_packet;
  // a DOUBLE of 16 digits past 2^53, which mysql2 reads an ulp off unless it comes as text.
  8: { BB: { param: BIG_BINARY }, DP: { param: 90.28571428571429 } },
  9: { BT_UTF8: { param: BIG_UTF8 } },
  10: { BT_1252: { param: BIG_1252 }, BT_NONE: { param: BIG_NONE }, BT_OCT: { param: BIG_NONE }, BT_8859: { param: 'x'.repeat(70_000) } },
};

export const TIPOS_ROWS = Object.keys(ROWS).length;

/**
 * The BLOB values TB_TIPOS was given, as the JS values passed to the driver, by row and column:
 * what MySQL must hold, checked against these rather than against a second read of Firebird
 * (a read through the same driver would repeat a fault of the driver's).
 */
export const TIPOS_BLOBS: Array<{ id: number; column: string; value: string | Buffer }> = Object.entries(ROWS).flatMap(([id, cells]) =>
  Object.entries(cells).flatMap(([column, cell]) =>
    typeof cell !== 'string' && (column.startsWith('BT_') || column === 'BB') ? [{ id: Number(id), column, value: cell.param as string | Buffer }] : [],
  ),
);

/** Creates TB_TIPOS and fills it. */
export async function createTipos(fb: FirebirdFixture): Promise<void> {
  await fb.exec(...TIPOS_DDL);
  for (const [id, cells] of Object.entries(ROWS)) {
    const cols = ['ID', ...Object.keys(cells)];
    const params: unknown[] = [];
    const values = [id, ...Object.values(cells).map((c) => (typeof c === 'string' ? c : (params.push(c.param), '?')))];
    await fb.db.queryAsync(`INSERT INTO TB_TIPOS (${cols.join(', ')}) VALUES (${values.join(', ')})`, params as never);
  }
}

/** Every (p, s) of NUMERIC and DECIMAL: columns N_p_s and D_p_s. */
export const NUMERIC_COLUMNS = ['N', 'D'].flatMap((t) =>
  Array.from({ length: 18 }, (_, i) => i + 1).flatMap((p) => Array.from({ length: p + 1 }, (_, s) => ({ name: `${t}_${p}_${s}`, type: `${t === 'N' ? 'NUMERIC' : 'DECIMAL'}(${p},${s})`, p, s }))),
);

/** Largest unscaled value of each Firebird storage type. */
const STORAGE_MAX: Record<number, bigint> = { 7: 32767n, 8: 2147483647n, 16: 9223372036854775807n };

/** `12345`, scale 2 → `123.45`; negative with a leading minus. */
function scaled(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${text}` : text;
}

export const NUMERICOS_ROWS = 7;

/**
 * Creates TB_NUMERICOS and fills it: 1 storage maximum, 2 storage minimum, 3 zero, 4 minus one
 * unit in the last place, 5 the declared maximum (p nines), 6 NULL, 7 one unit in the last place.
 * The storage of each column (SMALLINT, INTEGER, BIGINT) is read back from the server, not assumed.
 */
export async function createNumericos(fb: FirebirdFixture): Promise<void> {
  await fb.exec(`CREATE TABLE TB_NUMERICOS (ID INTEGER NOT NULL PRIMARY KEY, ${NUMERIC_COLUMNS.map((c) => `${c.name} ${c.type}`).join(', ')})`);
  const storage = new Map(
    (
      await fb.db.queryAsync<{ NAME: string; FTYPE: number }>(
        `SELECT TRIM(rf.RDB$FIELD_NAME) AS NAME, f.RDB$FIELD_TYPE AS FTYPE FROM RDB$RELATION_FIELDS rf
           JOIN RDB$FIELDS f ON f.RDB$FIELD_NAME = rf.RDB$FIELD_SOURCE WHERE rf.RDB$RELATION_NAME = 'TB_NUMERICOS'`,
      )
    ).map((r) => [r.NAME, r.FTYPE]),
  );
  const value = (row: number, c: (typeof NUMERIC_COLUMNS)[number]): string => {
    const max = STORAGE_MAX[storage.get(c.name)!]!;
    switch (row) {
      case 1:
        return scaled(max, c.s);
      case 2:
        // The literal -max-1 would overflow while being parsed; the subtraction does not.
        return `(-${scaled(max, c.s)} - ${scaled(1n, c.s)})`;
      case 3:
        return '0';
      case 4:
        return scaled(-1n, c.s);
      case 5:
        return scaled(10n ** BigInt(c.p) - 1n, c.s);
      case 6:
        return 'NULL';
      default:
        return scaled(1n, c.s);
    }
  };
  for (let row = 1; row <= NUMERICOS_ROWS; row++) {
    await fb.db.queryAsync(`INSERT INTO TB_NUMERICOS VALUES (${row}, ${NUMERIC_COLUMNS.map((c) => value(row, c)).join(', ')})`);
  }
}
