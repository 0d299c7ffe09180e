/**
 * BLOBs up to a few KiB come inside the row, as bytes fbsync decodes, instead of through
 * node-firebird's round trips per BLOB (lib/firebird/select-list.ts); longer ones still come the
 * old way. Either way the copy must be what the server holds: the values at and around the
 * limit, in every character set read inline, are compared with the source read on its own.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { syncTable } from '../../lib/index.js';
import { inlineBlobBytes } from '../../lib/firebird/select-list.js';
import { createFirebirdDatabase, mysqlForEachTest, type FirebirdFixture } from '../support/databases.js';
import { expectSameTable } from '../support/compare.js';

const require = createRequire(import.meta.url);
const Connection = require('node-firebird/lib/wire/connection.js') as { prototype: { openBlob: (...args: unknown[]) => unknown } };

/** Text BLOBs in WIN1252, ISO8859_1, UTF8 and NONE, and a binary one: five read inline. */
const COLUMNS = ['W', 'L', 'U', 'N', 'B'];
const LIMIT = inlineBlobBytes(COLUMNS.length);

const hex = (bytes: Buffer) => `x'${bytes.toString('hex')}'`;
/** Every byte 0-255, repeated and cut to `length` bytes. */
const everyByte = (length: number) => Buffer.from(Array.from({ length }, (_, i) => i % 256));
/** UTF-8 text of exactly `length` bytes ending in a two-byte character, so that a cut one byte short would split it. */
const utf8Of = (length: number) => Buffer.from('a'.repeat(length - 2) + 'é', 'utf8');

/** Row id → byte length of every BLOB in it (null: NULL). */
const SIZES: Record<number, number | null> = { 1: 0, 2: 1, 3: LIMIT - 1, 4: LIMIT, 5: LIMIT + 1, 6: 3 * LIMIT, 7: null, 8: 256 };
const LONGER = Object.values(SIZES).filter((n) => n !== null && n > LIMIT).length;

describe('BLOBs read inside the row', function () {
  this.timeout(120_000);
  let fb: FirebirdFixture;

  before(async function () {
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    const blob = (type: string, bytes: Buffer) => `CAST(${hex(bytes)} AS BLOB SUB_TYPE ${type})`;
    await fb.exec(
      `CREATE TABLE TB_BLOBS (ID INTEGER NOT NULL PRIMARY KEY,
         W BLOB SUB_TYPE TEXT CHARACTER SET WIN1252, L BLOB SUB_TYPE TEXT CHARACTER SET ISO8859_1,
         U BLOB SUB_TYPE TEXT CHARACTER SET UTF8, N BLOB SUB_TYPE TEXT CHARACTER SET NONE, B BLOB SUB_TYPE BINARY)`,
      ...Object.entries(SIZES).map(([id, n]) => {
        if (n === null) return `INSERT INTO TB_BLOBS (ID) VALUES (${id})`;
        const text = everyByte(n);
        // Bytes typed as a text BLOB of each set; the server then holds exactly these bytes.
        const values = [blob('TEXT CHARACTER SET WIN1252', text), blob('TEXT CHARACTER SET ISO8859_1', text), n < 2 ? `'${'a'.repeat(n)}'` : blob('TEXT CHARACTER SET UTF8', utf8Of(n)), blob('TEXT CHARACTER SET NONE', text), blob('BINARY', text)];
        return `INSERT INTO TB_BLOBS VALUES (${id}, ${values.join(', ')})`;
      }),
    );
  });
  after(async () => {
    await fb?.drop();
  });
  const target = mysqlForEachTest();

  it(`copies BLOBs of 0, 1, ${LIMIT - 1}, ${LIMIT}, ${LIMIT + 1} and ${3 * LIMIT} bytes and NULL exactly, in every set read inline`, async function () {
    await target.my.exec(
      `CREATE TABLE TB_BLOBS (ID INT NOT NULL PRIMARY KEY, W LONGTEXT, L LONGTEXT, U LONGTEXT, N LONGBLOB, B LONGBLOB) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
    const report = await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_BLOBS' });
    expect(report.inserted).to.equal(Object.keys(SIZES).length);
    const { values } = await expectSameTable(fb, target.my, 'TB_BLOBS');
    expect(values).to.equal(Object.keys(SIZES).length * (COLUMNS.length + 1));
  });

  it('keeps an empty BLOB empty and a NULL one NULL', async function () {
    await target.my.exec(
      `CREATE TABLE TB_BLOBS (ID INT NOT NULL PRIMARY KEY, W LONGTEXT, L LONGTEXT, U LONGTEXT, N LONGBLOB, B LONGBLOB) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
    await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_BLOBS' });
    const rows = await target.my.rows('SELECT ID, W, L, U, HEX(N), HEX(B) FROM TB_BLOBS WHERE ID IN (1, 7) ORDER BY ID');
    expect(rows).to.deep.equal([
      [1, '', '', '', '', ''],
      [7, null, null, null, null, null],
    ]);
  });

  it('decodes WIN1252 bytes inline as the server does through the BLOB', async function () {
    await target.my.exec(
      `CREATE TABLE TB_BLOBS (ID INT NOT NULL PRIMARY KEY, W LONGTEXT, L LONGTEXT, U LONGTEXT, N LONGBLOB, B LONGBLOB) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
    await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_BLOBS' });
    const [[short], [long]] = await target.my.rows('SELECT W FROM TB_BLOBS WHERE ID IN (8, 6) ORDER BY ID DESC');
    // Row 8 (256 bytes) came inline, row 6 (three times the limit) through the BLOB: the same bytes, the same text.
    expect((short as string).slice(0, 256)).to.equal((long as string).slice(0, 256));
    expect((short as string).slice(0x80, 0x83)).to.equal('€\u0000‚');
  });

  it('opens a BLOB only for the values longer than the limit', async function () {
    await target.my.exec(
      `CREATE TABLE TB_BLOBS (ID INT NOT NULL PRIMARY KEY, W LONGTEXT, L LONGTEXT, U LONGTEXT, N LONGBLOB, B LONGBLOB) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
    const openBlob = Connection.prototype.openBlob;
    let opened = 0;
    Connection.prototype.openBlob = function (this: unknown, ...args: unknown[]) {
      opened++;
      return openBlob.apply(this, args);
    };
    try {
      await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_BLOBS' });
    } finally {
      Connection.prototype.openBlob = openBlob;
    }
    expect(opened).to.equal(LONGER * COLUMNS.length);
  });
});
