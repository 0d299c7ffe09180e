/**
 * The README's "pipeline of your own": the exported stages composed by hand, with a stage that
 * blanks a column on the way. Kept in step with the README example.
 */
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import {
  openFirebird, closeFirebird, openMysql, planSync, firebirdSource, composeStages, mapRows,
  diffStage, mysqlTargetReader, batchStage, batchBytesFor, mysqlSink, syncTable,
} from '../../lib/index.js';
import { FbsyncError } from '../../lib/core/errors.js';
import type { Page } from '../../lib/core/page.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';

describe('a custom pipeline', () => {
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

  async function runMasked(): Promise<void> {
    const db = await openFirebird(fb.uri);
    const target = await openMysql(my.uri, { connections: 5 });
    try {
      const table = await planSync(db, target, { table: 'TB_CLIENTE' });
      await pipeline(
        firebirdSource({ db, table, pageSize: 1000 }),
        composeStages([
          mapRows((row) => ({ ...row, CPF: null })),
          diffStage({ table, readTarget: mysqlTargetReader(target, table) }),
          batchStage({ maxRows: 1000, maxBytes: batchBytesFor(target.server.maxAllowedPacket) }),
        ]),
        mysqlSink({ target, table, parallel: 4 }),
      );
    } finally {
      await target.end();
      await closeFirebird(db);
    }
  }

  it('copies every row with the masked column blanked', async () => {
    await runMasked();
    const rows = await my.rows('SELECT COUNT(*), COUNT(CPF), MIN(NOME), MAX(ID) FROM TB_CLIENTE');
    expect(rows).to.deep.equal([['2500', '0', 'Cliente 1', 2500]]); // COUNT() is a BIGINT: a string here
  });

  it('sees masked rows as unchanged when the same stage runs inside syncTable', async () => {
    await runMasked();
    const report = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_CLIENTE', transforms: [mapRows((row) => ({ ...row, CPF: null }))] });
    expect(report).to.include({ read: 2500, inserted: 0, updated: 0, unchanged: 2500, deleted: 0 });
  });

  it('stops at a transform that leaves rows out, with --delete, before that page is written', async () => {
    await runMasked();
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
