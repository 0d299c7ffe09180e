/**
 * --row-versions against real servers: a first run compares every row and notes each row's
 * Firebird record version in the target; later runs read only keys and versions, then in full
 * only the rows written since, and say when the notes cannot be used.
 */
import { expect } from 'chai';
import { FbsyncError, syncTable, type Page, type RetryEvent, type SyncOptions, type SyncReport } from '../../lib/index.js';
import { decodeList } from '../../lib/core/version-codec.js';
import { ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { createEstoqueDatabases, createFirebirdDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { expectSameRows, firebirdRows, watchWrites, ESTOQUE_SOURCE_SELECT, ESTOQUE_TARGET_SELECT, type WriteCounts } from '../support/rows.js';

/** fbsync_version_sets' after_key: [generation, fingerprint, target rows, noted rows]. */
interface NotedSet {
  generation: string;
  fingerprint: string;
  targetRows: number;
  notedRows: number;
}

describe('--row-versions', function () {
  const ROWS = 3000;
  const ANOTHER_DATABASE = 'the notes were taken from another Firebird database, for other columns or by another version of fbsync';
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  let other: FirebirdFixture | undefined;
  let options: SyncOptions;
  let writes: () => Promise<WriteCounts>;

  before(async function () {
    ({ fb, my } = await createEstoqueDatabases(ROWS));
    // Small pages, so that the changes of a later run are scattered over several of them.
    options = { from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', rowVersions: true, pageSize: 500 };
    writes = await watchWrites(my, 'TB_ESTOQUE');
  });

  after(async () => {
    await other?.drop();
    await fb?.drop();
    await my?.drop();
  });

  /** The one valid set of notes, for TB_ESTOQUE. */
  async function notedSet(): Promise<NotedSet> {
    const rows = await my.rows('SELECT table_name, after_key FROM fbsync_version_sets');
    expect(rows, 'fbsync_version_sets').to.have.length(1);
    expect(rows[0]![0]).to.equal('TB_ESTOQUE');
    const [generation, fingerprint, targetRows, notedRows] = JSON.parse(String(rows[0]![1])) as [string, string, number, number];
    return { generation, fingerprint, targetRows, notedRows };
  }

  /** The generations of notes stored for TB_ESTOQUE. */
  async function storedGenerations(): Promise<string[]> {
    const rows = await my.rows('SELECT DISTINCT generation FROM fbsync_row_versions WHERE table_name = ? ORDER BY generation', ['TB_ESTOQUE']);
    return rows.map(([g]) => String(g));
  }

  async function targetCount(): Promise<number> {
    const [[n]] = await my.rows('SELECT COUNT(*) FROM TB_ESTOQUE');
    return Number(n);
  }

  async function sourceCount(): Promise<number> {
    const [[n]] = await firebirdRows(fb, 'SELECT COUNT(*) FROM TB_ESTOQUE');
    return Number(n);
  }

  async function expectTargetIsSource(source: FirebirdFixture = fb): Promise<void> {
    expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(source, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
  }

  /** The valid notes, in key order, as [key, version] pairs. */
  async function notedVersions(): Promise<unknown[][]> {
    const { generation } = await notedSet();
    const stored = await my.rows('SELECT entries FROM fbsync_row_versions WHERE table_name = ? AND generation = ? ORDER BY seq', ['TB_ESTOQUE', generation]);
    return stored.flatMap(([entries]) => {
      const list = decodeList(entries as Buffer);
      return list.keys.map((key, i) => [key[0], list.versions[i]]);
    });
  }

  /** Every source row's key and record version, as Firebird has them. */
  async function firebirdVersions(): Promise<unknown[][]> {
    const rows = await firebirdRows(fb, 'SELECT ID_ESTOQUE, RDB$RECORD_VERSION FROM TB_ESTOQUE ORDER BY ID_ESTOQUE');
    return rows.map(([id, version]) => [id, String(version)]);
  }

  /** A run, and the rows it inserted, updated and deleted in the target as triggers counted them. */
  async function syncCountingWrites(more: Partial<SyncOptions> = {}): Promise<{ report: SyncReport; wrote: WriteCounts }> {
    const before = await writes();
    const report = await syncTable({ ...options, ...more });
    const after = await writes();
    return { report, wrote: { inserts: after.inserts - before.inserts, updates: after.updates - before.updates, deletes: after.deletes - before.deletes } };
  }

  it('compares every row the first time, says why, and copies them all', async function () {
    const report = await syncTable(options);
    expect(report).to.include({ read: ROWS, inserted: ROWS, updated: 0, unchanged: 0, deleted: 0, rejected: 0 });
    expect(report.versions).to.deep.equal({ mode: 'noted', reason: 'no run noted versions before' });
    await expectTargetIsSource();
  });

  it('notes the record version of every row it copied, as one valid set of notes', async function () {
    const set = await notedSet();
    expect(set.fingerprint).to.match(/^[0-9a-f]{64}$/);
    expect(set).to.include({ targetRows: ROWS, notedRows: ROWS });
    const stored = await my.rows('SELECT generation, seq, entries FROM fbsync_row_versions WHERE table_name = ? ORDER BY seq', ['TB_ESTOQUE']);
    expect(stored.map(([generation]) => generation)).to.deep.equal(stored.map(() => set.generation));
    // One stored page per source page: 6 of 500 rows and the empty final one.
    expect(stored.map(([, seq]) => seq)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    const noted = stored.map(([, , entries]) => decodeList(entries as Buffer));
    expect(noted.map((l) => l.keys.length)).to.deep.equal([500, 500, 500, 500, 500, 500, 0]);
    expect(await notedVersions()).to.deep.equal(await firebirdVersions());
  });

  it('with nothing changed since, finds every row unchanged by its version and writes nothing', async function () {
    const before = await notedSet();
    const { report, wrote } = await syncCountingWrites();
    expect(report).to.include({ read: ROWS, inserted: 0, updated: 0, unchanged: ROWS, deleted: 0 });
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(wrote).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    // This run's notes replace the last run's.
    const after = await notedSet();
    expect(after).to.include({ fingerprint: before.fingerprint, targetRows: ROWS, notedRows: ROWS });
    expect(after.generation).to.not.equal(before.generation);
    expect(await storedGenerations()).to.deep.equal([after.generation]);
  });

  it('does not read unchanged rows in full, so it does not see a change made in MySQL behind its back (the contract)', async function () {
    await my.exec('UPDATE TB_ESTOQUE SET QUANTIDADE = 0 WHERE ID_ESTOQUE = 1234');
    const report = await syncTable(options);
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(report).to.include({ read: ROWS, updated: 0, unchanged: ROWS });
    expect(await my.rows('SELECT QUANTIDADE FROM TB_ESTOQUE WHERE ID_ESTOQUE = 1234')).to.deep.equal([['0.000']]);
  });

  it('while a run without rowVersions compares every row and repairs it, leaving the notes alone', async function () {
    const before = await notedSet();
    const report = await syncTable({ ...options, rowVersions: false });
    expect(report).to.include({ read: ROWS, updated: 1, unchanged: ROWS - 1 });
    expect(report).to.not.have.property('versions');
    await expectTargetIsSource();
    expect(await notedSet()).to.deep.equal(before);
  });

  it('finds exactly the rows updated, inserted and deleted in Firebird, and with delete deletes the gone ones', async function () {
    await fb.exec(
      // 10 rows, one or two in every page: 7, 307, …, 2707.
      'UPDATE TB_ESTOQUE SET QUANTIDADE = QUANTIDADE + 1 WHERE MOD(ID_ESTOQUE, 300) = 7',
      estoqueInsertBlock(ROWS + 1, ROWS + 5),
      // 7 rows: the very first key, and 250, 750, …, 2750.
      'DELETE FROM TB_ESTOQUE WHERE MOD(ID_ESTOQUE, 500) = 250 OR ID_ESTOQUE = 1',
    );
    const now = ROWS + 5 - 7;
    const { report, wrote } = await syncCountingWrites({ delete: true });
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(report).to.include({ read: now, inserted: 5, updated: 10, unchanged: now - 15, deleted: 7, rejected: 0 });
    // Every upserted row passes the INSERT trigger; the ones that existed also the UPDATE one.
    expect(wrote).to.deep.equal({ inserts: 15, updates: 10, deletes: 7 });
    await expectTargetIsSource();
    expect(await notedSet()).to.include({ targetRows: now, notedRows: now });
    // Versions now go up and down from key to key: the notes still hold each row's own.
    expect(await notedVersions()).to.deep.equal(await firebirdVersions());
  });

  it('without delete, leaves the rows deleted in Firebird in the target', async function () {
    await fb.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE IN (100, 1600, 3003)');
    const now = await sourceCount();
    const report = await syncTable(options);
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(report).to.include({ read: now, inserted: 0, updated: 0, unchanged: now, deleted: 0 });
    expect(await my.rows('SELECT ID_ESTOQUE FROM TB_ESTOQUE WHERE ID_ESTOQUE IN (100, 1600, 3003) ORDER BY ID_ESTOQUE')).to.deep.equal([[100], [1600], [3003]]);
    expect(await targetCount()).to.equal(now + 3);
    // The notes hold the source's rows only: they no longer name the three left behind.
    expect(await notedSet()).to.include({ targetRows: now + 3, notedRows: now });
  });

  it('and runs without delete go on using the notes, those rows in the target or not', async function () {
    const report = await syncTable(options);
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(await targetCount()).to.equal((await sourceCount()) + 3);
  });

  it('while a run with delete, whose notes cannot name those rows, compares every row, says why, and deletes them', async function () {
    const now = await sourceCount();
    const report = await syncTable({ ...options, delete: true });
    expect(report.versions).to.deep.equal({
      mode: 'noted',
      reason: `the notes hold ${now.toLocaleString('en-US')} of the ${(now + 3).toLocaleString('en-US')} target rows (a run without delete left rows the source no longer has)`,
    });
    expect(report).to.include({ read: now, inserted: 0, updated: 0, unchanged: now, deleted: 3 });
    await expectTargetIsSource();
    expect(await notedSet()).to.include({ targetRows: now, notedRows: now });
  });

  it('and the next run with delete uses the notes again', async function () {
    const report = await syncTable({ ...options, delete: true });
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(report).to.include({ deleted: 0 });
  });

  it('after a row was deleted in MySQL (the row count changed), compares every row, says why, and restores it', async function () {
    const rows = await targetCount();
    await my.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE = 2000');
    const report = await syncTable(options);
    expect(report.versions).to.deep.equal({
      mode: 'noted',
      reason: `the target table has ${(rows - 1).toLocaleString('en-US')} rows, ${rows.toLocaleString('en-US')} when the last run ended`,
    });
    expect(report).to.include({ read: rows, inserted: 1, updated: 0, unchanged: rows - 1 });
    await expectTargetIsSource();
    expect((await notedSet()).targetRows).to.equal(rows);
  });

  it('and the run after that uses the new notes', async function () {
    const report = await syncTable({ ...options, delete: true });
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(report).to.include({ inserted: 0, updated: 0, deleted: 0 });
  });

  it('after a row was added in MySQL, compares every row with delete, says why, and deletes it', async function () {
    const rows = await targetCount();
    await my.exec(
      `INSERT INTO TB_ESTOQUE SELECT 999999, CODIGO, DESCRICAO, QUANTIDADE, PRECO_CUSTO, PRECO_VENDA, ATUALIZADO_EM, ATIVO, OBSERVACAO FROM TB_ESTOQUE WHERE ID_ESTOQUE = 2`,
    );
    expect(await targetCount()).to.equal(rows + 1);
    const report = await syncTable({ ...options, delete: true });
    expect(report.versions).to.deep.equal({
      mode: 'noted',
      reason: `the target table has ${(rows + 1).toLocaleString('en-US')} rows, ${rows.toLocaleString('en-US')} when the last run ended`,
    });
    expect(report).to.include({ read: rows, inserted: 0, updated: 0, unchanged: rows, deleted: 1 });
    await expectTargetIsSource();
    expect(await notedSet()).to.include({ targetRows: rows, notedRows: rows });
    expect((await syncTable({ ...options, delete: true })).versions).to.deep.equal({ mode: 'compared' });
  });

  it('after a run in which MySQL rejected a row, keeps the notes of the run before, so the row is read again', async function () {
    const before = await notedSet();
    await my.exec('ALTER TABLE TB_ESTOQUE ADD CONSTRAINT spec_no_magic CHECK (QUANTIDADE <> 424242)');
    await fb.exec('UPDATE TB_ESTOQUE SET QUANTIDADE = 424242 WHERE ID_ESTOQUE = 555');
    const rejected = await syncTable({ ...options, maxErrors: 1 });
    expect(rejected.versions).to.deep.equal({ mode: 'compared' });
    expect(rejected).to.include({ updated: 1, rejected: 1 });
    expect(await notedSet()).to.deep.equal(before);

    await my.exec('ALTER TABLE TB_ESTOQUE DROP CONSTRAINT spec_no_magic');
    const again = await syncTable(options);
    expect(again.versions).to.deep.equal({ mode: 'compared' });
    expect(again).to.include({ updated: 1, rejected: 0 });
    await expectTargetIsSource();
    // The notes the rejecting run wrote page by page are gone with it.
    expect(await storedGenerations()).to.deep.equal([(await notedSet()).generation]);
  });

  it('with dryRun, reports the changes by version and writes nothing, notes included', async function () {
    await fb.exec('UPDATE TB_ESTOQUE SET PRECO_VENDA = PRECO_VENDA + 1 WHERE ID_ESTOQUE IN (10, 2510)');
    const now = await sourceCount();
    const set = await notedSet();
    const stored = await my.rows('SELECT generation, seq, entries FROM fbsync_row_versions ORDER BY table_name, generation, seq');
    const { report, wrote } = await syncCountingWrites({ dryRun: true, delete: true });
    expect(report).to.include({ dryRun: true, read: now, inserted: 0, updated: 2, unchanged: now - 2, deleted: 0 });
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(wrote).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    expect(await notedSet()).to.deep.equal(set);
    expect(await my.rows('SELECT generation, seq, entries FROM fbsync_row_versions ORDER BY table_name, generation, seq')).to.deep.equal(stored);
  });

  it('and the next real run still finds the rows the dry run saw', async function () {
    const report = await syncTable({ ...options, delete: true });
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(report).to.include({ updated: 2, inserted: 0, deleted: 0 });
    await expectTargetIsSource();
  });

  it('after losing the Firebird connection mid-run, reads the lost pages again with the same notes, and counts exactly', async function () {
    // 4 updated, 2 deleted, spread over the table.
    await fb.exec(
      'UPDATE TB_ESTOQUE SET ATIVO = IIF(ATIVO = \'S\', \'N\', \'S\') WHERE ID_ESTOQUE IN (600, 1700, 2200, 2900)',
      'DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE IN (1100, 2600)',
    );
    const now = await sourceCount();
    // As an administrator does it: every attachment but the fixture's own goes, once pages 2 and 15 went by.
    const killAfterPages = (...pages: number[]) => async (page: Page) => {
      if (pages.includes(page.seq)) await fb.exec('DELETE FROM MON$ATTACHMENTS WHERE MON$ATTACHMENT_ID <> CURRENT_CONNECTION AND MON$SYSTEM_FLAG = 0');
      return page;
    };
    const retries: RetryEvent[] = [];
    // Pages of 100 rows, so the source cannot have read them all before a kill (and notes of
    // pages of 500 are handed out across pages of another size).
    const report = await syncTable({
      ...options,
      pageSize: 100,
      delete: true,
      transforms: [killAfterPages(2, 15)],
      retry: { attempts: 8, baseMs: 20, maxMs: 300 },
      onRetry: (e) => retries.push(e),
    });
    // Usually both kills land while the source reads; the second may come after it is done.
    expect(retries.length, 'Firebird reads retried').to.be.within(1, 2);
    for (const e of retries) expect([e.database, e.operation]).to.deep.equal(['firebird', 'read']);
    expect(report.versions).to.deep.equal({ mode: 'compared' });
    expect(report).to.include({ read: now, inserted: 0, updated: 4, unchanged: now - 4, deleted: 2, interrupted: false });
    await expectTargetIsSource();
    expect(await notedSet()).to.include({ targetRows: now, notedRows: now });
  });

  it('resumed after a checkpoint, reads part of the table, so it neither uses nor leaves notes', async function () {
    const set = await notedSet();
    await my.exec(`INSERT INTO fbsync_checkpoints (table_name, after_key) VALUES ('TB_ESTOQUE', '[1500]')`);
    const [[above]] = await firebirdRows(fb, 'SELECT COUNT(*) FROM TB_ESTOQUE WHERE ID_ESTOQUE > 1500');
    const report = await syncTable({ ...options, resume: true });
    expect(report.resumedAfter).to.deep.equal([1500]);
    expect(report.versions).to.deep.equal({ mode: 'off', reason: 'a resumed run reads part of the table' });
    expect(report).to.include({ read: Number(above), unchanged: Number(above) });
    expect(await notedSet()).to.deep.equal(set);
  });

  it('does not use notes taken for other columns', async function () {
    const report = await syncTable({ ...options, excludeColumns: ['OBSERVACAO'] });
    expect(report.versions).to.deep.equal({ mode: 'noted', reason: ANOTHER_DATABASE });
    expect(report).to.include({ read: await sourceCount(), updated: 0 });
    // And the notes for all columns are not those either.
    expect((await syncTable(options)).versions).to.deep.equal({ mode: 'noted', reason: ANOTHER_DATABASE });
  });

  it('does not use notes taken from another Firebird database, even with the same table and keys', async function () {
    const before = await notedSet();
    other = await createFirebirdDatabase({ charset: 'WIN1252' });
    await other.exec(ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock(1, ROWS));
    const report = await syncTable({ ...options, from: other.uri, delete: true });
    expect(report.versions).to.deep.equal({ mode: 'noted', reason: ANOTHER_DATABASE });
    expect(report.read).to.equal(ROWS);
    await expectTargetIsSource(other);
    expect((await notedSet()).fingerprint).to.not.equal(before.fingerprint);
  });

  it('and back on the first database compares every row again', async function () {
    const report = await syncTable({ ...options, delete: true });
    expect(report.versions).to.deep.equal({ mode: 'noted', reason: ANOTHER_DATABASE });
    expect(report.read).to.equal(await sourceCount());
    await expectTargetIsSource();
  });

  it('refuses sinceColumn, another way of finding changed rows', async function () {
    const err = await syncTable({ ...options, sinceColumn: 'ATUALIZADO_EM' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FbsyncError).with.property('code', 'OPTION');
    expect((err as Error).message).to.match(/^`sinceColumn` and `rowVersions` are two ways of finding changed rows; use one/);
    expect((err as FbsyncError).options).to.deep.equal(['sinceColumn', 'rowVersions']);
  });

  describe('with integer keys from the lowest to the highest INTEGER, over many small pages', function () {
    const KEYS = [-2147483648, -2147483647, -1000000, -70000, -1, 0, 1, 2, 3, 40000, 1000000, 2147483646, 2147483647];
    const SOURCE = 'SELECT ID, NOME FROM TB_EXTREMO ORDER BY ID';
    let extremo: SyncOptions;

    before(async function () {
      await fb.exec('CREATE TABLE TB_EXTREMO (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(20) NOT NULL)');
      for (const id of KEYS) await fb.exec(`INSERT INTO TB_EXTREMO VALUES (${id}, 'n${id}')`);
      await my.exec('CREATE TABLE TB_EXTREMO (ID INT NOT NULL PRIMARY KEY, NOME VARCHAR(20) NOT NULL)');
      extremo = { from: fb.uri, to: my.uri, table: 'TB_EXTREMO', rowVersions: true, pageSize: 3 };
      const first = await syncTable(extremo);
      expect(first).to.include({ read: KEYS.length, inserted: KEYS.length });
    });

    it('finds the changed, new and gone keys at both ends of the range', async function () {
      await fb.exec(
        "UPDATE TB_EXTREMO SET NOME = 'changed' WHERE ID IN (-2147483648, 0, 2147483647)",
        "INSERT INTO TB_EXTREMO VALUES (-2, 'new')",
        "INSERT INTO TB_EXTREMO VALUES (2000000000, 'new')",
        'DELETE FROM TB_EXTREMO WHERE ID IN (-2147483647, 1, 2147483646)',
      );
      const report = await syncTable({ ...extremo, delete: true });
      expect(report.versions).to.deep.equal({ mode: 'compared' });
      expect(report).to.include({ read: KEYS.length - 1, inserted: 2, updated: 3, unchanged: KEYS.length - 6, deleted: 3 });
      expectSameRows(await my.rows(SOURCE), await firebirdRows(fb, SOURCE), 'TB_EXTREMO');
    });
  });

  describe('after the source lost far more rows of a range than a page holds', function () {
    const SOURCE = 'SELECT ID, NOME FROM TB_MUITOS ORDER BY ID';
    let muitos: SyncOptions;

    before(async function () {
      await fb.exec(
        'CREATE TABLE TB_MUITOS (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(20) NOT NULL)',
        `EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN WHILE (i <= 30000) DO BEGIN INSERT INTO TB_MUITOS VALUES (:i, 'n' || :i); i = i + 1; END END`,
      );
      await my.exec('CREATE TABLE TB_MUITOS (ID INT NOT NULL PRIMARY KEY, NOME VARCHAR(20) NOT NULL)');
      // 24,000 of 30,000 rows go below: more than the default guard allows (docs/deletes.md).
      muitos = { from: fb.uri, to: my.uri, table: 'TB_MUITOS', rowVersions: true, delete: true, maxDelete: '100%', pageSize: 100 };
      expect(await syncTable(muitos)).to.include({ read: 30_000, inserted: 30_000 });
    });

    it('compares those pages by their key range, deleting every gone row, and the others by version', async function () {
      // 12,000 rows gone between two kept ones, and the 12,000 above the last kept one: more
      // notes in each page's range than TARGET_READ_ROWS, where they would be held at once.
      await fb.exec('DELETE FROM TB_MUITOS WHERE ID BETWEEN 5001 AND 17000 OR ID > 18000', "UPDATE TB_MUITOS SET NOME = 'changed' WHERE ID IN (7, 17001)");
      const report = await syncTable(muitos);
      expect(report.versions).to.deep.equal({ mode: 'compared' });
      expect(report).to.include({ read: 6000, inserted: 0, updated: 2, unchanged: 5998, deleted: 24_000 });
      expectSameRows(await my.rows(SOURCE), await firebirdRows(fb, SOURCE), 'TB_MUITOS');
    });

    it('and the next run finds nothing to do by version', async function () {
      const report = await syncTable(muitos);
      expect(report.versions).to.deep.equal({ mode: 'compared' });
      expect(report).to.include({ read: 6000, inserted: 0, updated: 0, unchanged: 6000, deleted: 0 });
    });
  });

  describe('with a composite key whose text part is a padded CHAR', function () {
    const FIREBIRD_DDL = `CREATE TABLE TB_SALDO (
      ID_LOJA INTEGER NOT NULL,
      CODIGO  CHAR(8) NOT NULL,
      SALDO   NUMERIC(15,2) NOT NULL,
      PRIMARY KEY (ID_LOJA, CODIGO))`;
    const MYSQL_DDL = `CREATE TABLE TB_SALDO (
      ID_LOJA INT NOT NULL,
      CODIGO  CHAR(8) NOT NULL,
      SALDO   DECIMAL(15,2) NOT NULL,
      PRIMARY KEY (ID_LOJA, CODIGO)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
    // 4 stores × 300 codes, some shorter than the column (padded by Firebird).
    const FILL = `EXECUTE BLOCK AS DECLARE l INTEGER = 1; DECLARE c INTEGER; BEGIN
      WHILE (l <= 4) DO BEGIN c = 1;
        WHILE (c <= 300) DO BEGIN
          INSERT INTO TB_SALDO VALUES (:l, IIF(MOD(:c, 2) = 0, 'C' || :c, 'C' || LPAD(:c, 6, '0')), :l * 1000 + :c); c = c + 1; END
        l = l + 1; END END`;
    const SOURCE = 'SELECT ID_LOJA, TRIM(CODIGO), SALDO FROM TB_SALDO ORDER BY ID_LOJA, CODIGO';
    const TARGET = 'SELECT ID_LOJA, CODIGO, SALDO FROM TB_SALDO ORDER BY ID_LOJA, CODIGO';
    let saldo: SyncOptions;

    before(async function () {
      await fb.exec(FIREBIRD_DDL, FILL);
      await my.exec(MYSQL_DDL);
      saldo = { from: fb.uri, to: my.uri, table: 'TB_SALDO', rowVersions: true, pageSize: 100 };
      const first = await syncTable(saldo);
      expect(first).to.include({ read: 1200, inserted: 1200 });
      expect(first.versions).to.include({ mode: 'noted' });
    });

    it('reads back by key exactly the rows written since, and deletes the gone ones', async function () {
      await fb.exec(
        // 8 updated (codes padded and not), 3 inserted, 4 deleted, in several pages.
        "UPDATE TB_SALDO SET SALDO = SALDO + 0.5 WHERE CODIGO IN ('C10', 'C000011', 'C250', 'C000299')",
        "INSERT INTO TB_SALDO VALUES (2, 'C0', 1)",
        "INSERT INTO TB_SALDO VALUES (2, 'Z', 2)",
        "INSERT INTO TB_SALDO VALUES (5, 'C1', 3)",
        "DELETE FROM TB_SALDO WHERE (ID_LOJA = 1 AND CODIGO = 'C000001') OR (ID_LOJA = 3 AND CODIGO IN ('C100', 'C000101')) OR (ID_LOJA = 4 AND CODIGO = 'C300')",
      );
      const report = await syncTable({ ...saldo, delete: true });
      expect(report.versions).to.deep.equal({ mode: 'compared' });
      expect(report).to.include({ read: 1199, inserted: 3, updated: 16, unchanged: 1199 - 19, deleted: 4 });
      expectSameRows(await my.rows(TARGET), await firebirdRows(fb, SOURCE), 'TB_SALDO');
    });

    it('keeps its notes apart from the other table’s', async function () {
      const tables = await my.rows('SELECT table_name FROM fbsync_version_sets ORDER BY table_name');
      expect(tables).to.deep.equal([['TB_ESTOQUE'], ['TB_EXTREMO'], ['TB_MUITOS'], ['TB_SALDO']]);
      const report = await syncTable(saldo);
      expect(report.versions).to.deep.equal({ mode: 'compared' });
      expect(report).to.include({ read: 1199, unchanged: 1199 });
    });
  });
});
