/**
 * The node flags on the first line of bin/fbsync.ts, which `npx fbsync` runs the command with and
 * the bench reads (bench/suite.ts shebangFlags) to run it the same way: they bound its memory
 * (docs/performance.md#memory), and one node does not know would stop every run before it began.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { shebangFlags } from '../../bench/suite.js';

const BIN = 'bin/fbsync.ts';

describe("the command's first line", () => {
  it('runs node through env -S with the flags that bound the memory', () => {
    expect(readFileSync(BIN, 'utf8')).to.match(/^#!\/usr\/bin\/env -S node --/);
    expect(shebangFlags(BIN)).to.deep.equal(['--max-semi-space-size=4', '--heap-growing-percent=100']);
  });

  it('holds flags this node accepts', () => {
    const { status, stderr } = spawnSync(process.execPath, [...shebangFlags(BIN), '-e', '0'], { encoding: 'utf8' });
    expect(stderr).to.equal('');
    expect(status).to.equal(0);
  });
});
