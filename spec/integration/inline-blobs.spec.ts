/**
 * BLOBs up to a few KiB come inside the row, as bytes fbsync decodes, instead of through
 * node-firebird's round trips per BLOB (lib/firebird/select-list.ts); longer ones still come the
 * old way. Either way the copy must be what the server holds: the values at and around the
 * limit, in every character set read inline, are compared with the source read on its own.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { closeFirebird, firebirdSource, openFirebird, openMysql, planSync, syncTable } from '../../lib/index.js';
import type { Page, VersionPick } from '../../lib/core/page.js';
import { PAGE_BYTES } from '../../lib/firebird/keyset-pages.js';
import { inlineBlobBytes } from '../../lib/firebird/select-list.js';
import { createFirebirdDatabase, mysqlForEachTest, type FirebirdFixture } from '../support/databases.js';
import { expectSameTable } from '../support/compare.js';

const require = createRequire(import.meta.url);
const Connection = require('node-firebird/lib/wire/connection.js') as { prototype: { openBlob: (...args: unknown[]) => unknown } };

/** How many BLOBs node-firebird opens (one per BLOB read its own way) while `work` runs. */
async function blobsOpened(work: () => Promise<unknown>): Promise<number> {
  const openBlob = Connection.prototype.openBlob;
  let opened = 0;
  Connection.prototype.openBlob = function (this: unknown, ...args: unknown[]) {
    opened++;
    return openBlob.apply(this, args);
  };
  try {
    await work();
  } finally {
    Connection.prototype.openBlob = openBlob;
  }
  return opened;
}

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
const TARGET_BLOBS = 'CREATE TABLE TB_BLOBS (ID INT NOT NULL PRIMARY KEY, W LONGTEXT, L LONGTEXT, U LONGTEXT, N LONGBLOB, B LONGBLOB) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';

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
    await target.my.exec(TARGET_BLOBS);
    const report = await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_BLOBS' });
    expect(report.inserted).to.equal(Object.keys(SIZES).length);
    const { values } = await expectSameTable(fb, target.my, 'TB_BLOBS');
    expect(values).to.equal(Object.keys(SIZES).length * (COLUMNS.length + 1));
  });

  it('keeps an empty BLOB empty and a NULL one NULL', async function () {
    await target.my.exec(TARGET_BLOBS);
    await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_BLOBS' });
    const rows = await target.my.rows('SELECT ID, W, L, U, HEX(N), HEX(B) FROM TB_BLOBS WHERE ID IN (1, 7) ORDER BY ID');
    expect(rows).to.deep.equal([
      [1, '', '', '', '', ''],
      [7, null, null, null, null, null],
    ]);
  });

  it('decodes WIN1252 bytes inline as the server does through the BLOB', async function () {
    await target.my.exec(TARGET_BLOBS);
    await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_BLOBS' });
    const [[short], [long]] = await target.my.rows('SELECT W FROM TB_BLOBS WHERE ID IN (8, 6) ORDER BY ID DESC');
    // Row 8 (256 bytes) came inline, row 6 (three times the limit) through the BLOB: the same bytes, the same text.
    expect((short as string).slice(0, 256)).to.equal((long as string).slice(0, 256));
    expect((short as string).slice(0x80, 0x83)).to.equal('€\u0000‚');
  });

  it('opens a BLOB only for the values longer than the limit', async function () {
    await target.my.exec(TARGET_BLOBS);
    const opened = await blobsOpened(() => syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_BLOBS' }));
    expect(opened).to.equal(LONGER * COLUMNS.length);
  });
});

describe('BLOBs in character sets fbsync does not decode itself, read inside the row', function () {
  this.timeout(120_000);
  let fb: FirebirdFixture;
  /** WIN1251, ASCII and UNICODE_FSS: the server transliterates them, a quarter of the bytes inline. */
  const limit = Math.floor(inlineBlobBytes(3) / 4);
  const sizes: Record<number, number | null> = { 1: 0, 2: 5, 3: limit, 4: limit + 1, 5: 3 * limit, 6: null };
  const cyrillic = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => 0xc0 + (i % 64)));
  /** UTF-8 of `n` bytes: two-byte characters, an ASCII letter first when `n` is odd. */
  const fss = (n: number) => Buffer.from((n % 2 ? 'a' : '') + 'é'.repeat(n >> 1), 'utf8');

  before(async function () {
    fb = await createFirebirdDatabase({ charset: 'UTF8' });
    const blob = (set: string, bytes: Buffer) => (bytes.length === 0 ? `CAST('' AS BLOB SUB_TYPE TEXT CHARACTER SET ${set})` : `CAST(${hex(bytes)} AS BLOB SUB_TYPE TEXT CHARACTER SET ${set})`);
    await fb.exec(
      `CREATE TABLE TB_OUTROS (ID INTEGER NOT NULL PRIMARY KEY, C BLOB SUB_TYPE TEXT CHARACTER SET WIN1251,
         A BLOB SUB_TYPE TEXT CHARACTER SET ASCII, F BLOB SUB_TYPE TEXT CHARACTER SET UNICODE_FSS)`,
      ...Object.entries(sizes).map(([id, n]) =>
        n === null
          ? `INSERT INTO TB_OUTROS (ID) VALUES (${id})`
          : `INSERT INTO TB_OUTROS VALUES (${id}, ${blob('WIN1251', cyrillic(n))}, ${blob('ASCII', Buffer.from('x'.repeat(n)))}, ${blob('UNICODE_FSS', fss(n))})`,
      ),
    );
  });
  after(async () => {
    await fb?.drop();
  });
  const target = mysqlForEachTest();

  it(`copies them exactly, at ${limit} bytes and around it, opening only the longer ones`, async function () {
    await target.my.exec('CREATE TABLE TB_OUTROS (ID INT NOT NULL PRIMARY KEY, C LONGTEXT, A LONGTEXT, F LONGTEXT) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
    const opened = await blobsOpened(() => syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_OUTROS' }));
    expect(opened).to.equal(2 * 3);
    await expectSameTable(fb, target.my, 'TB_OUTROS');
    const [[c]] = await target.my.rows('SELECT C FROM TB_OUTROS WHERE ID = 2');
    expect(c).to.equal('АБВГД');
  });
});

const TARGET_FOTOS = 'CREATE TABLE TB_FOTOS (ID INT NOT NULL PRIMARY KEY, FOTO LONGBLOB)';

describe('pages of rows holding large BLOBs', function () {
  this.timeout(120_000);
  let fb: FirebirdFixture;
  /** 64 KiB BLOBs: enough of them outgrow a page's bytes long before its rows. */
  const ROWS = Math.ceil((1.5 * PAGE_BYTES) / 65536);

  before(async function () {
    fb = await createFirebirdDatabase({ charset: 'UTF8' });
    await fb.exec(
      'CREATE TABLE TB_FOTOS (ID INTEGER NOT NULL PRIMARY KEY, FOTO BLOB SUB_TYPE BINARY)',
      // 16 random bytes doubled 12 times: 64 KiB a row, different in every row.
      `EXECUTE BLOCK AS DECLARE I INTEGER = 1; DECLARE J INTEGER; DECLARE B BLOB SUB_TYPE BINARY; BEGIN
         WHILE (I <= ${ROWS}) DO BEGIN
           B = GEN_UUID(); J = 0;
           WHILE (J < 12) DO BEGIN B = B || B; J = J + 1; END
           INSERT INTO TB_FOTOS VALUES (:I, :B); I = I + 1;
         END END`,
    );
  });
  after(async () => {
    await fb?.drop();
  });
  const target = mysqlForEachTest();

  it('end early once their rows took the page bytes, the last page alone final', async function () {
    await target.my.exec(TARGET_FOTOS);
    const db = await openFirebird(fb.uri);
    const mysql = await openMysql(target.my.uri);
    const pages: Page[] = [];
    try {
      const table = await planSync(db, mysql, { table: 'TB_FOTOS' });
      for await (const page of firebirdSource({ db, table, pageSize: 10_000, pageBytes: 1024 * 1024 })) pages.push(page);
    } finally {
      await mysql.end();
      await closeFirebird(db);
    }
    const sizes = pages.map((p) => p.rows.length);
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(ROWS);
    // 1 MiB is 16 rows of 64 KiB; a page ends at the first fetch that reaches it.
    expect(Math.max(...sizes)).to.be.at.most(32);
    expect(pages.map((p) => p.final)).to.deep.equal(pages.map((_, i) => i === pages.length - 1));
    expect(pages.flatMap((p) => p.rows.map((r) => r[0]))).to.deep.equal(Array.from({ length: ROWS }, (_, i) => i + 1));
  });

  it('refuse a page byte bound that bounds nothing: 0, a fraction, NaN', async function () {
    await target.my.exec(TARGET_FOTOS);
    const db = await openFirebird(fb.uri);
    const mysql = await openMysql(target.my.uri);
    try {
      const table = await planSync(db, mysql, { table: 'TB_FOTOS' });
      for (const pageBytes of [0, 0.5, Number.NaN]) {
        expect(() => firebirdSource({ db, table, pageSize: 100, pageBytes }), String(pageBytes)).to.throw(`\`pageBytes\` must be a positive integer, not ${pageBytes}`)
          .with.property('options')
          .that.deep.equals(['pageBytes']);
      }
    } finally {
      await mysql.end();
      await closeFirebird(db);
    }
  });

  /** Every page of TB_FOTOS from a source picking rows by version, with `pick`. */
  async function pickedPages(pick: VersionPick): Promise<Page[]> {
    const db = await openFirebird(fb.uri);
    const mysql = await openMysql(target.my.uri);
    const pages: Page[] = [];
    try {
      const table = await planSync(db, mysql, { table: 'TB_FOTOS' });
      for await (const page of firebirdSource({ db, table, pageSize: 10_000, pageBytes: 1024 * 1024, versions: { pick } })) pages.push(page);
    } finally {
      await mysql.end();
      await closeFirebird(db);
    }
    return pages;
  }

  it('picked by version, hold no more rows than fit in the page bytes, the probe’s keys spread over them', async function () {
    await target.my.exec(TARGET_FOTOS);
    // The first page read whole, then every third row changed.
    const pick: VersionPick = async (probe, after) =>
      after === null ? { changed: probe.keys, gone: [], whole: true } : { changed: probe.keys.filter((k) => (k[0] as number) % 3 === 0), gone: [] };
    const pages = await pickedPages(pick);
    const rows = pages.flatMap((p) => p.rows.map((r) => r[0]));
    expect(rows.slice(0, 18)).to.deep.equal([...Array.from({ length: 16 }, (_, i) => i + 1), 18, 21]);
    expect(rows).to.include(ROWS - (ROWS % 3));
    expect(rows).to.deep.equal([...rows].sort((a, b) => (a as number) - (b as number)));
    // 1 MiB holds fewer than 16 rows of 64 KiB; the first page, their width unknown, reads 16.
    expect(Math.max(...pages.map((p) => p.rows.length))).to.be.at.most(16);
    // The pages' versions tile the keys: each key once, in order, each page's rows among its keys.
    expect(pages.flatMap((p) => p.versions!.keys.map((k) => k[0]))).to.deep.equal(Array.from({ length: ROWS }, (_, i) => i + 1));
    for (const p of pages) expect(p.versions!.keys.map((k) => k[0])).to.include.members(p.rows.map((r) => r[0]));
    expect(pages.map((p) => p.final)).to.deep.equal(pages.map((_, i) => i === pages.length - 1));
  });

  it('picked by version with nothing to read, stay whole', async function () {
    await target.my.exec(TARGET_FOTOS);
    const pages = await pickedPages(async () => ({ changed: [], gone: [] }));
    expect(pages.map((p) => p.versions!.keys.length)).to.deep.equal([ROWS]);
  });

  it('are copied whole with --row-versions, then only the rows changed', async function () {
    await target.my.exec(TARGET_FOTOS);
    expect(await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_FOTOS', rowVersions: true, delete: true })).to.include({ inserted: ROWS });
    await fb.exec(`UPDATE TB_FOTOS SET FOTO = FOTO || x'00' WHERE MOD(ID, 2) = 0`);
    try {
      const report = await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_FOTOS', rowVersions: true, delete: true });
      expect(report).to.include({ read: ROWS, updated: ROWS >> 1, deleted: 0 });
      await expectSameTable(fb, target.my, 'TB_FOTOS');
    } finally {
      await fb.exec(`UPDATE TB_FOTOS SET FOTO = SUBSTRING(FOTO FROM 1 FOR 65536) WHERE MOD(ID, 2) = 0`);
    }
  });

  it('are copied whole with --delete, deleting only the rows the source lacks', async function () {
    await target.my.exec(
      TARGET_FOTOS,
      // Rows the source lacks before, between (none: the keys are dense) and after its keys.
      `INSERT INTO TB_FOTOS VALUES (0, x'00'), (${ROWS + 1}, x'01'), (${ROWS + 500}, x'02')`,
      // And one the source has, with other bytes.
      `INSERT INTO TB_FOTOS VALUES (${ROWS >> 1}, x'03')`,
    );
    // 3 of the target's 4 rows go: past the default guard (docs/deletes.md), which is not what this is about.
    const report = await syncTable({ from: fb.uri, to: target.my.uri, table: 'TB_FOTOS', delete: true, maxDelete: '100%' });
    expect(report).to.include({ read: ROWS, inserted: ROWS - 1, updated: 1, deleted: 3 });
    await expectSameTable(fb, target.my, 'TB_FOTOS');
  });
});
