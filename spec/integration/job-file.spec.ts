/**
 * `fbsync sync --job FILE` and `fbsync check --job FILE` as a scheduler runs them: two tables of
 * different shapes (a stock table and a customer table) into renamed MySQL tables, the servers'
 * URIs from the environment, and every bad file refused with one line before anything connects.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';

const ESTOQUE_ROWS = 500;
const CLIENTE_DDL = `CREATE TABLE TB_CLIENTE (
  ID_CLIENTE INTEGER NOT NULL PRIMARY KEY,
  NOME       VARCHAR(60) CHARACTER SET WIN1252 NOT NULL,
  UF         CHAR(2) CHARACTER SET ASCII,
  LIMITE     NUMERIC(15,2) DEFAULT 0,
  OBS        BLOB SUB_TYPE TEXT CHARACTER SET WIN1252,
  CRIADO_EM  TIMESTAMP)`;
const CLIENTES = [
  `INSERT INTO TB_CLIENTE VALUES (1, 'José da Silva', 'SP', 1500.25, 'paga em dia', TIMESTAMP '2019-01-01 08:00:00')`,
  `INSERT INTO TB_CLIENTE VALUES (2, 'Conceição Araújo', 'MG', 0, NULL, NULL)`,
  `INSERT INTO TB_CLIENTE VALUES (3, 'Ângelo Müller', NULL, 99.90, 'Observação', TIMESTAMP '2024-02-29 23:59:59')`,
];

/** The sample job of docs/jobs.md, in small: URIs from the environment, two renamed targets. */
const JOB = `# fbsync job: stock and customers, every night
from: \${FB_URI}
to: \${MY_URI}
defaults:
  createTables: true
  delete: true
  parallel: 2
tables:
  - name: TB_ESTOQUE
    target: estoque
  - name: TB_CLIENTE
    target: clientes
    excludeColumns: [OBS]
`;

describe('fbsync job files (CLI)', function () {
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  const dir = mkdtempSync(join(tmpdir(), 'fbsync-jobs-'));
  let n = 0;
  /** Writes a job file and returns its path. */
  const jobFile = (text: string) => {
    const file = join(dir, `job-${++n}.yaml`);
    writeFileSync(file, text);
    return file;
  };
  const env = () => ({ FB_URI: fb.uri, MY_URI: my.uri });
  const tablesInMysql = async () => (await my.rows('SHOW TABLES')).map((r) => String(r[0])).sort();

  before(async function () {
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    await fb.exec(ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock(1, ESTOQUE_ROWS), CLIENTE_DDL, ...CLIENTES);
  });
  after(async () => {
    await fb?.drop();
  });
  beforeEach(async () => {
    my = await createMysqlDatabase();
  });
  afterEach(async () => {
    await my?.drop();
  });

  it('syncs the tables of a job file into their renamed targets, the URIs from the environment', async function () {
    const r = await fbsync(['sync', '--job', jobFile(JOB)], { env: env() });
    expect(r.status, r.stderr).to.equal(0);
    expect(await tablesInMysql()).to.include.members(['clientes', 'estoque']);
    expect(await my.rows('SELECT COUNT(*) FROM estoque')).to.deep.equal([[String(ESTOQUE_ROWS)]]);
    expect(await my.rows('SELECT ID_CLIENTE, NOME, UF, LIMITE FROM clientes ORDER BY ID_CLIENTE')).to.deep.equal([
      [1, 'José da Silva', 'SP', '1500.25'],
      [2, 'Conceição Araújo', 'MG', '0.00'],
      [3, 'Ângelo Müller', null, '99.90'],
    ]);
    expect((await my.rows("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'clientes'")).flat()).not.to.include('OBS');
    // The passwords of both URIs stay out of everything the command says.
    expect(r.stdout + r.stderr).not.to.match(/masterkey|fbsync:fbsync@/);
  });

  it('lets the flags given override the file, and only those: --tables picks a table with its entry’s options', async function () {
    const r = await fbsync(['sync', '--job', jobFile(JOB), '--tables', 'TB_CLIENTE'], { env: env() });
    expect(r.status, r.stderr).to.equal(0);
    expect((await tablesInMysql()).filter((t) => !t.startsWith('fbsync_'))).to.deep.equal(['clientes']);
  });

  it('does not let a flag’s default override the file (dryRun: true in the file, no --dry-run given)', async function () {
    const r = await fbsync(['sync', '--job', jobFile(JOB.replace('  delete: true', '  delete: true\n  dryRun: true'))], { env: env() });
    expect(r.status, r.stderr).to.equal(0);
    expect(await tablesInMysql()).to.deep.equal([]);
  });

  it('fbsync check plans every table, one line each, and creates nothing', async function () {
    const r = await fbsync(['check', '--job', jobFile(JOB)], { env: env() });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trim().split('\n')).to.deep.equal(['TB_ESTOQUE -> estoque: ok (would be created)', 'TB_CLIENTE -> clientes: ok (would be created)']);
    expect(await tablesInMysql()).to.deep.equal([]);
  });

  it('fbsync check names each table that cannot be synced, and exits 1', async function () {
    await my.exec('CREATE TABLE estoque (ID_ESTOQUE INT NOT NULL PRIMARY KEY, CODIGO VARCHAR(20) NOT NULL)');
    const job = JOB.replace('  createTables: true\n', '').replace('TB_CLIENTE\n', 'TB_CLIENTES\n');
    const r = await fbsync(['check', '--job', jobFile(job)], { env: env() });
    expect(r.status).to.equal(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^TB_ESTOQUE: .*DESCRICAO/);
    expect(lines[1]).to.match(/^TB_CLIENTES: Firebird table "TB_CLIENTES" does not exist/);
    expect(await tablesInMysql()).to.deep.equal(['estoque']);
  });

  describe('a bad job file: exit 2, one line naming file:line: key, nothing written', function () {
    const bad: Array<[string, string, number, string]> = [
      ['an unknown key', JOB.replace('    target: clientes', '    targt: clientes'), 12, 'tables[1].targt: unknown key (did you mean target?)'],
      ['a wrong type', JOB.replace('  parallel: 2', '  parallel: two'), 7, 'defaults.parallel: a string "two" is not allowed; allowed: a whole number ≥ 1'],
      ['a table listed twice', `${JOB}  - TB_ESTOQUE\n`, 14, 'tables[2].name: table TB_ESTOQUE is listed twice'],
      ['sinceColumn with delete (from the defaults)', JOB.replace('    target: estoque', '    target: estoque\n    sinceColumn: ATUALIZADO_EM'), 11, 'tables[0].sinceColumn: `sinceColumn` reads only rows changed'],
      ['sinceColumn with rowVersions', JOB.replace('  delete: true', '  rowVersions: true').replace('    target: estoque', '    target: estoque\n    sinceColumn: ATUALIZADO_EM'), 11, 'tables[0].sinceColumn: `sinceColumn` and `rowVersions` are two ways'],
      ['an environment variable not set', JOB.replace('${MY_URI}', '${MY_URI_TYPO}'), 3, 'to: environment variable MY_URI_TYPO is not set'],
    ];
    for (const [what, text, line, start] of bad) {
      it(what, async function () {
        const file = jobFile(text);
        for (const command of ['sync', 'check']) {
          const r = await fbsync([command, '--job', file], { env: env() });
          expect(r.status, r.stderr).to.equal(2);
          expect(r.stdout).to.equal('');
          const lines = r.stderr.trim().split('\n');
          expect(lines).to.have.length(1);
          expect(lines[0]).to.satisfy((l: string) => l.startsWith(`fbsync: ${file}:${line}: ${start}`), lines[0]);
        }
        expect(await tablesInMysql()).to.deep.equal([]);
      });
    }
  });
});
