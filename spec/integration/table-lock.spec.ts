/**
 * One run per target table at a time (lib/mysql/table-lock.ts): a run holds a MySQL named lock
 * for each table it syncs, on a connection of its own. A second run on the same table is
 * refused before it reads or writes anything of it (outcome `busy`, exit status 5), or with
 * `wait` waits for the first; other tables still sync; dry runs and checks take no lock; and a
 * run killed with kill -9 leaves no lock behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { expect } from 'chai';
import type { Page } from '../../lib/core/page.js';
import { FbsyncError } from '../../lib/core/errors.js';
import { tableLockName } from '../../lib/mysql/table-lock.js';
import type { SyncReport } from '../../lib/sync/options.js';
import { syncTable } from '../../lib/sync/sync-table.js';
import { ensureBuilt, fbsync, REPO_ROOT } from '../support/cli.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';

const FIREBIRD = [
  'CREATE TABLE TB_A (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)',
  'CREATE TABLE TB_B (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)',
  `INSERT INTO TB_A VALUES (1, 'um')`,
  `INSERT INTO TB_A VALUES (2, 'dois')`,
  `INSERT INTO TB_A VALUES (3, 'três')`,
  `INSERT INTO TB_B VALUES (1, 'um')`,
  `INSERT INTO TB_B VALUES (2, 'dois')`,
];
const MYSQL = ['TB_A', 'TB_B'].map((t) => `CREATE TABLE ${t} (ID INT NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)`);

/** A page stage that holds the first page until `open()`: the run has its lock and has written nothing. */
function gate() {
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const arrived = new Promise<void>((r) => (reached = r));
  const stage = async (page: Page) => {
    reached();
    await opened;
    return page;
  };
  return { stage, arrived, open };
}

/** A page stage that takes `ms` over every page, so that two runs started together overlap. */
const slow = (ms: number) => async (page: Page) => {
  await new Promise((r) => setTimeout(r, ms));
  return page;
};

describe('one run per target table at a time', function () {
  this.timeout(30_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  const sync = (...args: string[]) => fbsync(['sync', '--from', fb.uri, '--to', my.uri, ...args]);
  const count = async (table: string) => Number((await my.rows(`SELECT COUNT(*) FROM ${table}`))[0]![0]);
  const holder = async (table: string) => (await my.rows('SELECT IS_USED_LOCK(?)', [tableLockName(my.database, table)]))[0]![0];

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

  it('names the lock after the database and table, hashed when longer than 64 characters', () => {
    expect(tableLockName('shop', 'TB_A')).to.equal('fbsync:shop.tb_a');
    const long = tableLockName('d'.repeat(40), 't'.repeat(40));
    expect(long).to.match(/^fbsync:[0-9a-f]{40}$/);
    expect(long).to.equal(tableLockName('D'.repeat(40), 'T'.repeat(40)));
  });

  describe('two runs started together on one table', () => {
    it('one syncs, the other is refused with TABLE_BUSY and writes nothing', async () => {
      const runs = await Promise.allSettled([1, 2].map(() => syncTable({ from: fb.uri, to: my.uri, table: 'TB_A', transforms: [slow(1000)] })));
      const synced = runs.filter((r): r is PromiseFulfilledResult<SyncReport> => r.status === 'fulfilled');
      const refused = runs.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(synced.map((r) => r.value.inserted)).to.deep.equal([3]);
      expect(refused).to.have.length(1);
      expect(refused[0]!.reason).to.be.instanceOf(FbsyncError);
      expect(refused[0]!.reason.code).to.equal('TABLE_BUSY');
      expect(refused[0]!.reason.message).to.include(`MySQL table ${my.database}.TB_A is being synced by another run (host ${hostname()}, pid ${process.pid}, started `);
      expect(await holder('TB_A'), 'both runs let go of the lock').to.equal(null);
    });

    it('with `wait`, the second waits for the first and then syncs, finding its rows there', async () => {
      const runs = await Promise.all([1, 2].map(() => syncTable({ from: fb.uri, to: my.uri, table: 'TB_A', transforms: [slow(1000)], wait: 20 })));
      expect(runs.map((r) => [r.inserted, r.unchanged]).sort()).to.deep.equal([
        [0, 3],
        [3, 0],
      ]);
    });
  });

  describe('the command, while another run holds TB_A', () => {
    let held: ReturnType<typeof gate>;
    let first: Promise<SyncReport>;
    beforeEach(async () => {
      held = gate();
      first = syncTable({ from: fb.uri, to: my.uri, table: 'TB_A', transforms: [held.stage] });
      await held.arrived;
    });
    afterEach(async () => {
      held.open();
      await first.catch(() => undefined);
    });

    it('exits 5, naming the table and the run holding it (host, pid, start time), and writes nothing', async () => {
      const run = await sync('--tables', 'TB_A');
      expect(run.status, run.stderr).to.equal(5);
      expect(run.stderr).to.match(new RegExp(`^fbsync: MySQL table ${my.database}\\.TB_A is being synced by another run \\(host ${hostname()}, pid ${process.pid}, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; MySQL connection \\d+\\); nothing of it was read or written; run again once that run is done, or wait for it with --wait\\n$`));
      expect(await count('TB_A')).to.equal(0);
    });

    it('syncs the other tables, and the summary says which was left alone as busy', async () => {
      const run = await sync('--tables', 'TB_A,TB_B', '--json');
      expect(run.status, run.stderr).to.equal(5);
      const summary = JSON.parse(run.stdout);
      expect(summary.outcome).to.equal('busy');
      expect(summary.tables.map((t: SyncReport) => [t.table, t.outcome, t.error?.code])).to.deep.equal([
        ['TB_A', 'busy', 'TABLE_BUSY'],
        ['TB_B', 'synced', undefined],
      ]);
      expect([await count('TB_A'), await count('TB_B')]).to.deep.equal([0, 2]);
    });

    it('shows the busy table in the text summary', async () => {
      const run = await sync('--tables', 'TB_A,TB_B');
      expect(run.status).to.equal(5);
      const lines = run.stdout.split('\n');
      expect(lines.find((l) => l.startsWith('TB_A '))).to.match(/busy$/);
      expect(lines.find((l) => l.startsWith('TB_A busy: '))).to.include('is being synced by another run');
    });

    it('with --wait, waits until the holder is done, then syncs', async () => {
      const waiting = sync('--tables', 'TB_A', '--wait', '20', '--json');
      await new Promise((r) => setTimeout(r, 1000));
      expect(await count('TB_A'), 'nothing written while waiting').to.equal(0);
      held.open();
      const run = await waiting;
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout).tables[0]).to.deep.include({ read: 3, inserted: 0, unchanged: 3 });
    });

    it('with `wait`, stops waiting when its signal is aborted: TABLE_BUSY at once', async () => {
      const stop = new AbortController();
      const began = Date.now();
      const waiting = syncTable({ from: fb.uri, to: my.uri, table: 'TB_A', wait: 20, signal: stop.signal });
      setTimeout(() => stop.abort(), 500);
      const err = await waiting.then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(FbsyncError);
      expect((err as FbsyncError).code).to.equal('TABLE_BUSY');
      expect((err as FbsyncError).message).to.include('(the run was stopped while it waited)');
      expect(Date.now() - began).to.be.below(5000);
      expect(await count('TB_A')).to.equal(0);
    });

    it('a dry run takes no lock: it runs beside the holder', async () => {
      const run = await sync('--tables', 'TB_A', '--dry-run', '--json');
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout).tables[0]).to.deep.include({ inserted: 3, dryRun: true });
    });

    it('fbsync check takes no lock', async () => {
      const run = await fbsync(['check', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_A']);
      expect(run.status, run.stderr).to.equal(0);
    });
  });

  describe('a run killed with kill -9', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    it('frees its lock at once: a run right after syncs', async () => {
      child = spawn(process.execPath, ['--import', 'tsx', 'spec/support/hold-table.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, FBSYNC_FROM: fb.uri, FBSYNC_TO: my.uri, FBSYNC_TABLE: 'TB_A', DEBUG: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child!.stdout!.on('data', (b: Buffer) => b.toString().includes('holding') && resolve());
        child!.on('exit', (code) => reject(new Error(`the holding run ended (exit ${code}) before it held the table`)));
      });
      expect(await holder('TB_A'), 'the child holds the lock').to.not.equal(null);
      const killed = new Promise((r) => child!.on('exit', r));
      child.kill('SIGKILL');
      await killed;
      const run = await sync('--tables', 'TB_A', '--json');
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout).tables[0]).to.deep.include({ inserted: 3 });
    });
  });
});
