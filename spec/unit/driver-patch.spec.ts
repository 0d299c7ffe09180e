import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATCHED_DRIVER_VERSION } from '../../lib/firebird/driver-patch.js';
import { EDITS, VERSION, patchText } from '../../scripts/patch-node-firebird.mjs';

const SCRIPT = 'scripts/patch-node-firebird.mjs';
const require = createRequire(import.meta.url);
const { Arc4 } = require('node-firebird/lib/wire/socket.js') as { Arc4: new (key: Buffer) => { transform(data: Buffer): Buffer } };
const { BlrReader } = require('node-firebird/lib/wire/serialize.js') as { BlrReader: new (buffer: Buffer) => { pos: number; readSegment(): Buffer } };

/** An op_get_segment reply's data: each segment as its 2-byte little-endian length and its bytes. */
function segmented(segments: Buffer[]): Buffer {
  return Buffer.concat(segments.flatMap((s) => [Buffer.from([s.length & 0xff, s.length >> 8]), s]));
}

/** A stand-in driver folder whose files hold each text the patch looks for, amid other code. */
function fakeDriver(version = VERSION): string {
  const root = mkdtempSync(join(tmpdir(), 'fbsync-driver-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'node-firebird', version }));
  for (const [file, edits] of Object.entries(EDITS)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    const body = edits.map(([find, , times]) => Array(times).fill(`// before\n${find}\n// after`).join('\n')).join('\n');
    writeFileSync(join(root, file), `'use strict';\n${body}\n`);
  }
  return root;
}

function run(...args: string[]) {
  const { status, stderr } = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { status, stderr };
}

describe('node-firebird speed patch (scripts/patch-node-firebird.mjs)', () => {
  const roots: string[] = [];
  after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
  const driver = (version?: string) => {
    const root = fakeDriver(version);
    roots.push(root);
    return root;
  };

  it('is applied to the installed driver (npm install and npm ci run it, as part of prepare)', () => {
    expect(run('--check').status).to.equal(0);
  });

  it('is for the one node-firebird version fbsync pins, installs and ships inside its package', () => {
    const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
    const pkg = json('package.json');
    const lock = json('package-lock.json');
    expect(pkg.dependencies['node-firebird']).to.equal(VERSION); // exact: no ^ or ~
    expect(pkg.bundleDependencies).to.deep.equal(['node-firebird']);
    expect(lock.packages[''].dependencies['node-firebird']).to.equal(VERSION);
    expect(lock.packages['node_modules/node-firebird']).to.include({ version: VERSION, inBundle: true });
    expect(json(require.resolve('node-firebird/package.json')).version).to.equal(VERSION);
    expect(PATCHED_DRIVER_VERSION).to.equal(VERSION);
  });

  it('is put into the package by its pack scripts, and no install script runs where it is installed', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(scripts.prepack).to.include('patch-node-firebird.mjs --check');
    expect(scripts).to.not.have.any.keys('preinstall', 'install', 'postinstall');
  });

  it('replaces every text it looks for, and --check then passes', () => {
    const root = driver();
    expect(run('--driver', root, '--check').status).to.equal(1);
    expect(run('--driver', root).status).to.equal(0);
    const connection = readFileSync(join(root, 'lib/wire/connection.js'), 'utf8');
    expect(connection).not.to.include('delete ');
    expect(connection).to.include('data.fstatus = undefined;\n// after\n// before\ndata.fstatus = undefined;');
    expect(run('--driver', root, '--check').status).to.equal(0);
  });

  it('leaves a patched driver as it is when run again', () => {
    const root = driver();
    run('--driver', root);
    const before = Object.keys(EDITS).map((file) => readFileSync(join(root, file), 'utf8'));
    const again = run('--driver', root);
    expect(again.status).to.equal(0);
    expect(again.stderr).to.equal('');
    expect(Object.keys(EDITS).map((file) => readFileSync(join(root, file), 'utf8'))).to.deep.equal(before);
  });

  it('leaves another driver version untouched, says so, and never fails the install', () => {
    const root = driver('2.18.0');
    const { status, stderr } = run('--driver', root);
    expect(status).to.equal(0);
    expect(stderr).to.include(`node-firebird 2.18.0 is not ${VERSION}`).and.to.include('left as it is');
    expect(readFileSync(join(root, 'lib/wire/connection.js'), 'utf8')).to.include('delete data.fstatus;');
    expect(run('--driver', root, '--check').status).to.equal(1);
  });

  it('writes no file unless every file reads as expected', () => {
    const root = driver();
    writeFileSync(join(root, 'lib/wire/socket.js'), '// rewritten upstream\n');
    const { status, stderr } = run('--driver', root);
    expect(status).to.equal(0);
    expect(stderr).to.include('lib/wire/socket.js does not read as expected');
    expect(readFileSync(join(root, 'lib/wire/connection.js'), 'utf8')).to.include('delete data.fstatus;');
  });

  it('refuses a text found more often than expected', () => {
    const [find, replace] = EDITS['lib/wire/connection.js']![0]!;
    expect(patchText(`${find}\n${find}`, [[find, replace, 1]]).error).to.match(/expected 1 × .* found 2/);
  });

  it('keeps the installed RC4 exact: published test vectors', () => {
    const vectors = [
      ['Key', 'Plaintext', 'bbf316e8d940af0ad3'],
      ['Wiki', 'pedia', '1021bf0420'],
      ['Secret', 'Attack at dawn', '45a01f645fc35b383552544b9bf5'],
    ];
    for (const [key, text, cipher] of vectors) {
      expect(new Arc4(Buffer.from(key!)).transform(Buffer.from(text!)).toString('hex')).to.equal(cipher);
    }
  });

  it('keeps the installed RC4 a stream: chunks give the bytes of the whole', () => {
    const key = Buffer.from('0123456789abcdef0123');
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 131 + 7) & 0xff));
    const whole = new Arc4(key).transform(data);
    const cipher = new Arc4(key);
    const pieces: Buffer[] = [];
    for (const [start, end] of [[0, 1], [1, 4096], [4096, 65_536], [65_536, 70_000]] as const) {
      pieces.push(cipher.transform(data.subarray(start, end)));
    }
    expect(Buffer.concat(pieces).equals(whole)).to.equal(true);
    expect(new Arc4(key).transform(whole).equals(data)).to.equal(true);
  });

  it('joins the segments of a BLOB reply in order, into a buffer of its own', () => {
    const segments = Array.from({ length: 4000 }, (_, i) => Buffer.from([i & 0xff, i >> 8, 7]));
    const reply = segmented(segments);
    const joined = new BlrReader(reply).readSegment();
    expect(joined.equals(Buffer.concat(segments))).to.equal(true);
    reply.fill(0);
    expect(joined[3]).to.equal(1); // a copy, not a view of the reply's bytes
  });

  it('reads an empty BLOB reply as no bytes', () => {
    expect(new BlrReader(Buffer.from([0, 0])).readSegment()).to.have.length(0);
  });
});
