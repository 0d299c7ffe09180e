/**
 * Several tables, one of which does not sync: the others go on, every table's outcome is in the
 * summary, and the command's exit status is the worst of them (bin/exit-codes.ts,
 * docs/scheduling.md). A table fails for real here: a MySQL trigger refuses its inserts with
 * SIGNAL, an SQL error at run time, after every schema was read and found fine.
 */
import { expect } from 'chai';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FbsyncError } from '../../lib/core/errors.js';
import type { Page } from '../../lib/core/page.js';
import { syncTables } from '../../lib/sync/sync-tables.js';
import { ensureBuilt, fbsync, scratchDir } from '../support/cli.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';

const FIREBIRD = [
  'CREATE TABLE TB_A (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)',
  'CREATE TABLE TB_B (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)',
  'CREATE TABLE TB_C (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)',
  `INSERT INTO TB_A VALUES (1, 'um')`,
  `INSERT INTO TB_A VALUES (2, 'dois')`,
  `INSERT INTO TB_A VALUES (3, 'três')`,
  `INSERT INTO TB_B VALUES (1, 'um')`,
  `INSERT INTO TB_B VALUES (2, 'dois')`,
  `INSERT INTO TB_C VALUES (1, 'um')`,
  `INSERT INTO TB_C VALUES (2, 'dois')`,
];
const MYSQL = ['TB_A', 'TB_B', 'TB_C'].map((t) => `CREATE TABLE ${t} (ID INT NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)`);
const CLOSED = 'TB_B is closed for inserts';
const TRIGGER = `CREATE TRIGGER TB_B_CLOSED BEFORE INSERT ON TB_B FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${CLOSED}'`;

describe('one table that does not sync among several', function () {
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  const sync = (tables: string, ...more: string[]) => fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', tables, ...more]);
  const count = async (table: string) => Number((await my.rows(`SELECT COUNT(*) FROM ${table}`))[0]![0]);

  before(async () => {
    await ensureBuilt();
    fb = await createFirebirdDatabase();
    await fb.exec(...FIREBIRD);
  });
  after(async () => {
    await fb?.drop();
  });
  beforeEach(async () => {
    my = await createMysqlDatabase();
    await my.exec(...MYSQL);
  });
  afterEach(async () => {
    await my?.drop();
  });

  describe('the command', () => {
    it('syncs the other tables, lists both in the summary, and exits with status 1', async () => {
      await my.exec(TRIGGER);
      const run = await sync('TB_A,TB_B,TB_C');
      expect(run.status, run.stderr).to.equal(1);
      expect([await count('TB_A'), await count('TB_B'), await count('TB_C')]).to.deep.equal([3, 0, 2]);
      const lines = run.stdout.trimEnd().split('\n');
      const cells = lines.map((l) => l.split(/\s{2,}/));
      expect(cells[0]).to.deep.equal(['table', 'read', 'inserted', 'updated', 'unchanged', 'deleted', 'rows/s', 'elapsed', 'outcome']);
      expect(cells.slice(1, 5).map((c) => [c[0], c[1], c.at(-1)])).to.deep.equal([
        ['TB_A', '3', 'synced'],
        ['TB_B', '–', 'failed'],
        ['TB_C', '2', 'synced'],
        ['total (3 tables)', '5', 'failed'],
      ]);
      expect(lines.find((l) => l.startsWith('TB_B failed: '))).to.include(CLOSED);
      // On stderr, the failure as one line, as a failure before any table ran would be.
      expect(run.stderr.trimEnd().split('\n')).to.have.length(1);
      expect(run.stderr).to.match(/^fbsync: .*TB_B is closed for inserts/);
    });

    it('says the same in --json: the outcome of each table and of the run, and the error of the one that failed', async () => {
      await my.exec(TRIGGER);
      const run = await sync('TB_A,TB_B,TB_C', '--json');
      expect(run.status).to.equal(1);
      const summary = JSON.parse(run.stdout);
      expect(summary.outcome).to.equal('failed');
      expect(summary.tables.map((t: { table: string; outcome: string }) => [t.table, t.outcome])).to.deep.equal([
        ['TB_A', 'synced'],
        ['TB_B', 'failed'],
        ['TB_C', 'synced'],
      ]);
      expect(summary.tables[1].error.message).to.include(CLOSED);
      expect(summary.tables[0]).to.not.have.property('error');
      expect(summary.total).to.include({ tables: 3, inserted: 5 });
    });

    it('with --stop-on-error begins no table after the one that failed, names them as not begun, and exits with 1', async () => {
      await my.exec(TRIGGER);
      const run = await sync('TB_B,TB_A,TB_C', '--stop-on-error', '--json');
      expect(run.status).to.equal(1);
      expect([await count('TB_A'), await count('TB_C')]).to.deep.equal([0, 0]);
      const summary = JSON.parse(run.stdout);
      expect(summary.outcome).to.equal('failed');
      expect(summary.tables.map((t: { table: string }) => t.table)).to.deep.equal(['TB_B']);
      expect(summary.skipped).to.deep.equal([
        { table: 'TB_A', reason: 'not begun: TB_B did not sync, and the run stops at the first table that does not' },
        { table: 'TB_C', reason: 'not begun: TB_B did not sync, and the run stops at the first table that does not' },
      ]);
    });

    it('with --stop-on-error and no failure, syncs every table and exits with 0', async () => {
      const run = await sync('TB_A,TB_B,TB_C', '--stop-on-error');
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout.split('\n')[0]).to.not.include('outcome');
      expect([await count('TB_A'), await count('TB_B'), await count('TB_C')]).to.deep.equal([3, 2, 2]);
    });

    it('exits with 4 when MySQL rejected rows within --max-errors: the run completed, the rows are in the reject file', async function () {
      const [[mode]] = await my.rows('SELECT @@GLOBAL.sql_mode');
      if (!/STRICT_(TRANS|ALL)_TABLES/.test(String(mode))) this.skip(); // only strict mode rejects instead of truncating
      await my.exec('ALTER TABLE TB_A MODIFY NOME VARCHAR(3) NOT NULL'); // 'dois' and 'três' do not fit
      const rejects = `rejects-${my.database}.jsonl`;
      const run = await sync('TB_A,TB_C', '--max-errors', '5', '--reject-file', rejects, '--json');
      expect(run.status, run.stderr).to.equal(4);
      const summary = JSON.parse(run.stdout);
      expect(summary.outcome).to.equal('rejected');
      expect(summary.tables.map((t: { outcome: string; rejected: number }) => [t.outcome, t.rejected])).to.deep.equal([
        ['rejected', 2],
        ['synced', 0],
      ]);
      const file = join(scratchDir(), rejects);
      expect(existsSync(file)).to.equal(true);
      expect(readFileSync(file, 'utf8').trimEnd().split('\n')).to.have.length(2);
      expect([await count('TB_A'), await count('TB_C')]).to.deep.equal([1, 2]);
    });

    it('exits with 1, naming the table, when rejected rows pass --max-errors, and syncs the others', async function () {
      const [[mode]] = await my.rows('SELECT @@GLOBAL.sql_mode');
      if (!/STRICT_(TRANS|ALL)_TABLES/.test(String(mode))) this.skip();
      await my.exec('ALTER TABLE TB_A MODIFY NOME VARCHAR(3) NOT NULL');
      const run = await sync('TB_A,TB_C', '--max-errors', '1', '--reject-file', `rejects-${my.database}.jsonl`);
      expect(run.status).to.equal(1);
      expect(run.stdout).to.match(/^TB_A failed: .*by raising --max-errors/m);
      expect(await count('TB_C')).to.equal(2);
    });

    it('exits with 2 for a command line that cannot run, before connecting', async () => {
      const run = await sync('TB_A', '--stop-on-eror');
      expect(run.status).to.equal(2);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.match(/^fbsync: Unknown arguments?: .*stop-on-eror/);
    });

    it('exits with 1 and writes nothing when planning fails (a table missing in MySQL), however many tables are fine', async () => {
      await my.exec('DROP TABLE TB_C');
      const run = await sync('TB_A,TB_B,TB_C');
      expect(run.status).to.equal(1);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.match(/^fbsync: MySQL table \S+\.TB_C does not exist/);
      expect([await count('TB_A'), await count('TB_B')]).to.deep.equal([0, 0]);
    });
  });

  describe('syncTables', () => {
    const options = () => ({ from: fb.uri, to: my.uri, tables: ['TB_A', 'TB_B', 'TB_C'] });
    /** A transform that refuses TB_B's first page as a guard would (DELETE_GUARD). */
    const guardOnB = (page: Page) => {
      if (page.table === 'TB_B') throw new FbsyncError('DELETE_GUARD', 'TB_B would lose every row', { hint: 'allow it with `maxDelete`', options: ['maxDelete'] });
      return page;
    };

    it('resolves with the failed table among the others rather than throwing', async () => {
      await my.exec(TRIGGER);
      const summary = await syncTables(options());
      expect(summary.outcome).to.equal('failed');
      expect(summary.tables.map((t) => [t.table, t.outcome])).to.deep.equal([
        ['TB_A', 'synced'],
        ['TB_B', 'failed'],
        ['TB_C', 'synced'],
      ]);
      expect(summary.tables[1]!.error!.message).to.include(CLOSED);
      expect(summary.skipped).to.deep.equal([]);
    });

    it("ends a table a guard refused as refused, with the error's code and options, and the run as refused", async () => {
      const summary = await syncTables({ ...options(), transforms: [guardOnB] });
      expect(summary.outcome).to.equal('refused');
      expect(summary.tables[1]).to.deep.include({ outcome: 'refused', error: { code: 'DELETE_GUARD', message: 'TB_B would lose every row; allow it with `maxDelete`', options: ['maxDelete'] } });
      expect([await count('TB_A'), await count('TB_B'), await count('TB_C')]).to.deep.equal([3, 0, 2]);
    });

    it('stops at a refusal too with stopOnError', async () => {
      const summary = await syncTables({ ...options(), transforms: [guardOnB], stopOnError: true });
      expect(summary.outcome).to.equal('refused');
      expect(summary.skipped.map((s) => s.table)).to.deep.equal(['TB_C']);
    });

    it('with parallel tables, lets the tables running finish once one fails under stopOnError', async () => {
      await my.exec(TRIGGER);
      const summary = await syncTables({ ...options(), tables: ['TB_B', 'TB_A', 'TB_C'], parallelTables: 2, stopOnError: true });
      expect(summary.outcome).to.equal('failed');
      const ran = summary.tables.map((t) => t.table);
      expect(ran).to.include('TB_B');
      for (const t of summary.tables.filter((t) => t.table !== 'TB_B')) expect(t.outcome).to.equal('synced');
      expect([...ran, ...summary.skipped.map((s) => s.table)].sort()).to.deep.equal(['TB_A', 'TB_B', 'TB_C']);
    });
  });
});
