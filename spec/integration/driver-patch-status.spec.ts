/**
 * driverPatchStatus: whether the node-firebird fbsync runs on carries its speed patch, checked
 * against this checkout's driver and against node-firebird as npm publishes it.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EDITS } from '../../scripts/patch-node-firebird.mjs';
import { driverPatchStatus, driverWarnings, PATCHED_DRIVER_VERSION, type DriverPatchStatus } from '../../lib/firebird/driver-patch.js';
import { REPO_ROOT, ensureBuilt } from '../support/cli.js';
import { pristineDriver, removeTemporary, temporary } from '../support/packages.js';

/** The status of the driver in `folder` as a new process sees it (this one keeps the modules it loaded). */
function statusInChild(folder: string): DriverPatchStatus {
  const module = pathToFileURL(join(REPO_ROOT, 'dist/lib/firebird/driver-patch.js')).href;
  const code = `import { driverPatchStatus } from ${JSON.stringify(module)}; console.log(JSON.stringify(driverPatchStatus(process.env.DRIVER)));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, DRIVER: folder }, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as DriverPatchStatus;
}

describe('driverPatchStatus: the driver patch checked at run time', function () {
  this.timeout(120_000);
  let published: string;

  before(async () => {
    published = await pristineDriver();
  });
  after(removeTemporary);

  it('finds the driver of this checkout patched, and warns of nothing', () => {
    const status = driverPatchStatus();
    expect(status).to.deep.include({ version: PATCHED_DRIVER_VERSION, patched: true });
    expect(status.folder).to.equal(join(REPO_ROOT, 'node_modules', 'node-firebird'));
    expect(status.warning).to.equal(undefined);
    expect(driverWarnings()).to.deep.equal([]);
  });

  it('says node-firebird as published lacks the patch, what that costs, and the command that adds it', () => {
    const status = driverPatchStatus(published);
    expect(status).to.deep.include({ folder: published, version: PATCHED_DRIVER_VERSION, patched: false });
    expect(status.warning).to.equal(
      `node-firebird ${PATCHED_DRIVER_VERSION} (${published}) lacks fbsync's speed patch, so fbsync reads at about twice node's CPU per row and about one Firebird 3 user in 16 cannot log in; ` +
        `fix: node ${join(REPO_ROOT, 'scripts', 'patch-node-firebird.mjs')} --driver ${published} (see ${join(REPO_ROOT, 'docs', 'driver-patch.md')})`,
    );
  });

  it('is satisfied once the command the warning names has run', async () => {
    await ensureBuilt();
    const copy = join(temporary('fbsync-driver-'), 'node-firebird');
    cpSync(published, copy, { recursive: true });
    const before = statusInChild(copy);
    const command = /fix: node (\S+) --driver (\S+) /.exec(before.warning ?? '');
    expect(command, before.warning).to.not.equal(null);
    const fix = spawnSync(process.execPath, [command![1]!, '--driver', command![2]!], { encoding: 'utf8' });
    expect(fix.status, fix.stderr).to.equal(0);
    expect(statusInChild(copy)).to.deep.equal({ folder: copy, version: PATCHED_DRIVER_VERSION, patched: true });
  });

  it('says another node-firebird version is not the one the patch is for', async () => {
    const other = await pristineDriver('2.18.0');
    const status = driverPatchStatus(other);
    expect(status).to.deep.include({ version: '2.18.0', patched: false });
    expect(status.warning).to.equal(
      `node-firebird 2.18.0 (${other}) is not ${PATCHED_DRIVER_VERSION}, the version fbsync's speed patch is for, so fbsync reads without it, ` +
        `at about twice node's CPU per row; give fbsync node-firebird ${PATCHED_DRIVER_VERSION} (an override or resolution may have replaced it; see ${join(REPO_ROOT, 'docs', 'driver-patch.md')})`,
    );
  });

  it('warns, never throws, when it cannot tell', () => {
    const status = driverPatchStatus(join(published, 'no-such-folder'));
    expect(status.patched).to.equal(false);
    expect(status.warning).to.match(/^cannot tell whether node-firebird \(.*no-such-folder\) carries fbsync's speed patch \(Cannot find module '\.\/package\.json'\); without it/);
  });
});

describe('docs/driver-patch.md', function () {
  this.timeout(120_000);
  after(removeTemporary);

  it('holds the patch as a diff that turns node-firebird as published into the driver the script patched', async () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'driver-patch.md'), 'utf8');
    const diff = /^```diff\n([\s\S]*?)^```$/m.exec(doc)?.[1];
    expect(diff, 'a ```diff block').to.be.a('string');
    const copy = join(temporary('fbsync-driver-'), 'node-firebird');
    cpSync(await pristineDriver(), copy, { recursive: true });
    writeFileSync(join(copy, 'fbsync.patch'), diff!);
    const applied = spawnSync('git', ['apply', '--verbose', 'fbsync.patch'], { cwd: copy, encoding: 'utf8' });
    expect(applied.status, applied.stderr).to.equal(0);
    for (const file of Object.keys(EDITS)) {
      expect(readFileSync(join(copy, file), 'utf8'), file).to.equal(readFileSync(join(REPO_ROOT, 'node_modules', 'node-firebird', file), 'utf8'));
    }
    expect(applied.stderr.match(/^Applied patch .* cleanly\.$/gm)).to.have.length(Object.keys(EDITS).length);
  });
});
