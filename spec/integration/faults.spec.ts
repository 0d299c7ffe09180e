/**
 * syncTable when MySQL misbehaves, against real servers: connections killed from another
 * session in the middle of a run, a deadlock, and rows MySQL refuses in strict mode.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import mysql from 'mysql2/promise';
import { FbsyncError, RejectFile, abandonFirebird, closeFirebird, openFirebird, type FirebirdDatabase, openMysql, syncTable, type Page, type RetryEvent, type MysqlTarget, type RejectedRow, type SyncOptions } from '../../lib/index.js';
import { ESTOQUE_FIREBIRD_DDL, ESTOQUE_MYSQL_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { createEstoqueDatabases, createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { expectSameRows, firebirdRows, ESTOQUE_SOURCE_SELECT, ESTOQUE_TARGET_SELECT } from '../support/rows.js';
import { ensureBuilt, fbsync } from '../support/cli.js';

/** Short pauses between retries: the specs are about what is retried, not about waiting. */
const QUICK_RETRY = { attempts: 8, baseMs: 20, maxMs: 300 };

/** A millisecond every fifth row inserted into TB_ESTOQUE: slows a run down, changes no data. */
const SLOW_INSERTS = 'CREATE TRIGGER fbsync_spec_slow BEFORE INSERT ON TB_ESTOQUE FOR EACH ROW SET @fbsync_spec_pause = IF(NEW.ID_ESTOQUE % 5 = 0, SLEEP(0.001), 0)';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function strictMode(my: MysqlFixture): Promise<boolean> {
  const [[mode]] = await my.rows('SELECT @@GLOBAL.sql_mode');
  return /STRICT_(TRANS|ALL)_TABLES/.test(String(mode));
}

describe('faults', function () {
  describe('MySQL connections killed in the middle of a run', function () {
    const ROWS = 30_000;
    let fb: FirebirdFixture;
    let my: MysqlFixture;

    before(async function () {
      ({ fb, my } = await createEstoqueDatabases(ROWS));
      // Each 500-row upsert then lasts a tenth of a second, long enough to be caught running.
      await my.exec(SLOW_INSERTS);
    });

    after(async () => {
      await fb?.drop();
      await my?.drop();
    });

    it('retries the killed statements, finishes, and leaves the target equal to the source', async function () {
      this.timeout(300_000);
      const retries: RetryEvent[] = [];
      let done = false;
      const run = syncTable({
        from: fb.uri,
        to: my.uri,
        table: 'TB_ESTOQUE',
        pageSize: 5000,
        batchRows: 500,
        parallel: 3,
        retry: QUICK_RETRY,
        onRetry: (event) => retries.push(event),
      }).finally(() => (done = true));

      // From the fixture's own session: the sync's connections are the others of this user on
      // this database. Only those running the sync's own statements on TB_ESTOQUE (the sink's
      // LOAD DATA of new rows and upserts, the diff's reads) are killed; an idle pooled
      // connection may be handed next to some other query (the catalog, a checkpoint) whose
      // retries are not what this is about.
      const killed: number[] = [];
      const [[me]] = await my.rows('SELECT CURRENT_USER()');
      const user = String(me).split('@')[0];
      while (!done && killed.length < 6) {
        const ids = await my.rows(
          `SELECT ID FROM information_schema.PROCESSLIST
            WHERE USER = ? AND DB = ? AND ID <> CONNECTION_ID() AND COMMAND = 'Query'
              AND (INFO LIKE 'INSERT INTO \`TB_ESTOQUE\`%' OR INFO LIKE 'LOAD DATA LOCAL INFILE % INTO TABLE \`TB_ESTOQUE\`%'
                   OR INFO LIKE 'SELECT % FROM \`TB_ESTOQUE\`%')`,
          [user, my.database],
        );
        for (const [id] of ids.slice(0, 2)) {
          // The statement may have ended, or the connection gone, since the SELECT.
          await my.exec(`KILL CONNECTION ${Number(id)}`).then(
            () => killed.push(Number(id)),
            () => undefined,
          );
        }
        await sleep(ids.length ? 300 : 20);
      }

      const report = await run;
      expect(killed.length, 'connections killed while the sync ran').to.be.at.least(1);
      expect(retries.length, 'statements retried').to.be.at.least(1);
      for (const event of retries) {
        expect(event.database).to.equal('mysql');
        expect(event.table).to.equal('TB_ESTOQUE');
        expect(event.attempts).to.equal(QUICK_RETRY.attempts);
        expect(event.delayMs).to.be.within(0, QUICK_RETRY.maxMs);
      }
      expect(report).to.include({ read: ROWS, inserted: ROWS, updated: 0, unchanged: 0, deleted: 0, rejected: 0 });
      expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
    });
  });

  describe('the Firebird connection lost in the middle of a run', function () {
    const ROWS = 20_000;
    let fb: FirebirdFixture;
    let my: MysqlFixture;

    before(async function () {
      ({ fb, my } = await createEstoqueDatabases(ROWS));
    });

    beforeEach(async () => {
      await my.exec('TRUNCATE TABLE TB_ESTOQUE', 'DROP TABLE IF EXISTS fbsync_checkpoints');
    });

    after(async () => {
      await fb?.drop();
      await my?.drop();
    });

    /** What an administrator does to a runaway attachment: every one but the fixture's own goes. */
    async function killAttachments(): Promise<void> {
      await fb.exec('DELETE FROM MON$ATTACHMENTS WHERE MON$ATTACHMENT_ID <> CURRENT_CONNECTION AND MON$SYSTEM_FLAG = 0');
    }

    /** A page stage that kills the source's attachment once each of the given pages has gone by. */
    function killAfterPages(...pages: number[]): (page: Page) => Promise<Page> {
      return async (page) => {
        if (pages.includes(page.seq)) await killAttachments();
        return page;
      };
    }

    it('attaches again, reads the lost page again, and leaves the target equal to the source', async function () {
      const retries: RetryEvent[] = [];
      const report = await syncTable({
        from: fb.uri,
        to: my.uri,
        table: 'TB_ESTOQUE',
        pageSize: 1000,
        transforms: [killAfterPages(3, 11)],
        retry: QUICK_RETRY,
        onRetry: (e) => retries.push(e),
      });
      expect(retries.map((e) => [e.database, e.table, e.operation, e.attempt])).to.deep.equal([
        ['firebird', 'TB_ESTOQUE', 'read', 1],
        ['firebird', 'TB_ESTOQUE', 'read', 1],
      ]);
      // The server's "connection shutdown", or the driver noticing the closed socket first.
      for (const e of retries) expect(e.error.message).to.match(/connection shutdown|connection to firebird server was lost|out of step/i);
      expect(report).to.include({ read: ROWS, inserted: ROWS, updated: 0, deleted: 0, interrupted: false });
      expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
    });

    it('attaches again when the connection is lost before the first row, while the table is planned', async function () {
      const db = await openFirebird(fb.uri);
      let fresh: FirebirdDatabase | undefined;
      const retries: RetryEvent[] = [];
      try {
        await killAttachments();
        const report = await syncTable({
          from: db,
          reconnect: async () => (fresh = await openFirebird(fb.uri)),
          to: my.uri,
          table: 'TB_ESTOQUE',
          retry: QUICK_RETRY,
          onRetry: (e) => retries.push(e),
        });
        expect(retries.map((e) => [e.database, e.table, e.operation, e.attempt])).to.deep.equal([['firebird', 'TB_ESTOQUE', 'read', 1]]);
        expect(report).to.include({ read: ROWS, inserted: ROWS, interrupted: false });
        expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
      } finally {
        abandonFirebird(db);
        await closeFirebird(fresh);
      }
    });

    it('the command says on stderr that it attached again, and still exits 0 with the target equal to the source', async function () {
      await ensureBuilt();
      // Slow writes hold the reader back (backpressure) while it is mid-table; killed then, it
      // is caught reading rather than logging in.
      await my.exec(SLOW_INSERTS);
      try {
        const run = fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_ESTOQUE', '--page-size', '500'], { timeoutMs: 30_000 });
        for (let i = 0; i < 1500; i++) {
          const [[landed]] = await my.rows('SELECT COUNT(*) FROM TB_ESTOQUE');
          if (Number(landed) >= 1000) break;
          await sleep(20);
        }
        await killAttachments();
        const result = await run;
        expect(result.status, result.stderr).to.equal(0);
        expect(result.stderr, result.stderr).to.match(/^fbsync: Firebird read of TB_ESTOQUE failed \(.+\); attempt 1 of 8, attaching again in \d+\.\d s$/m);
        expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
      } finally {
        await my.exec('DROP TRIGGER IF EXISTS fbsync_spec_slow');
      }
    });

    it('stops when it cannot attach again, naming the table and the way to resume, with a valid checkpoint', async function () {
      // Port 1 of the same host: nothing listens there, so every attach is refused at once.
      const unreachable = fb.uri.replace(/@([^:/@]+)(:\d+)?\//, '@$1:1/');
      expect(unreachable).to.not.equal(fb.uri);
      const attempts: number[] = [];
      const db = await openFirebird(fb.uri);
      const err = await syncTable({
        from: db,
        // As if the server had gone away for good: every new attachment is refused.
        reconnect: () => openFirebird(unreachable),
        to: my.uri,
        table: 'TB_ESTOQUE',
        pageSize: 1000,
        transforms: [killAfterPages(5)],
        retry: { attempts: 3, baseMs: 10, maxMs: 50 },
        onRetry: (e) => attempts.push(e.attempt),
      })
        .then(
          () => expect.fail('the sync should have failed'),
          (e: unknown) => e,
        )
        .finally(() => abandonFirebird(db));
      expect(err).to.be.instanceOf(FbsyncError).with.property('code', 'SOURCE_READ');
      expect((err as Error).message).to.match(/^reading Firebird table TB_ESTOQUE failed: .*\(connection lost; 3 attempts made\); .*`resume`/);
      expect((err as FbsyncError).options).to.deep.equal(['resume']);
      expect(attempts).to.deep.equal([1, 2]);
      const [[after]] = await my.rows('SELECT after_key FROM fbsync_checkpoints');
      const [[landed]] = await my.rows('SELECT COUNT(*) FROM TB_ESTOQUE');
      expect(Number(landed)).to.be.at.least(JSON.parse(String(after))[0]);

      const resumed = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', pageSize: 1000, resume: true });
      expect(resumed.resumedAfter).to.deep.equal(JSON.parse(String(after)));
      expect(resumed.read).to.equal(ROWS - JSON.parse(String(after))[0]);
      expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
    });

    it('stops at once when given an attachment and no way to make another', async function () {
      const db = await openFirebird(fb.uri);
      try {
        const err = await syncTable({ from: db, to: my.uri, table: 'TB_ESTOQUE', pageSize: 1000, transforms: [killAfterPages(2)], retry: QUICK_RETRY }).then(
          () => expect.fail('the sync should have failed'),
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(FbsyncError).with.property('code', 'SOURCE_READ');
        expect((err as Error).message).to.match(/^reading Firebird table TB_ESTOQUE failed: .* \(connection lost\); .*`resume`/);
      } finally {
        abandonFirebird(db);
      }
    });
  });

  describe('a deadlock', function () {
    const ROWS = 200;
    let fb: FirebirdFixture;
    let my: MysqlFixture;

    before(async function () {
      ({ fb, my } = await createEstoqueDatabases(ROWS));
      await my.exec('CREATE TABLE fbsync_spec_ballast (id INT PRIMARY KEY, n INT NOT NULL)');
      await my.exec('INSERT INTO fbsync_spec_ballast SELECT seq, 0 FROM seq_1_to_5000');
    });

    after(async () => {
      await fb?.drop();
      await my?.drop();
    });

    it("is retried in a new transaction when MySQL picks the sink's batch as the victim", async function () {
      this.timeout(120_000);
      // Every row exists with an old CODIGO, so the sync updates every row, taking row locks.
      await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE' });
      await my.exec(`UPDATE TB_ESTOQUE SET CODIGO = CONCAT('OLD-', ID_ESTOQUE)`);

      // Another session: a transaction made heavy (5,000 rows changed) so that InnoDB rolls back
      // the sink's batch rather than it, holding the lock on the batch's last row.
      const other = await mysql.createConnection({ uri: my.uri });
      try {
        await other.query('START TRANSACTION');
        await other.query('UPDATE fbsync_spec_ballast SET n = n + 1');
        await other.query(`UPDATE TB_ESTOQUE SET OBSERVACAO = 'bloqueio' WHERE ID_ESTOQUE = ${ROWS}`);

        const retries: RetryEvent[] = [];
        // One batch of all rows: it locks rows 1…199 and then waits for row 200.
        const run = syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', batchRows: ROWS, parallel: 1, retry: QUICK_RETRY, onRetry: (e) => retries.push(e) });
        await waitForLockWait(my);
        // Now the other session wants row 1, which the waiting batch holds: a deadlock.
        await other.query(`UPDATE TB_ESTOQUE SET OBSERVACAO = 'bloqueio' WHERE ID_ESTOQUE = 1`);
        await other.query('COMMIT');

        const report = await run;
        expect(retries.map((e) => [e.database, e.operation, 'errno' in e.error ? e.error.errno : undefined])).to.deep.equal([['mysql', 'upsert', 1213]]);
        expect(report).to.include({ read: ROWS, updated: ROWS, rejected: 0 });
        expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
      } finally {
        await other.end().catch(() => undefined);
      }
    });
  });

  describe('a transient error that does not pass', function () {
    const ROWS = 300;
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    let target: MysqlTarget;

    before(async function () {
      ({ fb, my } = await createEstoqueDatabases(ROWS));
    });

    beforeEach(async () => {
      target = await openMysql(my.uri, { connections: 3 });
    });

    afterEach(async () => {
      await target?.end();
    });

    after(async () => {
      await fb?.drop();
      await my?.drop();
    });

    /** What mysql2 reports when the server closes the connection under a statement. */
    function connectionLost(): Error {
      return Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    }

    /** Makes the diff's reads (pool.query on TB_ESTOQUE) fail the first `times` times. */
    function failReads(times: number): void {
      const query = target.pool.query.bind(target.pool);
      let failures = 0;
      target.pool.query = ((...args: Parameters<typeof query>) => {
        const sql = typeof args[0] === 'string' ? args[0] : (args[0] as { sql: string }).sql;
        if (/FROM `TB_ESTOQUE`/.test(sql) && failures++ < times) return Promise.reject(connectionLost());
        return query(...args);
      }) as typeof target.pool.query;
    }

    it('a diff read that fails once is retried, and the sync goes on', async function () {
      failReads(1);
      const retries: RetryEvent[] = [];
      const report = await syncTable({ from: fb.uri, to: target, table: 'TB_ESTOQUE', retry: QUICK_RETRY, onRetry: (e) => retries.push(e) });
      expect(retries.map((e) => [e.database, e.operation, e.attempt, e.error.code])).to.deep.equal([['mysql', 'read', 1, 'PROTOCOL_CONNECTION_LOST']]);
      expect(report).to.include({ read: ROWS, inserted: ROWS });
      await my.exec('TRUNCATE TABLE TB_ESTOQUE');
    });

    it('a diff read that keeps failing stops the run after the last attempt, naming the table and the range', async function () {
      failReads(Infinity);
      const err = await syncTable({ from: fb.uri, to: target, table: 'TB_ESTOQUE', retry: { attempts: 3, baseMs: 1, maxMs: 5 } }).then(
        () => expect.fail('the sync should have failed'),
        (e: unknown) => e,
      );
      expect((err as FbsyncError).code).to.equal('TARGET_READ');
      expect((err as Error).message).to.include(`reading MySQL table ${my.database}.TB_ESTOQUE (TB_ESTOQUE(ID_ESTOQUE=1) … TB_ESTOQUE(ID_ESTOQUE=${ROWS})) for the diff failed 3 times: Connection lost`).and.include('`retry.attempts`');
      expect((err as FbsyncError).options).to.deep.equal(['retry.attempts']);
    });

    it('a batch that keeps failing stops the run after the last attempt, naming the table and the keys', async function () {
      let attempts = 0;
      target.withConnection = (async () => {
        attempts++;
        throw connectionLost();
      }) as typeof target.withConnection;
      const err = await syncTable({ from: fb.uri, to: target, table: 'TB_ESTOQUE', batchRows: 1000, parallel: 1, retry: { attempts: 4, baseMs: 1, maxMs: 5 } }).then(
        () => expect.fail('the sync should have failed'),
        (e: unknown) => e,
      );
      expect(attempts).to.equal(4);
      expect((err as FbsyncError).code).to.equal('TARGET_WRITE');
      expect((err as Error).message)
        .to.include(`writing ${ROWS} rows (TB_ESTOQUE(ID_ESTOQUE=1) … TB_ESTOQUE(ID_ESTOQUE=${ROWS})) to MySQL table ${my.database}.TB_ESTOQUE failed 4 times: Connection lost`)
        .and.include('`retry.attempts`');
      expect((err as FbsyncError).options).to.deep.equal(['retry.attempts']);
    });
  });

  describe('rows MySQL refuses in strict mode', function () {
    const ROWS = 3000;
    /** Rows whose DESCRICAO does not fit the target's VARCHAR(40): the first, two neighbours, the last. */
    const BAD = [1, 1234, 1235, 2222, 3000];
    const LONG = 'Descrição longa demais para a coluna do destino, com acentuação';
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    let dir: string;
    let rejectFile: string;
    let source: unknown[][];

    before(async function () {
      fb = await createFirebirdDatabase({ charset: 'WIN1252' });
      await fb.exec(ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock(1, ROWS), `UPDATE TB_ESTOQUE SET DESCRICAO = '${LONG}' WHERE ID_ESTOQUE IN (${BAD.join(', ')})`);
      my = await createMysqlDatabase();
      await my.exec(ESTOQUE_MYSQL_DDL.replace('DESCRICAO     VARCHAR(100)', 'DESCRICAO     VARCHAR(40)'));
      source = await firebirdRows(fb, ESTOQUE_SOURCE_SELECT);
      dir = await mkdtemp(join(tmpdir(), 'fbsync-faults-'));
    });

    beforeEach(async function () {
      if (!(await strictMode(my))) this.skip(); // only strict mode refuses instead of truncating
      await my.exec('TRUNCATE TABLE TB_ESTOQUE');
      rejectFile = join(dir, `rejects-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
    });

    after(async () => {
      await fb?.drop();
      await my?.drop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    // One page bigger than the table: the source has read everything before the first batch is
    // written, so what each test sees depends on the sink alone.
    const sync = (options: Partial<SyncOptions> = {}) =>
      syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', pageSize: 5000, batchRows: 100, parallel: 3, rejectFile, ...options });

    async function rejects(): Promise<Array<RejectedRow & { at: string }>> {
      return (await readFile(rejectFile, 'utf8'))
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as RejectedRow & { at: string });
    }

    async function targetIds(): Promise<Set<number>> {
      return new Set((await my.rows('SELECT ID_ESTOQUE FROM TB_ESTOQUE')).map(([id]) => Number(id)));
    }

    it('by default stops at the first, naming the table, the row and the reason, once its batch is written', async function () {
      const err = await sync().then(
        () => expect.fail('the sync should have failed'),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(FbsyncError);
      expect((err as FbsyncError).code).to.equal('TARGET_REJECTED');
      const message = (err as Error).message;
      const match = /rejected the row TB_ESTOQUE\(ID_ESTOQUE=(\d+)\): /.exec(message);
      expect(match, message).to.not.equal(null);
      const named = Number(match![1]);
      expect(BAD).to.include(named);
      expect(message)
        .to.include(`MySQL table ${my.database}.TB_ESTOQUE rejected the row`)
        .and.include("Data too long for column 'DESCRICAO': 63 characters, the column holds 40")
        .and.include(`the rejected rows are in ${rejectFile}`)
        .and.include('by raising `maxErrors`');
      expect((err as FbsyncError).options).to.deep.equal(['maxErrors']);

      // The row named is in the reject file, with its key and the server's error.
      const lines = await rejects();
      const line = lines.find((r) => r.key.ID_ESTOQUE === named);
      expect(line, `${named} in the reject file`).to.not.equal(undefined);
      expect(line!.error).to.include({ errno: 1406, code: 'ER_DATA_TOO_LONG' });
      for (const r of lines) expect(BAD).to.include(r.key.ID_ESTOQUE as number);

      // Every other row of its batch (100 consecutive keys) was written.
      const ids = await targetIds();
      const first = Math.floor((named - 1) / 100) * 100 + 1;
      const batch = Array.from({ length: 100 }, (_, i) => first + i);
      expect(batch.filter((id) => !BAD.includes(id) && !ids.has(id)), `missing from the batch ${first}…${first + 99}`).to.deep.equal([]);
      for (const id of BAD) expect(ids.has(id), `bad row ${id}`).to.equal(false);
    });

    it('with maxErrors at least the number of bad rows, rejects exactly those and writes all the others', async function () {
      const seen: RejectedRow[] = [];
      const report = await sync({ maxErrors: 10, onReject: (r) => void seen.push(r) });
      expect(report).to.include({ read: ROWS, inserted: ROWS, rejected: BAD.length });

      const lines = await rejects();
      expect(lines.map((r) => r.key.ID_ESTOQUE).sort((a, b) => Number(a) - Number(b))).to.deep.equal(BAD);
      for (const r of lines) {
        expect(r).to.include({ table: 'TB_ESTOQUE', target: 'TB_ESTOQUE' });
        expect(r.key).to.deep.equal({ ID_ESTOQUE: r.values.ID_ESTOQUE });
        expect(r.values.DESCRICAO).to.equal(LONG);
        // The values are the row as read from the source, by column.
        const row = source.find((s) => s[0] === r.key.ID_ESTOQUE)!;
        expect(Object.values(r.values)).to.deep.equal(row.map((v) => v));
        expect(r.error).to.deep.equal({ code: 'ER_DATA_TOO_LONG', errno: 1406, sqlState: '22001', message: "Data too long for column 'DESCRICAO': 63 characters, the column holds 40" });
        expect(Number.isNaN(Date.parse(r.at))).to.equal(false);
      }
      expect(seen.map((r) => r.key.ID_ESTOQUE).sort((a, b) => Number(a) - Number(b)), 'onReject saw the same rows').to.deep.equal(BAD);

      expectSameRows(
        await my.rows(ESTOQUE_TARGET_SELECT),
        source.filter((r) => !BAD.includes(r[0] as number)),
        'TB_ESTOQUE without the rejected rows',
      );
    });

    it('with maxErrors below the number of bad rows, fails saying how many were rejected, as many as the reject file holds', async function () {
      const err = await sync({ maxErrors: 1 }).then(
        () => expect.fail('the sync should have failed'),
        (e: unknown) => e,
      );
      expect((err as FbsyncError).code).to.equal('TARGET_REJECTED');
      const match = /rejected (\d+) rows, more than the 1 allowed; the last, TB_ESTOQUE\(ID_ESTOQUE=\d+\): Data too long/.exec((err as Error).message);
      expect(match, (err as Error).message).to.not.equal(null);
      // The second row refused passes the limit, but its batch finishes and refuses its neighbour too.
      const lines = (await rejects()).length;
      expect(lines).to.be.within(3, BAD.length);
      expect(Number(match![1]), 'the count in the message').to.equal(lines);
    });

    it('a RejectFile passed in is shared: both syncs append to it, and it stays open', async function () {
      const shared = new RejectFile(rejectFile);
      try {
        await sync({ maxErrors: 10, rejectFile: shared });
        await my.exec('TRUNCATE TABLE TB_ESTOQUE');
        await sync({ maxErrors: 10, rejectFile: shared });
        expect(shared.written).to.equal(2 * BAD.length);
      } finally {
        await shared.close();
      }
      expect((await rejects()).map((r) => r.key.ID_ESTOQUE).sort((a, b) => Number(a) - Number(b))).to.deep.equal([...BAD, ...BAD].sort((a, b) => a - b));
    });

    it('a run with nothing to reject leaves no reject file behind', async function () {
      await my.exec('ALTER TABLE TB_ESTOQUE MODIFY DESCRICAO VARCHAR(100) NOT NULL');
      try {
        const report = await sync();
        expect(report).to.include({ read: ROWS, inserted: ROWS, rejected: 0 });
        const err = await stat(rejectFile).catch((e: NodeJS.ErrnoException) => e);
        expect((err as NodeJS.ErrnoException).code).to.equal('ENOENT');
      } finally {
        await my.exec('TRUNCATE TABLE TB_ESTOQUE', 'ALTER TABLE TB_ESTOQUE MODIFY DESCRICAO VARCHAR(40) NOT NULL');
      }
    });
  });
});

/**
 * Waits until the sync's upsert has been running for a while: with the other session holding a
 * row lock, that means it waits for the lock. (INNODB_TRX would say so directly, but MariaDB
 * does not always list the waiting transaction there.)
 */
async function waitForLockWait(my: MysqlFixture): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [[n]] = await my.rows(
      `SELECT COUNT(*) FROM information_schema.PROCESSLIST
        WHERE DB = DATABASE() AND COMMAND = 'Query' AND INFO LIKE 'INSERT INTO \`TB_ESTOQUE\`%' AND TIME_MS > 200`,
    );
    if (Number(n) > 0) return;
    await sleep(20);
  }
  throw new Error('the sync never waited for the locked row');
}
