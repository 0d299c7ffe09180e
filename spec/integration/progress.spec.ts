/**
 * Progress and metrics, as a listener of the library and as a scheduler's log or Prometheus'
 * textfile collector see them: `onProgress`, `fbsync sync --progress json` and `--metrics-file`,
 * against the real servers. The command runs as a child without a terminal, as under cron.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESTOQUE_FIREBIRD_DDL, ESTOQUE_MYSQL_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { syncTable, type Page, type TableProgress } from '../../lib/index.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';

const ESTOQUE_ROWS = 1200;
const FIELDS = ['table', 'target', 'phase', 'read', 'inserted', 'updated', 'unchanged', 'deleted', 'rowsPerSecond', 'elapsedMs'];

describe('progress and metrics', function () {
  this.timeout(60_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  const uris = () => ['--from', fb.uri, '--to', my.uri];

  before(async function () {
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    await fb.exec(
      ESTOQUE_FIREBIRD_DDL,
      estoqueInsertBlock(1, ESTOQUE_ROWS),
      'CREATE TABLE TB_CLIENTE (ID_CLIENTE INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)',
      `INSERT INTO TB_CLIENTE VALUES (1, 'José')`,
      `INSERT INTO TB_CLIENTE VALUES (2, 'Maria')`,
    );
  });
  after(async () => {
    await fb?.drop();
  });
  beforeEach(async () => {
    my = await createMysqlDatabase();
    await my.exec(ESTOQUE_MYSQL_DDL, 'CREATE TABLE TB_CLIENTE (ID_CLIENTE INT NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)');
  });
  afterEach(async () => {
    await my?.drop();
  });

  describe('onProgress', () => {
    it('tells how the read goes while it runs, with the source count as the estimate, and `done` last with the final counts', async () => {
      const seen: TableProgress[] = [];
      let first = true;
      // The first page waits past one interval (2 s): the run is then surely under way when the timer fires.
      const slowStart = async (page: Page) => {
        if (first) await new Promise((resolve) => setTimeout(resolve, 2500));
        first = false;
        return page;
      };
      const report = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', pageSize: 300, transforms: [slowStart], onProgress: (p) => seen.push(p) });
      const reading = seen.filter((p) => p.phase === 'reading');
      expect(reading.length).to.be.at.least(1);
      expect(reading[0]!.estimate).to.deep.equal({ rows: ESTOQUE_ROWS, from: 'source count' });
      expect(reading[0]!.read).to.be.below(ESTOQUE_ROWS);
      const last = seen.at(-1)!;
      expect(last).to.include({ table: 'TB_ESTOQUE', target: 'TB_ESTOQUE', phase: 'done', read: ESTOQUE_ROWS, inserted: ESTOQUE_ROWS });
      expect(seen.filter((p) => p.phase === 'done')).to.have.length(1);
      expect(last.elapsedMs).to.be.at.least(2500).and.at.most(report.elapsedMs);
    });
  });

  describe('fbsync sync --progress json', () => {
    it('prints one well-formed JSON object per line, with the documented fields, and a final `done` line per table', async () => {
      const run = await fbsync(['sync', ...uris(), '--tables', 'TB_ESTOQUE,TB_CLIENTE', '--progress', 'json']);
      expect(run.status, run.stderr).to.equal(0);
      const lines = run.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const line of lines) {
        expect(Object.keys(line).filter((k) => k !== 'estimate')).to.deep.equal(FIELDS);
        expect(line.phase).to.be.oneOf(['reading', 'done']);
        for (const k of FIELDS.slice(3)) expect(line[k], k).to.be.a('number');
      }
      const done = lines.filter((l) => l.phase === 'done');
      expect(done.map((l) => [l.table, l.read, l.inserted])).to.deep.equal([
        ['TB_ESTOQUE', ESTOQUE_ROWS, ESTOQUE_ROWS],
        ['TB_CLIENTE', 2, 2],
      ]);
      // Each table's `done` is its last line.
      for (const d of done) expect(lines.filter((l) => l.table === d.table).at(-1)).to.equal(d);
      // The summary is where it always is.
      expect(run.stdout).to.match(/^table\s+read/);
    });

    it('draws no progress bar when stderr is not a terminal, whatever the table', async () => {
      const run = await fbsync(['sync', ...uris(), '--tables', 'TB_ESTOQUE,TB_CLIENTE', '--page-size', '100', '--progress', 'auto']);
      expect(run.status).to.equal(0);
      expect(run.stderr).to.equal('');
      expect(run.stdout).to.not.match(/rows\/s\s+ETA|\u001b\[/);
    });

    it('refuses a mode it does not know, naming the ones it does', async () => {
      const run = await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE', '--progress', 'bars']);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.contain('Choices: "auto", "json", "none"');
    });
  });

  describe('fbsync sync --metrics-file', () => {
    const metricsDir = () => mkdtempSync(join(tmpdir(), 'fbsync-metrics-'));
    const sample = (text: string, name: string, labels: string) => new RegExp(`^${name}\\{${labels.replace(/[{}]/g, '\\$&')}\\} (\\S+)$`, 'm').exec(text)?.[1];

    it('writes every table\'s counts, duration, outcome and last success in Prometheus\' text format', async () => {
      const file = join(metricsDir(), 'fbsync.prom');
      const before = Math.floor(Date.now() / 1000);
      const run = await fbsync(['sync', ...uris(), '--tables', 'TB_ESTOQUE,TB_CLIENTE', '--metrics-file', file]);
      expect(run.status, run.stderr).to.equal(0);
      const text = readFileSync(file, 'utf8');
      const estoque = 'table="TB_ESTOQUE",target="TB_ESTOQUE"';
      expect(sample(text, 'fbsync_table_rows_read', estoque)).to.equal(String(ESTOQUE_ROWS));
      expect(sample(text, 'fbsync_table_rows_inserted', estoque)).to.equal(String(ESTOQUE_ROWS));
      expect(sample(text, 'fbsync_table_rows_read', 'table="TB_CLIENTE",target="TB_CLIENTE"')).to.equal('2');
      expect(Number(sample(text, 'fbsync_table_duration_seconds', estoque))).to.be.above(0);
      expect(sample(text, 'fbsync_table_outcome', `${estoque},outcome="synced"`)).to.equal('1');
      expect(sample(text, 'fbsync_table_outcome', `${estoque},outcome="failed"`)).to.equal('0');
      expect(Number(sample(text, 'fbsync_table_last_success_timestamp_seconds', estoque))).to.be.at.least(before);
      expect(sample(text, 'fbsync_run_outcome', 'outcome="synced"')).to.equal('1');
      expect(text).to.contain('# TYPE fbsync_table_rows_read gauge\n');
      expect(text).to.match(/# HELP fbsync_table_rows_read \S/);
    });

    it('replaces the file in one step (a new file renamed over it) and leaves no temporary file', async () => {
      const dir = metricsDir();
      const file = join(dir, 'fbsync.prom');
      await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE', '--metrics-file', file]);
      const first = statSync(file).ino;
      const run = await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE', '--metrics-file', file]);
      expect(run.status).to.equal(0);
      expect(statSync(file).ino).to.not.equal(first);
      expect(readdirSync(dir)).to.deep.equal(['fbsync.prom']);
    });

    it('keeps the last success time of a table through a failed run, and says the run failed', async () => {
      const file = join(metricsDir(), 'fbsync.prom');
      await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE', '--metrics-file', file]);
      const success = sample(readFileSync(file, 'utf8'), 'fbsync_table_last_success_timestamp_seconds', 'table="TB_CLIENTE",target="TB_CLIENTE"');
      expect(success).to.match(/^\d+$/);
      const wrongPassword = my.uri.replace('fbsync:fbsync@', 'fbsync:wrong@');
      const run = await fbsync(['sync', '--from', fb.uri, '--to', wrongPassword, '--tables', 'TB_CLIENTE', '--metrics-file', file]);
      expect(run.status).to.equal(1);
      const text = readFileSync(file, 'utf8');
      expect(sample(text, 'fbsync_table_last_success_timestamp_seconds', 'table="TB_CLIENTE",target="TB_CLIENTE"')).to.equal(success);
      expect(sample(text, 'fbsync_run_outcome', 'outcome="failed"')).to.equal('1');
    });
  });
});
