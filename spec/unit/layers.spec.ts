import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { ICruiseResult, IViolation } from 'dependency-cruiser';

// The import rules of lib/ and bin/ live in .dependency-cruiser.mjs (also run by `npm run lint:imports`).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = join(root, '.dependency-cruiser.mjs');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Runs the rules on lib/ and bin/ of baseDir. In a plain node process: under tsx, swc's Visitor class does
 * not load the way dependency-cruiser imports it, and every .ts file would fail to parse. */
async function check(baseDir: string): Promise<ICruiseResult> {
  const args = [depcruise, 'lib', 'bin', '--config', config, '--output-type', 'json'];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: baseDir, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as ICruiseResult;
}

const readable = (v: IViolation) =>
  `${v.rule.name}: ${v.from} -> ${v.to}` + (v.cycle ? ` (circle: ${[v.from, ...v.cycle.map((c) => c.name)].join(' -> ')})` : '');

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { recursive: true });
  return entries.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
}

describe('import rules of lib/ and bin/', () => {
  let result: ICruiseResult;
  before(async () => {
    result = await check(root);
  });

  it('reads every .ts file of lib/ and bin/ (a parser that sees nothing would pass every rule)', async () => {
    const own = result.modules.filter((m) => /^(lib|bin)\//.test(m.source));
    const expected = (await tsFiles('lib')).length + (await tsFiles('bin')).length;
    expect(own.length).to.equal(expected);
    expect(own.reduce((n, m) => n + m.dependencies.length, 0)).to.be.greaterThan(own.length);
  });

  it('finds no forbidden import in lib/ and bin/', () => {
    expect(result.summary.violations.map(readable).join('\n')).to.equal('');
  });
});

describe('import rules, each against a forbidden import', () => {
  // A small tree with one forbidden import per rule, beside imports every rule allows.
  const tree: Record<string, string> = {
    'lib/index.ts': "export * from './util/retry.js';\n",
    'lib/core/values.ts': 'export type Value = string;\n',
    'lib/core/upward.ts': "import type { All } from '../sync/all.js';\nexport type Up = All;\n",
    'lib/core/re-export.ts': "export type { Q } from '../state/rejects.js';\n",
    'lib/core/circle-a.ts': "import type { B } from './circle-b.js';\nexport type A = { b?: B };\n",
    'lib/core/circle-b.ts': "import type { A } from './circle-a.js';\nexport type B = { a?: A };\n",
    'lib/util/retry.ts': "import type { Value } from '../core/values.js';\nimport { source } from '../firebird/source.js';\nexport const retry = (v: Value) => [v, source];\n",
    'lib/firebird/source.ts': "import Firebird from 'node-firebird';\nimport type { Value } from '../core/values.js';\nexport const source = Firebird; export type S = Value;\n",
    'lib/firebird/to-mysql.ts': "import { sink } from '../mysql/sink.js';\nexport const a = sink;\n",
    'lib/firebird/to-stages.ts': "import { diff } from '../stages/diff.js';\nexport const b = diff;\n",
    'lib/mysql/sink.ts': "import type mysql from 'mysql2/promise';\nimport { retry } from '../util/retry.js';\nexport const sink = retry; export type P = mysql.Pool;\n",
    'lib/mysql/to-firebird.ts': "import { source } from '../firebird/source.js';\nexport const c = source;\n",
    'lib/mysql/to-state.ts': "import { state } from '../state/rejects.js';\nexport const d = state;\n",
    'lib/stages/diff.ts': "import { source } from '../firebird/source.js';\nexport const diff = source;\n",
    'lib/state/rejects.ts': "import { diff } from '../stages/diff.js';\nimport type { P } from '../mysql/sink.js';\nexport const state = diff; export type Q = P;\n",
    'lib/state/driver.ts': "import type mysql from 'mysql2/promise';\nexport type R = mysql.Pool;\n",
    'lib/sync/all.ts': "import '../core/values.js'; import '../util/retry.js'; import '../firebird/source.js'; import '../mysql/sink.js';\nimport '../stages/diff.js'; import '../state/rejects.js'; import '../../bin/cli.js';\nexport type All = string;\n",
    'lib/sync/missing.ts': "import { gone } from './gone.js';\nexport const e = gone;\n",
    'lib/sync/driver.ts': "import Firebird from 'node-firebird';\nexport const f = Firebird;\n",
    'bin/cli.ts': "import yargs from 'yargs';\nimport { retry } from '../lib/index.js';\nimport { sink } from '../lib/mysql/sink.js';\nexport const g = [yargs, retry, sink];\n",
  };
  let dir: string;
  let found: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fbsync-layers-'));
    for (const [file, text] of Object.entries(tree)) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), text);
    }
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    found = (await check(dir)).summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const reports = (line: string) => () => expect(found).to.include(line);

  it('refuses a circle of type-only imports', reports('no-circular: lib/core/circle-a.ts -> lib/core/circle-b.ts'));
  it('refuses an import that resolves to nothing', reports('no-unresolvable: lib/sync/missing.ts -> ./gone.js'));
  it('refuses core/ importing above core/, type-only included', reports('core-imports-only-core: lib/core/upward.ts -> lib/sync/all.ts'));
  it('refuses a type-only re-export too', reports('core-imports-only-core: lib/core/re-export.ts -> lib/state/rejects.ts'));
  it('refuses util/ importing an adapter', reports('util-imports-only-core-util: lib/util/retry.ts -> lib/firebird/source.ts'));
  it('refuses firebird/ importing mysql/', reports('firebird-not-mysql: lib/firebird/to-mysql.ts -> lib/mysql/sink.ts'));
  it('refuses firebird/ importing stages/', reports('firebird-imports-only-core-util-firebird: lib/firebird/to-stages.ts -> lib/stages/diff.ts'));
  it('refuses mysql/ importing firebird/', reports('mysql-not-firebird: lib/mysql/to-firebird.ts -> lib/firebird/source.ts'));
  it('refuses mysql/ importing state/', reports('mysql-imports-only-core-util-mysql: lib/mysql/to-state.ts -> lib/state/rejects.ts'));
  it('refuses stages/ importing an adapter', reports('stages-imports-only-core-util-stages: lib/stages/diff.ts -> lib/firebird/source.ts'));
  it('refuses state/ importing an adapter, type-only included', reports('state-imports-only-core-util-stages-state: lib/state/rejects.ts -> lib/mysql/sink.ts'));
  it('refuses lib/ importing bin/', reports('lib-not-bin: lib/sync/all.ts -> bin/cli.ts'));
  it('refuses bin/ importing lib/ past lib/index.ts', reports('bin-imports-only-lib-index: bin/cli.ts -> lib/mysql/sink.ts'));
  it('refuses node-firebird outside firebird/', () =>
    expect(found.some((l) => /^node-firebird-only-in-firebird: lib\/sync\/driver\.ts -> .*node_modules\/node-firebird\//.test(l))).to.equal(true, found.join('\n')));
  it('refuses mysql2 outside mysql/, type-only included', () =>
    expect(found.some((l) => /^mysql2-only-in-mysql: lib\/state\/driver\.ts -> .*node_modules\/mysql2\//.test(l))).to.equal(true, found.join('\n')));

  it('lets each layer import what it may', () => {
    const allowed = found.filter((l) =>
      /: lib\/sync\/all\.ts -> lib\//.test(l) || // sync/ imports anything in lib/
      /: bin\/cli\.ts -> (lib\/index\.ts|.*node_modules)/.test(l) ||
      /: lib\/(firebird|mysql)\/[a-z-]+\.ts -> .*node_modules\//.test(l) || // an adapter imports its driver
      /: lib\/(util|state|mysql)\/[a-z-]+\.ts -> lib\/(core|stages|util)\//.test(l));
    expect(allowed).to.deep.equal([]);
  });
});
