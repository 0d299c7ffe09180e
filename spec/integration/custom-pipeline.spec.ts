/**
 * The library example of README.md and docs/library.md ("A pipeline of your own"): one table's
 * sync as streams, with a stage of your own that blanks a column on the way, run by
 * stream.pipeline and torn down by close(). `example()` is that one, word for word but for the
 * URIs.
 */
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import {
  FbsyncError, batchBytesFor, batchStage, chainStages, closeFirebird, diffStage, mapRows, mysqlTargetReader, openFirebird,
  openMysql, planSync, runStreams, syncStreams, syncTable, firebirdSource, mysqlSink,
  type Page,
} from '../../lib/index.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';

describe('a pipeline of your own', () => {
  let fb: FirebirdFixture;
  let my: MysqlFixture;

  beforeEach(async () => {
    fb = await createFirebirdDatabase();
    my = await createMysqlDatabase();
    await fb.exec(
      'CREATE TABLE TB_CLIENTE (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL, CPF VARCHAR(14))',
      `EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN WHILE (i <= 2500) DO BEGIN
         INSERT INTO TB_CLIENTE VALUES (:i, 'Cliente ' || :i, LPAD(:i, 11, '0')); i = i + 1; END END`,
    );
    await my.exec('CREATE TABLE TB_CLIENTE (ID INT PRIMARY KEY, NOME VARCHAR(60) NOT NULL, CPF VARCHAR(14))');
  });
  afterEach(async () => {
    await fb?.drop();
    await my?.drop();
  });

  /** docs/library.md's example. */
  async function example(from: string, to: string) {
    const run = await syncStreams({ from, to, table: 'TB_CLIENTE' });
    try {
      await pipeline(run.source, run.stages(mapRows((row) => ({ ...row, CPF: null }))), run.sink);
    } finally {
      const report = await run.close(); // after the streams have closed: state saved, connections closed
      console.log(`${report.inserted} inserted, ${report.updated} updated`);
    }
  }

  it('copies every row with the masked column blanked', async () => {
    await quietly(() => example(fb.uri, my.uri));
    const rows = await my.rows('SELECT COUNT(*), COUNT(CPF), MIN(NOME), MAX(ID) FROM TB_CLIENTE');
    expect(rows).to.deep.equal([['2500', '0', 'Cliente 1', 2500]]); // COUNT() is a BIGINT: a string here
  });

  it('reports the run from close(), as syncTable does', async () => {
    const run = await syncStreams({ from: fb.uri, to: my.uri, table: 'TB_CLIENTE', pageSize: 1000 });
    await pipeline(run.source, run.stages(), run.sink);
    const report = await run.close();
    expect(report).to.include({ table: 'TB_CLIENTE', target: 'TB_CLIENTE', read: 2500, inserted: 2500, interrupted: false });
  });

  it('sees masked rows as unchanged when the same stage runs inside syncTable', async () => {
    await quietly(() => example(fb.uri, my.uri));
    const report = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_CLIENTE', transforms: [mapRows((row) => ({ ...row, CPF: null }))] });
    expect(report).to.include({ read: 2500, inserted: 0, updated: 0, unchanged: 2500, deleted: 0 });
  });

  it('closes its connections only after the streams have closed, when a stage fails', async () => {
    const run = await syncStreams({ from: fb.uri, to: my.uri, table: 'TB_CLIENTE', pageSize: 500 });
    let pages = 0;
    const failing = (page: Page) => {
      if (++pages === 3) throw new Error('stage failed');
      return page;
    };
    const err = await pipeline(run.source, run.stages(failing), run.sink).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).to.equal('stage failed');
    const report = await run.close();
    expect(run.source.closed && run.sink.closed).to.equal(true);
    expect(report.interrupted).to.equal(true);
    // The pages written before the failure stay written, and their checkpoint was kept.
    const [[written]] = (await my.rows('SELECT COUNT(*) FROM TB_CLIENTE')) as [[string]];
    expect(Number(written)).to.be.within(500, 1000);
    expect(await my.rows("SELECT COUNT(*) FROM fbsync_checkpoints WHERE table_name = 'TB_CLIENTE'")).to.deep.equal([['1']]);
  });

  it('tears down streams that never ran when close() is called', async () => {
    const run = await syncStreams({ from: fb.uri, to: my.uri, table: 'TB_CLIENTE' });
    const report = await run.close();
    expect(report).to.include({ read: 0, inserted: 0, interrupted: true });
    expect(run.source.destroyed).to.equal(true);
  });

  it('composes the exported stages by hand, their types checked against each other', async () => {
    const db = await openFirebird(fb.uri);
    const target = await openMysql(my.uri, { connections: 5 });
    try {
      const table = await planSync(db, target, { table: 'TB_CLIENTE' });
      const source = firebirdSource({ db, table, pageSize: 1000 });
      const diff = diffStage({ table, readTarget: mysqlTargetReader(target, table) });
      const batches = batchStage({ maxRows: 1000, maxBytes: batchBytesFor(target.server.maxAllowedPacket) });
      const sink = mysqlSink({ target, table, parallel: 4 });
      // A stage in the wrong place does not compile:
      // @ts-expect-error the batcher takes change sets, not pages
      chainStages(mapRows((row) => row), batches);
      // @ts-expect-error a chain giving change sets cannot feed the sink, which takes batches
      if (pages() === -1) await runStreams(source, chainStages(diff), sink);
      await runStreams(source, chainStages(mapRows((row) => ({ ...row, CPF: null })), diff, batches), sink);
    } finally {
      await target.end();
      await closeFirebird(db);
    }
    expect(await my.rows('SELECT COUNT(*), COUNT(CPF) FROM TB_CLIENTE')).to.deep.equal([['2500', '0']]);
  });

  it('stops at a transform that leaves rows out, with delete, before that page is written', async () => {
    await quietly(() => example(fb.uri, my.uri));
    // Dropping the even rows would, with delete, have deleted their target copies.
    const dropEven = (page: Page) => ({ ...page, rows: page.rows.filter((row) => Number(row[0]) % 2 === 1) });
    const err = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_CLIENTE', delete: true, pageSize: 1000, transforms: [dropEven] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(FbsyncError).and.include({ code: 'TRANSFORM' });
    expect((err as Error).message).to.include('TB_CLIENTE').and.include('a page of 1000 rows came out with 500');
    expect(await my.rows('SELECT COUNT(*) FROM TB_CLIENTE')).to.deep.equal([['2500']]);
  });
});

/** Never true: keeps a statement that must only type-check from running. */
function pages(): number {
  return 0;
}

/** Runs fn with console.log silenced (the example prints its counts). */
async function quietly(fn: () => Promise<void>): Promise<void> {
  const log = console.log;
  console.log = () => undefined;
  try {
    await fn();
  } finally {
    console.log = log;
  }
}
