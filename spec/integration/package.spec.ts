/**
 * fbsync as a project gets it from npm: packed from this checkout and installed from the tarball
 * with `npm install --ignore-scripts`, then run by its own bin against throwaway databases. The
 * package carries node-firebird, patched, inside it (bundleDependencies), so no install script
 * is needed; a driver without the patch in its place is said once a run, never a silent slowdown.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { driverPatchStatus, PATCHED_DRIVER_VERSION } from '../../lib/firebird/driver-patch.js';
import { fbsync, REPO_ROOT, run } from '../support/cli.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { installedFbsync, pristineDriver, removeTemporary, replaceBundledDriver } from '../support/packages.js';

const TABLES = ['CREATE TABLE TB_GRUPO (ID_GRUPO INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(30) NOT NULL)', 'CREATE TABLE TB_CLIENTE (ID_CLIENTE INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL, UF CHAR(2))'];
const ROWS = [`INSERT INTO TB_GRUPO VALUES (1, 'Ferragens')`, `INSERT INTO TB_GRUPO VALUES (2, 'Elétricos')`, `INSERT INTO TB_CLIENTE VALUES (1, 'José da Silva', 'SP')`];
const MYSQL_TABLES = ['CREATE TABLE TB_GRUPO (ID_GRUPO INT NOT NULL PRIMARY KEY, NOME VARCHAR(30) NOT NULL)', 'CREATE TABLE TB_CLIENTE (ID_CLIENTE INT NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL, UF CHAR(2) NULL)'];

describe('fbsync installed from its package with npm install --ignore-scripts', function () {
  this.timeout(180_000);
  let project: string;
  let bin: string;
  let bundled: string;
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  /** `fbsync sync` of both tables, by the installed package's bin. */
  const sync = (...more: string[]) => fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_GRUPO,TB_CLIENTE', ...more], { bin });

  before(async () => {
    project = await installedFbsync();
    bin = join(project, 'node_modules', 'fbsync', 'dist', 'bin', 'fbsync.js');
    bundled = join(project, 'node_modules', 'fbsync', 'node_modules', 'node-firebird');
    fb = await createFirebirdDatabase();
    await fb.exec(...TABLES, ...ROWS);
  });
  after(async () => {
    await fb?.drop();
    removeTemporary();
  });
  beforeEach(async () => {
    my = await createMysqlDatabase();
    await my.exec(...MYSQL_TABLES);
  });
  afterEach(async () => {
    await my?.drop();
  });

  describe('as its users run it', () => {
    const npx = (...args: string[]) => run('npx', ['--no-install', 'fbsync', ...args], { cwd: project, env: { ...process.env, NODE_OPTIONS: '' }, timeoutMs: 60_000 });

    it("npx fbsync --version prints fbsync's own version, not the project's", async () => {
      const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      const r = await npx('--version');
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(`${version}\n`);
      expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).version, "the project's own").to.not.equal(version);
    });

    it('npx fbsync --help lists the commands', async () => {
      const r = await npx('--help');
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/fbsync sync\s/).and.match(/fbsync schema\s/);
    });

    describe("a TypeScript file of the project that imports from 'fbsync'", () => {
      /** The checkout's tsc, over the project's files, with the installed package's types (and Node's, from the checkout). */
      const tsc = (file: string, text: string) => {
        writeFileSync(join(project, file), text);
        writeFileSync(
          join(project, 'tsconfig.json'),
          JSON.stringify({
            compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: ['node'], typeRoots: [join(REPO_ROOT, 'node_modules', '@types')] },
            files: [file],
          }),
        );
        return run(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, env: process.env, timeoutMs: 120_000 });
      };

      it('type-checks against the types the package carries', async () => {
        const r = await tsc(
          'uses.mts',
          [
            "import { syncTable, syncTables, type SyncOptions, type SyncReport, type TablesSummary, type TableOutcome } from 'fbsync';",
            "const options: SyncOptions = { from: 'firebird://u:p@h//db.fdb', to: 'mysql://u:p@h/db', table: 'TB_A', delete: true, maxErrors: 5 };",
            'const report: Promise<SyncReport> = syncTable(options);',
            "const summary: Promise<TablesSummary> = syncTables({ from: 'a', to: 'b', tables: ['TB_A', { name: 'TB_B', target: 'tb_b' }], stopOnError: true });",
            'const outcome = (s: TablesSummary): TableOutcome => s.outcome;',
            'export { report, summary, outcome };',
          ].join('\n'),
        );
        expect(r.status, r.stdout + r.stderr).to.equal(0);
      });

      it('is refused where it passes an option the wrong type (the types are real, not any)', async () => {
        const r = await tsc('wrong.mts', ["import { syncTable } from 'fbsync';", "export const r = syncTable({ from: 'a', to: 'b', table: 'TB_A', maxErrors: 'five' });"].join('\n'));
        expect(r.status).to.not.equal(0);
        expect(r.stdout).to.match(/^wrong\.mts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/m);
      });
    });
  });

  it('carries node-firebird inside it, patched, though no install script ran', () => {
    expect(driverPatchStatus(bundled)).to.deep.equal({ folder: bundled, version: PATCHED_DRIVER_VERSION, patched: true });
  });

  it('reads with the patched driver: no warning on stderr, none in --json', async () => {
    const run = await sync('--json');
    expect(run.stderr).to.equal('');
    expect(run.status).to.equal(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.total).to.include({ tables: 2, inserted: 3 });
    expect(summary.warnings).to.deep.equal([]);
  });

  describe('with node-firebird as published in place of its own', () => {
    let published: string;
    before(async () => {
      published = await pristineDriver();
      replaceBundledDriver(project, published);
    });

    it('says once on stderr, and once in --json, that it reads without its patch and how to fix it', async () => {
      const run = await sync('--json');
      expect(run.status).to.equal(0);
      const summary = JSON.parse(run.stdout); // stdout still the JSON document alone
      expect(summary.total).to.include({ tables: 2, inserted: 3 });
      expect(summary.warnings).to.have.length(1);
      const [warning] = summary.warnings as string[];
      expect(warning).to.include(`node-firebird ${PATCHED_DRIVER_VERSION} (${bundled}) lacks fbsync's speed patch`);
      const fbsyncFolder = join(project, 'node_modules', 'fbsync');
      expect(warning).to.include(`fix: node ${join(fbsyncFolder, 'scripts', 'patch-node-firebird.mjs')} (see ${join(fbsyncFolder, 'docs', 'driver-patch.md')})`);
      expect(existsSync(join(fbsyncFolder, 'docs', 'driver-patch.md')), 'the page it names, in the package').to.equal(true);
      expect(run.stderr).to.equal(`fbsync: warning: ${warning}\n`);
    });

    it('prints the warning on stderr only, once, next to the text summary', async () => {
      const run = await sync();
      expect(run.status).to.equal(0);
      expect(run.stderr.match(/^fbsync: warning: .*lacks fbsync's speed patch/gm)).to.have.length(1);
      expect(run.stderr.split('\n').filter(Boolean)).to.have.length(1);
      expect(run.stdout).to.not.include('speed patch');
      expect(run.stdout.split('\n')[0]).to.match(/^table\s+read/);
    });

    it('reads at full speed again once the command of the warning has run', async () => {
      const first = await sync('--json');
      const command = /fix: node (\S+) \(/.exec(JSON.parse(first.stdout).warnings[0]);
      const fix = await fbsync([], { bin: command![1]! });
      expect(fix.status, fix.stderr).to.equal(0);
      const again = await sync('--json');
      expect(again.stderr).to.equal('');
      expect(JSON.parse(again.stdout).warnings).to.deep.equal([]);
    });
  });
});
