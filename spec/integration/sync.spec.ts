/**
 * syncTable against real servers: a Firebird 3 source and a MariaDB target, each a throwaway
 * database. The source is always read back on its own (through the fixture's attachment, with
 * temporal columns CAST to text) and compared with what MySQL holds, value by value.
 */
import { expect } from 'chai';
import Firebird from 'node-firebird';
import { FbsyncError, syncTable, syncTables, type SyncOptions, type SyncReport } from '../../lib/index.js';
import { ESTOQUE_FIREBIRD_DDL, ESTOQUE_MYSQL_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { expectSameRows, firebirdRows, watchWrites, ESTOQUE_SOURCE_SELECT, ESTOQUE_TARGET_SELECT } from '../support/rows.js';
import { ensureBuilt, fbsync } from '../support/cli.js';

/** Generated rows 1..3000, then three hand-written rows with the awkward values. */
const GENERATED = 3000;
const EDGE_ROWS = [
  // Every WIN1252-only character class: typographic quotes, dashes, €, Œ, Š, Ÿ, ™ …; the most
  // negative NUMERIC(15,3), the largest NUMERIC(15,4); a sub-millisecond timestamp in 1900;
  // an empty note, which is not NULL.
  `INSERT INTO TB_ESTOQUE VALUES (3001, 'ÇÃO-Ä1', 'Pão de queijo “especial” — €5,00 … Œ Š Ž š ž Ÿ ™ • † ‰', -999999999999.999, 99999999999.9999, 0.0001, '1900-01-01 00:00:00.0001', 'N', '')`,
  // A quote, a backslash and a newline, which must survive the trip through SQL text.
  `INSERT INTO TB_ESTOQUE VALUES (3002, 'ÀÉÎÕÜ', 'Maçã ''fuji'' 1\\2', -0.001, 0, 0, '2099-12-31 23:59:59.9999', 'S', 'Linha 1' || ASCII_CHAR(10) || 'Linha 2')`,
  `INSERT INTO TB_ESTOQUE VALUES (3003, 'ZZZ', 'Último item', 12.5, 1.5, 2.25, '2024-02-29 23:59:59.9990', 'S', NULL)`,
];
const ROWS = GENERATED + EDGE_ROWS.length;

/**
 * One of each kind of change, at both ends of the key and in the middle:
 * 9 inserts (two below the first key, seven above the last), 6 updates, 12 deletes.
 */
const SOURCE_CHANGES = [
  `INSERT INTO TB_ESTOQUE VALUES (-2, 'NEG-2', 'Abaixo da primeira chave', 1, 1, 1, '2023-06-01 12:00:00.5000', 'S', NULL)`,
  `INSERT INTO TB_ESTOQUE VALUES (0, 'ZERO', 'Chave zero', 0, 0, 0, '2023-06-01 12:00:00', 'N', 'zero')`,
  estoqueInsertBlock(3004, 3010),
  `UPDATE TB_ESTOQUE SET PRECO_VENDA = PRECO_VENDA + 0.0001 WHERE ID_ESTOQUE = 1`,
  // 'Açúcar cristal União nº 1500' → only the case changes.
  `UPDATE TB_ESTOQUE SET DESCRICAO = 'açúcar cristal união nº 1500' WHERE ID_ESTOQUE = 1500`,
  `UPDATE TB_ESTOQUE SET OBSERVACAO = NULL WHERE ID_ESTOQUE = 2000`,
  `UPDATE TB_ESTOQUE SET OBSERVACAO = '' WHERE ID_ESTOQUE = 2001`,
  `UPDATE TB_ESTOQUE SET ATUALIZADO_EM = DATEADD(1 MILLISECOND TO ATUALIZADO_EM) WHERE ID_ESTOQUE = 2500`,
  `UPDATE TB_ESTOQUE SET QUANTIDADE = -QUANTIDADE WHERE ID_ESTOQUE = 3003`,
  `DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE = 2 OR ID_ESTOQUE BETWEEN 1700 AND 1709 OR ID_ESTOQUE = 3002`,
];
const CHANGED = { inserted: 9, updated: 6, deleted: 12 };
const AFTER_CHANGES = ROWS + CHANGED.inserted - CHANGED.deleted;

/** A row that exists only in MySQL. */
function targetOnlyRow(id: number): string {
  return `INSERT INTO TB_ESTOQUE VALUES (${id}, 'ORFAO-${id}', 'Só no destino', 1.000, 2.0000, 3.0000, '2022-01-01 00:00:00.0000', 'S', NULL)`;
}

interface Estoque {
  fb: FirebirdFixture;
  my: MysqlFixture;
  /** syncTable over TB_ESTOQUE with several pages (700 rows) and batches (250 rows) per run. */
  sync(options?: Partial<SyncOptions>): Promise<SyncReport>;
  source(): Promise<unknown[][]>;
  target(): Promise<unknown[][]>;
}

/** A fresh TB_ESTOQUE pair for every test: 3,003 source rows in a WIN1252 database, an empty target. */
function withEstoque(): Estoque {
  const ctx = {
    sync: (options = {}) =>
      syncTable({ from: ctx.fb.uri, to: ctx.my.uri, table: 'TB_ESTOQUE', pageSize: 700, batchRows: 250, parallel: 3, ...options }),
    source: () => firebirdRows(ctx.fb, ESTOQUE_SOURCE_SELECT),
    target: () => ctx.my.rows(ESTOQUE_TARGET_SELECT),
  } as Estoque;
  beforeEach(async () => {
    ctx.fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    ctx.my = await createMysqlDatabase();
    await ctx.fb.exec(ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock(1, GENERATED), ...EDGE_ROWS);
    await ctx.my.exec(ESTOQUE_MYSQL_DDL);
  });
  afterEach(async () => {
    await ctx.fb?.drop();
    await ctx.my?.drop();
  });
  return ctx;
}

/** A UTF8 Firebird database and a MariaDB database made afresh for every test, with these statements run. */
function withDatabases(firebird: string[], mysql: string[]): { fb: FirebirdFixture; my: MysqlFixture } {
  const ctx = {} as { fb: FirebirdFixture; my: MysqlFixture };
  beforeEach(async () => {
    ctx.fb = await createFirebirdDatabase({ charset: 'UTF8' });
    ctx.my = await createMysqlDatabase();
    await ctx.fb.exec(...firebird);
    await ctx.my.exec(...mysql);
  });
  afterEach(async () => {
    await ctx.fb?.drop();
    await ctx.my?.drop();
  });
  return ctx;
}

describe('syncTable', function () {
  describe('into an empty table', function () {
    const t = withEstoque();

    it('inserts every source row and reports them as inserted', async function () {
      const report = await t.sync();
      expect(report).to.include({ table: 'TB_ESTOQUE', target: 'TB_ESTOQUE', read: ROWS, inserted: ROWS, updated: 0, unchanged: 0, deleted: 0, dryRun: false });
      const [[count]] = await t.my.rows('SELECT COUNT(*) FROM TB_ESTOQUE');
      expect(Number(count)).to.equal(ROWS);
    });

    it('leaves the target equal to the source, value by value', async function () {
      await t.sync();
      const source = await t.source();
      // The fixture really holds what the spec is about: accents, negatives, sub-ms times, NULLs.
      expect(source.find((r) => r[0] === 3001)).to.deep.equal([
        3001, 'ÇÃO-Ä1', 'Pão de queijo “especial” — €5,00 … Œ Š Ž š ž Ÿ ™ • † ‰',
        '-999999999999.999', '99999999999.9999', '0.0001', '1900-01-01 00:00:00.0001', 'N', '',
      ]);
      expect(source.filter((r) => String(r[3]).startsWith('-')).length).to.be.greaterThan(25);
      expect(source.filter((r) => r[8] === null).length).to.be.greaterThan(900);
      expectSameRows(await t.target(), source, 'TB_ESTOQUE');
    });
  });

  describe('re-syncing an unchanged source', function () {
    const t = withEstoque();
    beforeEach(async () => {
      await t.sync();
    });

    it('reports every row unchanged and nothing inserted, updated or deleted', async function () {
      const report = await t.sync({ delete: true });
      expect(report).to.include({ read: ROWS, inserted: 0, updated: 0, unchanged: ROWS, deleted: 0 });
    });

    it('sends not a single write to the target', async function () {
      const before = await t.target();
      const writes = await watchWrites(t.my, 'TB_ESTOQUE');
      await t.sync({ delete: true });
      expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
      expectSameRows(await t.target(), before, 'TB_ESTOQUE after the re-sync');
    });
  });

  describe('after the source changed', function () {
    const t = withEstoque();
    beforeEach(async () => {
      await t.sync();
    });

    it('reports exactly the rows inserted, updated and deleted (with delete)', async function () {
      await t.fb.exec(...SOURCE_CHANGES);
      const report = await t.sync({ delete: true });
      expect(report).to.include({ read: AFTER_CHANGES, ...CHANGED, unchanged: AFTER_CHANGES - CHANGED.inserted - CHANGED.updated });
    });

    it('leaves the target equal to the source again (with delete)', async function () {
      await t.fb.exec(...SOURCE_CHANGES);
      await t.sync({ delete: true });
      const source = await t.source();
      expect(source.length).to.equal(AFTER_CHANGES);
      expectSameRows(await t.target(), source, 'TB_ESTOQUE');
    });

    it('writes only the changed rows', async function () {
      await t.fb.exec(...SOURCE_CHANGES);
      const writes = await watchWrites(t.my, 'TB_ESTOQUE');
      await t.sync({ delete: true });
      // Every upserted row passes the INSERT trigger; the ones that existed also the UPDATE one.
      expect(await writes()).to.deep.equal({ inserts: CHANGED.inserted + CHANGED.updated, updates: CHANGED.updated, deletes: CHANGED.deleted });
    });

    it('deletes target rows below the first and above the last source key (with delete)', async function () {
      await t.fb.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE <= 5 OR ID_ESTOQUE >= 2999');
      await t.my.exec(targetOnlyRow(-100), targetOnlyRow(99_999));
      // 2,993 rows are exactly 41 pages of 73: the last page is full, so only an empty final
      // page can sweep the range above the last key.
      const report = await t.sync({ delete: true, pageSize: 73 });
      expect(report).to.include({ read: ROWS - 10, inserted: 0, updated: 0, deleted: 12 });
      expectSameRows(await t.target(), await t.source(), 'TB_ESTOQUE');
    });

    it('deletes target ranges far larger than a page in slices, and completes (with delete)', async function () {
      await t.fb.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE BETWEEN 100 AND 2900');
      // 30,000 rows only in MySQL above the last source key: three reads for the final page.
      await t.my.exec(
        `INSERT INTO TB_ESTOQUE SELECT seq, CONCAT('ORFAO-', seq), 'Só no destino', 1.000, 2.0000, 3.0000, '2022-01-01 00:00:00.0000', 'S', NULL FROM seq_100000_to_129999`,
      );
      // Nearly every target row goes: more than the default guard allows (docs/deletes.md).
      const report = await t.sync({ delete: true, maxDelete: '100%', pageSize: 73 });
      expect(report).to.include({ read: ROWS - 2801, inserted: 0, updated: 0, deleted: 2801 + 30_000, interrupted: false });
      expectSameRows(await t.target(), await t.source(), 'TB_ESTOQUE');
    });

    it('leaves target-only rows alone without delete', async function () {
      await t.fb.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE = 1500', `UPDATE TB_ESTOQUE SET ATIVO = 'N' WHERE ID_ESTOQUE = 11`);
      await t.my.exec(targetOnlyRow(-100), targetOnlyRow(99_999));
      const orphans = await t.my.rows(`${ESTOQUE_TARGET_SELECT.replace('ORDER BY', 'WHERE ID_ESTOQUE IN (-100, 1500, 99999) ORDER BY')}`);
      expect(orphans.map((r) => r[0])).to.deep.equal([-100, 1500, 99_999]);

      const report = await t.sync();
      expect(report).to.include({ read: ROWS - 1, inserted: 0, updated: 1, unchanged: ROWS - 2, deleted: 0 });
      const target = await t.target();
      const isOrphan = (r: unknown[]) => [-100, 1500, 99_999].includes(r[0] as number);
      expectSameRows(target.filter(isOrphan), orphans, 'target-only rows');
      expectSameRows(target.filter((r) => !isOrphan(r)), await t.source(), 'TB_ESTOQUE');
    });
  });

  describe('dry run', function () {
    const t = withEstoque();
    beforeEach(async () => {
      await t.sync();
      await t.fb.exec(...SOURCE_CHANGES);
    });

    it('reports the inserts, updates and deletes a real run would make', async function () {
      const dry = await t.sync({ delete: true, dryRun: true });
      expect(dry).to.include({ read: AFTER_CHANGES, ...CHANGED, dryRun: true });
      const real = await t.sync({ delete: true });
      expect(real).to.include({ read: AFTER_CHANGES, ...CHANGED, dryRun: false });
    });

    it('writes nothing', async function () {
      const before = await t.target();
      const writes = await watchWrites(t.my, 'TB_ESTOQUE');
      await t.sync({ delete: true, dryRun: true });
      expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
      expectSameRows(await t.target(), before, 'TB_ESTOQUE after the dry run');
    });
  });

  describe('with a composite primary key (INTEGER + VARCHAR)', function () {
    const FIREBIRD_DDL = `CREATE TABLE TB_PRECO_LOJA (
      ID_LOJA      INTEGER NOT NULL,
      CODIGO       VARCHAR(20) NOT NULL,
      PRECO        NUMERIC(15,2) NOT NULL,
      VALIDO_DESDE DATE NOT NULL,
      PROMOCAO     VARCHAR(40),
      PRIMARY KEY (ID_LOJA, CODIGO))`;
    // A binary collation: 'abc', 'ABC' and 'açaí', 'Açaí', 'AÇAÍ' are different keys, as in Firebird.
    const MYSQL_DDL = `CREATE TABLE TB_PRECO_LOJA (
      ID_LOJA      INT NOT NULL,
      CODIGO       VARCHAR(20) COLLATE utf8mb4_bin NOT NULL,
      PRECO        DECIMAL(15,2) NOT NULL,
      VALIDO_DESDE DATE NOT NULL,
      PROMOCAO     VARCHAR(40) NULL,
      PRIMARY KEY (ID_LOJA, CODIGO)) DEFAULT CHARSET=utf8mb4`;
    // 4 stores × (150 generated codes + 5 that differ only in case and accents) = 620 rows.
    const FILL = `EXECUTE BLOCK AS
      DECLARE loja INTEGER = 1;
      DECLARE i INTEGER;
      BEGIN
        WHILE (loja <= 4) DO
        BEGIN
          i = 1;
          WHILE (i <= 150) DO
          BEGIN
            INSERT INTO TB_PRECO_LOJA VALUES (:loja, 'P' || LPAD(:i, 3, '0'), :loja * 100 + :i * 0.25,
              DATEADD(:i DAY TO DATE '2024-01-01'), IIF(MOD(:i, 4) = 0, 'Leve 3 pague 2', NULL));
            i = i + 1;
          END
          INSERT INTO TB_PRECO_LOJA VALUES (:loja, 'açaí', 9.99, DATE '2024-03-01', NULL);
          INSERT INTO TB_PRECO_LOJA VALUES (:loja, 'Açaí', 10.5, DATE '2024-03-01', 'Promoção');
          INSERT INTO TB_PRECO_LOJA VALUES (:loja, 'AÇAÍ', 11, DATE '2024-03-01', NULL);
          INSERT INTO TB_PRECO_LOJA VALUES (:loja, 'abc', 1, DATE '2024-03-01', NULL);
          INSERT INTO TB_PRECO_LOJA VALUES (:loja, 'ABC', 2, DATE '2024-03-01', NULL);
          loja = loja + 1;
        END
      END`;
    const ROWS_PRECO = 620;
    // Key order is by code point: (1,'ABC') is the first key, (4,'açaí') the last.
    const CHANGES = [
      `INSERT INTO TB_PRECO_LOJA VALUES (0, 'X', 1, DATE '2024-05-01', NULL)`, // below the first key
      `INSERT INTO TB_PRECO_LOJA VALUES (5, 'A', 1, DATE '2024-05-01', NULL)`, // above the last key
      `INSERT INTO TB_PRECO_LOJA VALUES (2, 'P075a', 7.5, DATE '2024-05-01', 'novo')`,
      `INSERT INTO TB_PRECO_LOJA VALUES (3, 'Abc', 3, DATE '2024-05-01', NULL)`, // between 'ABC' and 'AÇAÍ'
      `UPDATE TB_PRECO_LOJA SET PRECO = PRECO + 0.01 WHERE ID_LOJA = 1 AND CODIGO = 'ABC'`,
      `UPDATE TB_PRECO_LOJA SET PROMOCAO = NULL WHERE ID_LOJA = 2 AND CODIGO = 'Açaí'`,
      `UPDATE TB_PRECO_LOJA SET VALIDO_DESDE = VALIDO_DESDE + 1 WHERE ID_LOJA = 4 AND CODIGO = 'açaí'`,
      `DELETE FROM TB_PRECO_LOJA WHERE (ID_LOJA = 1 AND CODIGO = 'AÇAÍ') OR (ID_LOJA = 3 AND CODIGO = 'P037') OR (ID_LOJA = 4 AND CODIGO = 'abc')`,
    ];
    const SOURCE = `SELECT ID_LOJA, CODIGO, PRECO, CAST(VALIDO_DESDE AS VARCHAR(10)) AS VALIDO_DESDE, PROMOCAO FROM TB_PRECO_LOJA`;
    const TARGET = 'SELECT ID_LOJA, CODIGO, PRECO, VALIDO_DESDE, PROMOCAO FROM TB_PRECO_LOJA';
    const db = withDatabases([FIREBIRD_DDL, FILL], [MYSQL_DDL]);
    // Small pages, so that page boundaries fall inside a store's run of codes.
    const sync = (options: Partial<SyncOptions> = {}) =>
      syncTable({ from: db.fb.uri, to: db.my.uri, table: 'TB_PRECO_LOJA', pageSize: 37, batchRows: 100, ...options });
    /** Both sides in the same order: by key, code point order for the text part. */
    const byKey = (a: unknown[], b: unknown[]) => (a[0] as number) - (b[0] as number) || (String(a[1]) < String(b[1]) ? -1 : String(a[1]) > String(b[1]) ? 1 : 0);
    const source = async () => (await firebirdRows(db.fb, SOURCE)).sort(byKey);
    const target = async () => (await db.my.rows(TARGET)).sort(byKey);


    it('copies every row into an empty table', async function () {
      const report = await sync();
      expect(report).to.include({ read: ROWS_PRECO, inserted: ROWS_PRECO, updated: 0, unchanged: 0, deleted: 0 });
      expectSameRows(await target(), await source(), 'TB_PRECO_LOJA');
    });

    it('re-syncs an unchanged source without a single write', async function () {
      await sync();
      const writes = await watchWrites(db.my, 'TB_PRECO_LOJA');
      const report = await sync({ delete: true });
      expect(report).to.include({ read: ROWS_PRECO, inserted: 0, updated: 0, unchanged: ROWS_PRECO, deleted: 0 });
      expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    });

    it('applies inserts, updates and deletes, at both ends of the key and between case variants', async function () {
      await sync();
      await db.fb.exec(...CHANGES);
      const report = await sync({ delete: true });
      expect(report).to.include({ read: ROWS_PRECO + 1, inserted: 4, updated: 3, deleted: 3, unchanged: ROWS_PRECO + 1 - 7 });
      expectSameRows(await target(), await source(), 'TB_PRECO_LOJA');
    });
  });

  describe('with a text key Firebird orders case-insensitively (UNICODE_CI)', function () {
    // 'k1500x' sorts right after 'K1500' in Firebird, far above every 'K…' key by code point.
    const FIREBIRD_DDL = `CREATE TABLE TB_MARCA (
      CODIGO VARCHAR(20) CHARACTER SET UTF8 NOT NULL COLLATE UNICODE_CI,
      NOME   VARCHAR(40) CHARACTER SET UTF8,
      PRIMARY KEY (CODIGO))`;
    const FILL = `EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN
      WHILE (i <= 3000) DO BEGIN INSERT INTO TB_MARCA VALUES ('K' || LPAD(:i, 4, '0'), 'Marca ' || :i); i = i + 1; END
      INSERT INTO TB_MARCA VALUES ('k1500x', 'Marca minúscula');
    END`;
    const MYSQL_DDL = `CREATE TABLE TB_MARCA (CODIGO VARCHAR(20) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY, NOME VARCHAR(40) NULL) DEFAULT CHARSET=utf8mb4`;
    const db = withDatabases([FIREBIRD_DDL, FILL], [MYSQL_DDL]);
    const sync = (options: Partial<SyncOptions> = {}) => syncTable({ from: db.fb.uri, to: db.my.uri, table: 'TB_MARCA', pageSize: 1000, ...options });
    const rows = async (read: () => Promise<unknown[][]>) => (await read()).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));


    it('copies every row without --delete', async function () {
      const report = await sync();
      expect(report).to.include({ read: 3001, inserted: 3001, updated: 0, unchanged: 0, deleted: 0 });
      expectSameRows(await rows(() => db.my.rows('SELECT CODIGO, NOME FROM TB_MARCA')), await rows(() => firebirdRows(db.fb, 'SELECT CODIGO, NOME FROM TB_MARCA')), 'TB_MARCA');
    });

    it('re-syncs without --delete finding the one row changed, and writes only that one', async function () {
      await sync();
      await db.fb.exec(`UPDATE TB_MARCA SET NOME = 'Marca 1501 nova' WHERE CODIGO = 'K1501'`);
      const writes = await watchWrites(db.my, 'TB_MARCA');
      const report = await sync();
      expect(report).to.include({ read: 3001, inserted: 0, updated: 1, unchanged: 3000 });
      // The upsert passes the INSERT trigger, then the UPDATE one.
      expect(await writes()).to.deep.equal({ inserts: 1, updates: 1, deletes: 0 });
    });

    for (const [option, options] of [['delete', { delete: true }], ['rowVersions', { rowVersions: true }]] as const) {
      it(`stops with ${option}, naming the keys out of order and what to do`, async function () {
        const error = await sync(options).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error).to.be.instanceOf(FbsyncError);
        expect((error as FbsyncError).code).to.equal('KEY_ORDER');
        expect((error as FbsyncError).message).to.include('TB_MARCA(CODIGO="K1501") after TB_MARCA(CODIGO="k1500x")');
        expect((error as FbsyncError).hint).to.equal('sync this table without `delete` and `rowVersions`, or give its key a binary collation');
        expect((error as FbsyncError).options).to.deep.equal(['delete', 'rowVersions']);
      });
    }
  });

  describe('with a primary key of another type', function () {
    // 1,000 keys each, paged 97 at a time, so that pages end on every kind of value. Temporal
    // keys carry fractions of a second (Firebird keeps 1/10,000 s); the DOUBLE keys are i/7,
    // whose shortest forms have 16-17 digits.
    const KEYS = [
      { type: 'TIMESTAMP', mysql: 'DATETIME(4)', key: `DATEADD(:i * 3 MILLISECOND TO TIMESTAMP '2024-01-01 10:00:00') + :i / 864000000.0`, read: 'CAST(K AS VARCHAR(24))' },
      { type: 'TIME', mysql: 'TIME(4)', key: `DATEADD(:i * 1700 MILLISECOND TO TIME '00:00:00') + :i / 864000000.0`, read: 'CAST(K AS VARCHAR(13))' },
      { type: 'DATE', mysql: 'DATE', key: `DATEADD(:i * 37 DAY TO DATE '1899-12-01')`, read: 'CAST(K AS VARCHAR(10))' },
      { type: 'DOUBLE PRECISION', mysql: 'DOUBLE', key: ':i / 7e0', read: 'K' },
    ];
    for (const { type, mysql, key, read } of KEYS) {
      describe(type, function () {
        const db = withDatabases(
          [
            `CREATE TABLE TB_LEITURA (K ${type} NOT NULL PRIMARY KEY, V INTEGER NOT NULL)`,
            `EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN WHILE (i <= 1000) DO BEGIN INSERT INTO TB_LEITURA VALUES (${key}, :i); i = i + 1; END END`,
          ],
          [`CREATE TABLE TB_LEITURA (K ${mysql} NOT NULL PRIMARY KEY, V INT NOT NULL)`],
        );
        const sync = (options: Partial<SyncOptions> = {}) => syncTable({ from: db.fb.uri, to: db.my.uri, table: 'TB_LEITURA', pageSize: 97, ...options });
        // Keys as text on both sides (MariaDB prints a DOUBLE in its shortest exact form, as JS does).
        const source = async () => (await firebirdRows(db.fb, `SELECT ${read}, V FROM TB_LEITURA ORDER BY K`)).map(([k, v]) => [String(k), v]);
        const target = () => db.my.rows('SELECT CAST(K AS CHAR), V FROM TB_LEITURA ORDER BY K');

        it('pages through every key and re-syncs finding nothing changed', async function () {
          expect(await sync()).to.include({ read: 1000, inserted: 1000, updated: 0, unchanged: 0 });
          expectSameRows(await target(), await source(), 'TB_LEITURA');
          expect(await sync({ delete: true })).to.include({ read: 1000, inserted: 0, updated: 0, unchanged: 1000, deleted: 0 });
        });

        it('finds exactly the rows changed and deleted, with --row-versions too', async function () {
          await sync({ rowVersions: true });
          await db.fb.exec('UPDATE TB_LEITURA SET V = -V WHERE MOD(V, 97) = 0', 'DELETE FROM TB_LEITURA WHERE MOD(V, 89) = 0');
          expect(await sync({ delete: true, rowVersions: true })).to.include({ read: 989, inserted: 0, updated: 10, unchanged: 979, deleted: 11 });
          expectSameRows(await target(), await source(), 'TB_LEITURA');
          expect(await sync({ delete: true })).to.include({ read: 989, inserted: 0, updated: 0, unchanged: 989, deleted: 0 });
        });
      });
    }

    describe('DOUBLE PRECISION of 2^63 and more', function () {
      const db = withDatabases(
        [
          'CREATE TABLE TB_LEITURA (K DOUBLE PRECISION NOT NULL PRIMARY KEY, V INTEGER NOT NULL)',
          'EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN WHILE (i <= 300) DO BEGIN INSERT INTO TB_LEITURA VALUES (:i * 1e17, :i); i = i + 1; END END',
        ],
        ['CREATE TABLE TB_LEITURA (K DOUBLE NOT NULL PRIMARY KEY, V INT NOT NULL)'],
      );

      it('stops with KEY_VALUE naming the table, the key and what to do, having written no row', async function () {
        const err = await syncTable({ from: db.fb.uri, to: db.my.uri, table: 'TB_LEITURA', pageSize: 97 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(FbsyncError).and.include({ code: 'KEY_VALUE' });
        // 93 × 10^17 is the first whole number of 2^63 (9.22 × 10^18) or more.
        expect((err as Error).message).to.include('TB_LEITURA(K=9300000000000000000)').and.include('2^63').and.include('primary key of another type');
        expect(await db.my.rows('SELECT COUNT(*) FROM TB_LEITURA')).to.deep.equal([['0']]);
      });
    });
  });

  describe('every supported column type', function () {
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    let firstSync: SyncReport;
    const sync = () => syncTable({ from: fb.uri, to: my.uri, table: 'TB_TIPOS', delete: true });
    before(async () => {
      fb = await createFirebirdDatabase();
      my = await createMysqlDatabase();
      await fb.exec(
        `CREATE TABLE TB_TIPOS (ID BIGINT NOT NULL PRIMARY KEY, PEQUENO SMALLINT, N41 NUMERIC(4,1), N92 NUMERIC(9,2),
          N184 NUMERIC(18,4), DUPLO DOUBLE PRECISION, REAL_ FLOAT, FLAG BOOLEAN, TEXTO BLOB SUB_TYPE TEXT,
          BINARIO BLOB SUB_TYPE BINARY, FIXO CHAR(10), HORA TIME)`,
        `INSERT INTO TB_TIPOS VALUES (9223372036854775807, -32768, -999.9, -9999999.99, -99999999999999.9999,
          0.1, 0.5, TRUE, 'Olá, mundo — €', x'00FF10', 'ab', '23:59:59.9999')`,
        `INSERT INTO TB_TIPOS VALUES (-9223372036854775808, 32767, 0.1, 0.01, 0.0001, 1e300, -2.5, FALSE, '', x'', '', '00:00:00')`,
        'INSERT INTO TB_TIPOS (ID) VALUES (1)',
      );
      await my.exec(`CREATE TABLE TB_TIPOS (ID BIGINT NOT NULL PRIMARY KEY, PEQUENO SMALLINT, N41 DECIMAL(4,1), N92 DECIMAL(9,2),
        N184 DECIMAL(18,4), DUPLO DOUBLE, REAL_ FLOAT, FLAG BOOLEAN, TEXTO TEXT, BINARIO BLOB, FIXO CHAR(10), HORA TIME(4))`);
      firstSync = await sync();
    });
    after(async () => {
      await fb?.drop();
      await my?.drop();
    });

    it('copies each value exactly', async function () {
      expect(firstSync).to.include({ read: 3, inserted: 3 });
      expect(await my.rows('SELECT * FROM TB_TIPOS ORDER BY ID')).to.deep.equal([
        ['-9223372036854775808', 32767, '0.1', '0.01', '0.0001', 1e300, -2.5, 0, '', Buffer.alloc(0), '', '00:00:00.0000'],
        ['1', null, null, null, null, null, null, null, null, null, null, null],
        ['9223372036854775807', -32768, '-999.9', '-9999999.99', '-99999999999999.9999', 0.1, 0.5, 1, 'Olá, mundo — €', Buffer.from([0, 0xff, 0x10]), 'ab', '23:59:59.9999'],
      ]);
    });

    it('finds nothing changed on a re-sync: every value compares equal to what it became', async function () {
      expect(await sync()).to.include({ read: 3, inserted: 0, updated: 0, unchanged: 3, deleted: 0 });
    });
  });

  describe('in any process time zone (CLI)', function () {
    // Wall-clock values that a conversion through JS Dates in the process's zone would shift:
    // midnight of 2018-11-04 does not exist in São Paulo (DST began), 23:30 of 2018-02-17
    // happened twice there (DST ended), and 1900 predates standard offsets (LMT) in both zones.
    const FIREBIRD_DDL = 'CREATE TABLE TB_DATAS (ID INTEGER NOT NULL PRIMARY KEY, DIA DATE, MOMENTO TIMESTAMP, HORA TIME)';
    const MYSQL_DDL = 'CREATE TABLE TB_DATAS (ID INT NOT NULL PRIMARY KEY, DIA DATE NULL, MOMENTO DATETIME(4) NULL, HORA TIME(4) NULL)';
    const VALUES = [
      `(1, '2018-11-04', '2018-11-04 00:00:00', '00:00:00')`,
      `(2, '2018-11-04', '2018-11-04 00:30:15.1234', '00:30:15.1234')`,
      `(3, '2018-02-17', '2018-02-17 23:30:00.5', '23:30:00.5')`,
      `(4, '1900-01-01', '1900-01-01 00:00:00.0001', '23:59:59.9999')`,
      `(5, '1942-09-01', '1942-09-01 00:00:00', '12:00:00')`,
      `(6, '2024-02-29', '2024-02-29 12:34:56.789', '06:00:00')`,
      `(7, NULL, NULL, NULL)`,
      `(8, '9999-12-31', '9999-12-31 23:59:59.9999', '00:00:00.0001')`,
    ];
    const ZONES = ['America/Sao_Paulo', 'Asia/Kolkata'];
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    let expected: unknown[][];

    function fbsyncIn(tz: string, ...args: string[]) {
      return fbsync(['sync', '--tables', 'TB_DATAS', '--json', ...args], { env: { TZ: tz, FBSYNC_FROM: fb.uri, FBSYNC_TO: my.uri } });
    }

    before(async function () {
      // The premise: this machine's time zone data knows the São Paulo DST gap.
      const hour = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Sao_Paulo', hour: 'numeric', hourCycle: 'h23' });
      expect(Number(hour.format(Date.UTC(2018, 10, 4, 3, 0)))).to.equal(1);
      await ensureBuilt();
      fb = await createFirebirdDatabase();
      await fb.exec(FIREBIRD_DDL, ...VALUES.map((v) => `INSERT INTO TB_DATAS VALUES ${v}`));
      expected = await firebirdRows(
        fb,
        'SELECT ID, CAST(DIA AS VARCHAR(10)) AS DIA, CAST(MOMENTO AS VARCHAR(24)) AS MOMENTO, CAST(HORA AS VARCHAR(13)) AS HORA FROM TB_DATAS ORDER BY ID',
      );
      expect(expected[1]).to.deep.equal([2, '2018-11-04', '2018-11-04 00:30:15.1234', '00:30:15.1234']);
    });
    after(async () => {
      await fb?.drop();
    });
    beforeEach(async () => {
      my = await createMysqlDatabase();
      await my.exec(MYSQL_DDL);
    });
    afterEach(async () => {
      await my?.drop();
    });

    for (const tz of ZONES) {
      it(`copies DATE, TIME and TIMESTAMP values unchanged with TZ=${tz}`, async function () {
        const run = await fbsyncIn(tz);
        expect(run.stderr).to.equal('');
        expect(run.status).to.equal(0);
        expect(JSON.parse(run.stdout).tables[0]).to.include({ inserted: VALUES.length });
        expectSameRows(await my.rows('SELECT ID, DIA, MOMENTO, HORA FROM TB_DATAS ORDER BY ID'), expected, 'TB_DATAS');
      });
    }

    it('finds nothing to change when re-synced in another time zone', async function () {
      expect((await fbsyncIn(ZONES[0]!)).status).to.equal(0);
      const run = await fbsyncIn(ZONES[1]!, '--delete');
      expect(run.status).to.equal(0);
      expect(JSON.parse(run.stdout).tables[0]).to.include({ read: VALUES.length, inserted: 0, updated: 0, unchanged: VALUES.length, deleted: 0 });
    });
  });

  describe('while another transaction has changed the table and not committed', function () {
    const t = withEstoque();

    /** Runs `work` while an open transaction holds `change` (by default an update of rows 10 and 2000); fails if `work` waits 10 s. */
    async function whileUpdating<T>(work: () => Promise<T>, change = "UPDATE TB_ESTOQUE SET ATIVO = 'N' WHERE ID_ESTOQUE IN (10, 2000)"): Promise<T> {
      const writer = await t.fb.db.transactionAsync({ isolation: Firebird.ISOLATION_READ_COMMITTED });
      try {
        await writer.queryAsync(change, []);
        const stuck = new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('still waiting after 10 s')), 10_000).unref());
        return await Promise.race([work(), stuck]);
      } finally {
        await writer.rollbackAsync();
      }
    }

    it('syncs without waiting for it, as the rows were committed', async function () {
      const report = await whileUpdating(() => t.sync({ delete: true }));
      expect(report).to.include({ read: ROWS, inserted: ROWS });
      expectSameRows(await t.target(), await t.source(), 'TB_ESTOQUE');
    });

    it('reads the table’s definition without waiting for an ALTER TABLE left uncommitted, as committed', async function () {
      const report = await whileUpdating(() => t.sync(), 'ALTER TABLE TB_ESTOQUE ADD NOVA INTEGER');
      expect(report).to.include({ read: ROWS, inserted: ROWS });
    });

    it('counts the rows of a table a dry run would create without waiting for it', async function () {
      await t.my.exec('DROP TABLE TB_ESTOQUE');
      const summary = await whileUpdating(() => syncTables({ from: t.fb.uri, to: t.my.uri, tables: ['TB_ESTOQUE'], createTables: true, dryRun: true }));
      expect(summary.total).to.include({ read: ROWS, inserted: ROWS, dryRun: true });
    });
  });
});
