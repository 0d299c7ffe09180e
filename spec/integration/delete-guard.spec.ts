/**
 * The guard on deletes (`maxDelete`, docs/deletes.md) against real servers: a table whose
 * deletes would pass the limit is refused with a DELETE_GUARD error that gives the count, the
 * limit and the way to allow it; when the row counts alone show it, before anything is
 * written; otherwise the diff's running count stops it before the delete that passes the limit.
 */
import { expect } from 'chai';
import { FbsyncError, closeFirebird, openFirebird, syncTable, type SyncOptions, type SyncReport } from '../../lib/index.js';
import { countRows } from '../../lib/firebird/metadata.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';
import { ITEMS_FIREBIRD_DDL, ITEMS_MYSQL_DDL, ids, sourceItems, targetItems, targetKeys } from '../support/items.js';

describe('guarded deletes (maxDelete)', function () {
  this.timeout(60_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;

  beforeEach(async () => {
    fb = await createFirebirdDatabase();
    my = await createMysqlDatabase();
    await fb.exec(ITEMS_FIREBIRD_DDL);
    await my.exec(ITEMS_MYSQL_DDL);
  });
  afterEach(async () => {
    await fb?.drop();
    await my?.drop();
  });

  const sync = (options: Partial<SyncOptions> = {}): Promise<SyncReport> => syncTable({ from: fb.uri, to: my.uri, table: 'ITEMS', delete: true, ...options });

  async function refusal(options: Partial<SyncOptions> = {}): Promise<FbsyncError> {
    const err = await sync(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, 'the sync was refused').to.be.instanceOf(FbsyncError);
    expect((err as FbsyncError).code).to.equal('DELETE_GUARD');
    expect((err as FbsyncError).options).to.include('maxDelete');
    return err as FbsyncError;
  }

  it('refuses by default a source table with no rows while the target has some, and writes nothing', async () => {
    await targetItems(my, ids(1, 10));
    const err = await refusal();
    expect(err.message).to.contain('Firebird table ITEMS has no rows').and.contain('has 10').and.contain('50% of 10 rows = 5 by default');
    expect(err.message).to.contain('nothing was written').and.contain("allow it with `maxDelete` ('100%')");
    expect(await targetKeys(my)).to.deep.equal(ids(1, 10));
  });

  it('refuses by default deleting more than half of the target, and writes nothing: no insert, no update either', async () => {
    await sourceItems(fb, [...ids(1, 4), 99]);
    await fb.exec("UPDATE ITEMS SET NAME = 'changed' WHERE ID = 1");
    await targetItems(my, ids(1, 12));
    const err = await refusal();
    expect(err.message).to.contain('would delete at least 7 of the 12 rows').and.contain('(5 rows)').and.contain('50% of 12 rows = 6 by default');
    expect(await targetKeys(my)).to.deep.equal(ids(1, 12));
    expect(await my.rows('SELECT NAME FROM ITEMS WHERE ID = 1')).to.deep.equal([['item 1']]);
  });

  it('deletes up to half of the target without any option', async () => {
    await sourceItems(fb, ids(1, 6));
    await targetItems(my, ids(1, 12));
    const report = await sync();
    expect(report.deleted).to.equal(6);
    expect(await targetKeys(my)).to.deep.equal(ids(1, 6));
  });

  it('refuses more deletes than a count, naming the count, the limit and maxDelete', async () => {
    await sourceItems(fb, ids(1, 10));
    await targetItems(my, ids(1, 15));
    const err = await refusal({ maxDelete: 4 });
    expect(err.message).to.contain('at least 5 of the 15 rows').and.contain('more than `maxDelete` allows (4)');
    expect(err.hint).to.contain('higher `maxDelete`');
    expect(await targetKeys(my)).to.deep.equal(ids(1, 15));
  });

  it('deletes as many rows as a count allows', async () => {
    await sourceItems(fb, ids(1, 10));
    await targetItems(my, ids(1, 15));
    expect((await sync({ maxDelete: 5 })).deleted).to.equal(5);
    expect(await targetKeys(my)).to.deep.equal(ids(1, 10));
  });

  it('refuses more deletes than a share of the target, and deletes within it', async () => {
    await sourceItems(fb, ids(1, 10));
    await targetItems(my, ids(1, 15));
    const err = await refusal({ maxDelete: '30%' });
    expect(err.message).to.contain('(30% of 15 rows = 4)');
    expect(await targetKeys(my)).to.deep.equal(ids(1, 15));
    expect((await sync({ maxDelete: '34%' })).deleted).to.equal(5);
  });

  it('an explicit maxDelete replaces the default: 100% lets an emptied source empty the target', async () => {
    await targetItems(my, ids(1, 10));
    expect((await sync({ maxDelete: '100%' })).deleted).to.equal(10);
    expect(await targetKeys(my)).to.deep.equal([]);
  });

  it('stops a table whose diff finds more deletes than the limit though the counts match, deleting nothing when one page holds them', async () => {
    // As many rows on both sides, other keys: only the diff can tell.
    await sourceItems(fb, [...ids(1, 19, 2), ...ids(21, 30)]);
    await targetItems(my, ids(1, 20));
    const err = await refusal({ maxDelete: 5 });
    expect(err.message).to.contain('would delete more than 5 of the 20 rows').and.contain('10 found so far').and.contain('nothing was deleted');
    expect(await targetKeys(my)).to.deep.equal(ids(1, 20));
  });

  it('stops such a table over many pages before it passes the limit: never more than the limit is deleted', async () => {
    await sourceItems(fb, [...ids(1, 19, 2), ...ids(21, 30)]);
    await targetItems(my, ids(1, 20));
    const err = await refusal({ maxDelete: 5, pageSize: 2, batchRows: 1 });
    expect(err.message).to.contain('would delete more than 5 of the 20 rows');
    // Pages before the one that passed the limit may have had their deletes written: only rows the source lost.
    const kept = new Set(await targetKeys(my));
    const deleted = ids(1, 20).filter((k) => !kept.has(k));
    expect(deleted.length).to.be.at.most(5);
    expect(deleted.every((k) => k % 2 === 0)).to.equal(true);
  });

  it('does not hold a dry run back: it reports every delete it would make', async () => {
    await targetItems(my, ids(1, 10));
    const report = await sync({ dryRun: true });
    expect(report.deleted).to.equal(10);
    expect(await targetKeys(my)).to.deep.equal(ids(1, 10));
  });

  it('refuses a maxDelete that is neither a count nor a percentage, before connecting', async () => {
    for (const bad of [-1, 1.5, '150%', 'abc', '10']) {
      const err = await sync({ maxDelete: bad as SyncOptions['maxDelete'] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, String(bad)).to.be.instanceOf(FbsyncError);
      expect((err as FbsyncError).code).to.equal('OPTION');
      expect((err as FbsyncError).message).to.contain('`maxDelete` must be');
    }
  });

  it('counts the source only as far as the limit needs: the count stops at target rows less the limit', async () => {
    await sourceItems(fb, ids(1, 10));
    const db = await openFirebird(fb.uri);
    try {
      expect(await countRows(db, 'ITEMS', undefined, 4)).to.equal(4);
      expect(await countRows(db, 'ITEMS', undefined, 25)).to.equal(10);
      expect(await countRows(db, 'ITEMS')).to.equal(10);
    } finally {
      await closeFirebird(db);
    }
  });

  describe('the fbsync command', () => {
    before(() => ensureBuilt());

    it('--max-delete N refuses a table past it, saying the count, the limit and --max-delete, and deletes nothing', async () => {
      await sourceItems(fb, ids(1, 10));
      await targetItems(my, ids(1, 15));
      const run = await fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'ITEMS', '--delete', '--max-delete', '4']);
      expect(run.status).to.not.equal(0);
      expect(run.stderr).to.contain('at least 5 of the 15 rows').and.contain('more than --max-delete allows (4)').and.contain('higher --max-delete');
      expect(await targetKeys(my)).to.deep.equal(ids(1, 15));
    });

    it('--max-delete P% allows deletes within that share of the target', async () => {
      await sourceItems(fb, ids(1, 10));
      await targetItems(my, ids(1, 15));
      const run = await fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'ITEMS', '--delete', '--max-delete', '40%', '--json']);
      expect(run.status, run.stderr).to.equal(0);
      expect(await targetKeys(my)).to.deep.equal(ids(1, 10));
    });

    it('--max-delete with a value that is neither refuses the command line (status 2)', async () => {
      const run = await fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'ITEMS', '--delete', '--max-delete', 'lots']);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.contain('--max-delete must be');
    });
  });
});
