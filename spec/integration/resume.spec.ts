/**
 * Checkpoints and --resume, with the real command killed or interrupted mid-run: whatever
 * stops it, a run with --resume ends with the target equal to the source, and rows up to the
 * checkpoint are not read again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { ESTOQUE_FIREBIRD_DDL, ESTOQUE_MYSQL_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync, FBSYNC_BIN, scratchDir } from '../support/cli.js';
import { expectSameRows, firebirdRows } from '../support/rows.js';

const ROWS = 60_000;
const ARGS = ['sync', '--tables', 'TB_ESTOQUE', '--delete', '--page-size', '1000', '--batch-rows', '250', '--parallel', '2', '--json'];

const SOURCE_SELECT = `SELECT ID_ESTOQUE, CODIGO, DESCRICAO, QUANTIDADE, PRECO_CUSTO, PRECO_VENDA,
  CAST(ATUALIZADO_EM AS VARCHAR(24)), ATIVO, OBSERVACAO FROM TB_ESTOQUE ORDER BY ID_ESTOQUE`;
const TARGET_SELECT = 'SELECT * FROM TB_ESTOQUE ORDER BY ID_ESTOQUE';

describe('checkpoints and --resume', function () {
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  let env: Record<string, string>;

  before(async () => {
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    await fb.exec(ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock(1, ROWS), 'CREATE TABLE TB_UF (ID_UF INTEGER NOT NULL PRIMARY KEY)', 'INSERT INTO TB_UF VALUES (35)');
  });
  after(async () => {
    await fb?.drop();
  });
  beforeEach(async () => {
    my = await createMysqlDatabase();
    await my.exec(ESTOQUE_MYSQL_DDL, 'CREATE TABLE TB_UF (ID_UF INT NOT NULL PRIMARY KEY)');
    env = { FBSYNC_FROM: fb.uri, FBSYNC_TO: my.uri };
  });
  afterEach(async () => {
    await my?.drop();
  });

  /** Starts the command and resolves once a checkpoint has been saved (part of the table is done). */
  async function startAndWaitForCheckpoint(args = ARGS): Promise<ChildProcess> {
    const child = spawn(process.execPath, [FBSYNC_BIN, ...args], { cwd: scratchDir(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const rows = await my.rows(`SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'fbsync_checkpoints'`);
      if (Number(rows[0]![0]) > 0 && (await my.rows('SELECT COUNT(*) FROM fbsync_checkpoints'))[0]![0] !== '0') return child;
      if (child.exitCode !== null) throw new Error(`the sync ended (exit ${child.exitCode}) before any checkpoint`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    throw new Error('no checkpoint within 60 s');
  }

  function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
    const out: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8') })));
  }

  async function checkpointKey(): Promise<number[]> {
    const [[key]] = await my.rows('SELECT after_key FROM fbsync_checkpoints');
    return JSON.parse(String(key)) as number[];
  }

  it('after kill -9, --resume completes the copy without reading committed pages again', async () => {
    const child = await startAndWaitForCheckpoint();
    const done = exited(child);
    child.kill('SIGKILL');
    expect((await done).signal).to.equal('SIGKILL');
    const [after] = await checkpointKey();
    const [[committed]] = await my.rows('SELECT COUNT(*) FROM TB_ESTOQUE WHERE ID_ESTOQUE <= ?', [after]);
    expect(Number(committed), 'every row up to the checkpoint is in the target').to.equal(after);

    const resumed = await fbsync([...ARGS, '--resume'], { env });
    expect(resumed.status, resumed.stderr).to.equal(0);
    const report = JSON.parse(resumed.stdout).tables[0];
    expect(report.resumedAfter).to.deep.equal([after]);
    expect(report.read, 'only rows after the checkpoint are read').to.equal(ROWS - after!);
    expectSameRows(await my.rows(TARGET_SELECT), await firebirdRows(fb, SOURCE_SELECT), 'TB_ESTOQUE');
    expect(await my.rows('SELECT * FROM fbsync_checkpoints'), 'a completed run leaves no checkpoint').to.deep.equal([]);
  });

  it('on SIGINT exits 130 with the summary so far and a valid checkpoint, and --resume completes', async () => {
    const child = await startAndWaitForCheckpoint();
    const done = exited(child);
    child.kill('SIGINT');
    const { code, stdout } = await done;
    expect(code).to.equal(130);
    const partial = JSON.parse(stdout);
    expect(partial.total.interrupted).to.equal(true);
    const [after] = await checkpointKey();
    expect(partial.total.read, 'the checkpoint is never ahead of what was read').to.be.at.least(after!);
    const [[committed]] = await my.rows('SELECT COUNT(*) FROM TB_ESTOQUE WHERE ID_ESTOQUE <= ?', [after]);
    expect(Number(committed)).to.equal(after);

    const resumed = await fbsync([...ARGS, '--resume'], { env });
    expect(resumed.status, resumed.stderr).to.equal(0);
    expect(JSON.parse(resumed.stdout).tables[0].read).to.equal(ROWS - after!);
    expectSameRows(await my.rows(TARGET_SELECT), await firebirdRows(fb, SOURCE_SELECT), 'TB_ESTOQUE');
  });

  it('on SIGINT begins no further table: the summary names it as not begun, and exits 130', async () => {
    const args = ARGS.map((a) => (a === 'TB_ESTOQUE' ? 'TB_ESTOQUE,TB_UF' : a));
    const child = await startAndWaitForCheckpoint(args);
    const done = exited(child);
    child.kill('SIGINT');
    const { code, stdout } = await done;
    expect(code).to.equal(130);
    const partial = JSON.parse(stdout);
    expect(partial.tables.map((t: { table: string; interrupted: boolean }) => [t.table, t.interrupted])).to.deep.equal([['TB_ESTOQUE', true]]);
    expect(partial.skipped).to.deep.equal([{ table: 'TB_UF', reason: 'not begun: the run was stopped' }]);
    expect(await my.rows('SELECT * FROM TB_UF')).to.deep.equal([]);
  });

  it('without --resume starts from the beginning, whatever checkpoint is left', async () => {
    await my.exec(`CREATE TABLE fbsync_checkpoints (table_name VARCHAR(255) NOT NULL PRIMARY KEY, after_key TEXT NOT NULL, updated_at TIMESTAMP(3) NULL)`);
    await my.exec(`INSERT INTO fbsync_checkpoints (table_name, after_key) VALUES ('TB_ESTOQUE', '[50000]')`);
    const run = await fbsync(ARGS, { env });
    expect(run.status, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout).tables[0]).to.include({ read: ROWS, inserted: ROWS, resumedAfter: null });
  });

  it('stops with an error naming the checkpoint table when it cannot write there', async () => {
    // Left by something else under fbsync's name: CREATE TABLE IF NOT EXISTS keeps it.
    await my.exec('CREATE TABLE fbsync_checkpoints (table_name VARCHAR(255) NOT NULL PRIMARY KEY, position TEXT)');
    const run = await fbsync(ARGS, { env });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.include(`writing to ${my.database}.fbsync_checkpoints failed: Unknown column 'after_key'`);
    expect(run.stderr).to.include('check that the MySQL user may read and write that table');
  });
});
