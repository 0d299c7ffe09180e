#!/usr/bin/env node
/**
 * fbsync's speed patch for node-firebird 2.17.1: what it changes and why is docs/driver-patch.md,
 * what each change saves docs/performance.md#the-driver-patch.
 * Idempotent. Run by `prepare` in a checkout of fbsync (`npm install`, `npm ci`) and by `prepack`,
 * which then checks it: the published package carries the patched driver inside it
 * (bundleDependencies), so nothing runs where fbsync is installed. A user whose fbsync reads
 * with an unpatched driver (the run says so) runs this script by hand.
 *
 * Each edit is an exact text and its replacement, found the expected number of times. Anything
 * unexpected — another driver version, a file that does not read as expected — leaves the driver
 * untouched with a note on stderr and exit code 0: fbsync works either way, only slower. All files
 * are checked before any is written, and each is written whole (a new file renamed over the old:
 * a hard link into a package store is replaced, not written through). `--check` exits 1 unless
 * the patch is in; `--driver DIR` names node-firebird's folder instead of resolving it from here.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const VERSION = '2.17.1';

/** Per file: exact text → replacement, and how many times the text must occur. */
export const EDITS = {
  'lib/wire/connection.js': [
    ['delete (self._xdr);', 'self._xdr = undefined;', 1],
    ['delete (xdr.r);', 'xdr.r = undefined;', 1],
    ['delete self._pendingAccept;', 'self._pendingAccept = undefined;', 1],
    ['delete data.fstatus;', 'data.fstatus = undefined;', 2],
    ['delete data.fcount;', 'data.fcount = undefined;', 2],
    ['delete data.fcolumn;', 'data.fcolumn = undefined;', 1],
    ['delete data.frow;', 'data.frow = undefined;', 1],
    ['delete data.frows;', 'data.frows = undefined;', 1],
    ['delete data.fcols;', 'data.fcols = undefined;', 1],
    ['delete data.ftables;', 'data.ftables = undefined;', 1],
    [
      `            while (xdr.pos < xdr.buffer.length) {
                var cb = self._queue[0], pos = xdr.pos;
`,
      `            while (xdr.pos < xdr.buffer.length) {
                var cb = self._queue[0], pos = xdr.pos;
                // fbsync speed patch: a fetch reply that surely goes on past these bytes waits for
                // the rest, instead of being decoded up to here, thrown away and decoded again.
                if (cb && cb.statement && fbsyncFetchReplyIncomplete(xdr.buffer, pos, cb.statement)) {
                    xdr.buffer = xdr.buffer.slice(pos);
                    xdr.pos = 0;
                    self._xdr = xdr;
                    break;
                }
`,
      1,
    ],
    [
      `function decodeResponse(data, callback, cnx, lowercase_keys, cb) {
`,
      `/**
 * fbsync speed patch. Node reads a socket in pieces of whatever has arrived, and a fetch reply of
 * 50 KB often comes in three; decodeResponse decodes a piece up to where it runs out, throws that
 * away and starts again from the reply's first byte with the next piece. This walks the reply's
 * rows by their sizes alone (no values made) and says true only when the bytes surely end inside
 * it; anything it does not know (another opcode, protocol < 13, a type it has no size for) is
 * false, and the decoder goes on as it always did.
 */
function fbsyncFetchReplyIncomplete(buf, pos, statement) {
    const output = statement.output;
    const connection = statement.connection;
    if (!output || !connection || !connection.accept || connection.accept.protocolVersion < const_1.default.PROTOCOL_VERSION13) {
        return false;
    }
    const end = buf.length;
    const columns = output.length;
    const nullBytes = (columns + 7) >> 3;
    const rowStart = nullBytes + ((4 - nullBytes) & 3);
    for (;;) {
        if (pos + 12 > end) {
            return pos + 4 > end || buf.readInt32BE(pos) === const_1.default.op_fetch_response;
        }
        if (buf.readInt32BE(pos) !== const_1.default.op_fetch_response) {
            return false;
        }
        if (buf.readInt32BE(pos + 4) === 100 || buf.readInt32BE(pos + 8) === 0) {
            return false;
        }
        const nulls = pos + 12;
        pos = nulls + rowStart;
        for (let i = 0; i < columns; i++) {
            if (pos > end) {
                return true;
            }
            if (nulls + (i >> 3) < end && (buf[nulls + (i >> 3)] >> (i & 7)) & 1) {
                continue;
            }
            const item = output[i];
            switch (item.type) {
                case const_1.default.SQL_VARYING: {
                    if (pos + 4 > end) {
                        return true;
                    }
                    const length = buf.readInt32BE(pos);
                    pos += 4 + (length > 0 ? (length + 3) & ~3 : 0);
                    break;
                }
                case const_1.default.SQL_TEXT:
                case const_1.default.SQL_NULL:
                    pos += item.length > 0 ? (item.length + 3) & ~3 : 0;
                    break;
                case const_1.default.SQL_SHORT:
                case const_1.default.SQL_LONG:
                case const_1.default.SQL_FLOAT:
                case const_1.default.SQL_D_FLOAT:
                case const_1.default.SQL_TYPE_DATE:
                case const_1.default.SQL_TYPE_TIME:
                case const_1.default.SQL_BOOLEAN:
                    pos += 4;
                    break;
                case const_1.default.SQL_DOUBLE:
                case const_1.default.SQL_TIMESTAMP:
                case const_1.default.SQL_INT64:
                case const_1.default.SQL_BLOB:
                case const_1.default.SQL_ARRAY:
                case const_1.default.SQL_QUAD:
                case const_1.default.SQL_DEC16:
                case const_1.default.SQL_TIME_TZ:
                    pos += 8;
                    break;
                case const_1.default.SQL_TIME_TZ_EX:
                case const_1.default.SQL_TIMESTAMP_TZ:
                    pos += 12;
                    break;
                case const_1.default.SQL_INT128:
                case const_1.default.SQL_DEC34:
                case const_1.default.SQL_TIMESTAMP_TZ_EX:
                    pos += 16;
                    break;
                default:
                    return false;
            }
        }
        if (pos > end) {
            return true;
        }
    }
}
function decodeResponse(data, callback, cnx, lowercase_keys, cb) {
`,
      1,
    ],
    [
      `                    let nullBitSet;
                    if (!lowerV13) {
                        const nullBitsLen = Math.floor((output.length + 7) / 8);
                        nullBitSet = new serialize_1.BitSet(data.readBuffer(nullBitsLen, false));
                        data.readBuffer((4 - nullBitsLen) & 3, false); // Skip padding
                    }`,
      `                    // fbsync speed patch: the row's NULL bitmap read where it lies (no Buffer, BitSet and array a row)
                    let nullStart = -1;
                    if (!lowerV13) {
                        const nullBitsLen = (output.length + 7) >> 3;
                        nullStart = data.pos;
                        data.pos += nullBitsLen + ((4 - nullBitsLen) & 3);
                    }`,
      1,
    ],
    [
      'if (!lowerV13 && nullBitSet.get(data.fcolumn)) {',
      'if (!lowerV13 && (data.buffer[nullStart + (data.fcolumn >> 3)] >> (data.fcolumn & 7)) & 1) {',
      1,
    ],
    // Login: the server's SRP data is the salt's length, the salt, the key's length and the key,
    // with no padding; the driver rounded the key's offset up to 4 bytes, which is right only
    // for a salt of 64 hex digits. A salt with a leading zero nibble comes as 63 (about one user
    // in 16), and such a user could never log in.
    ['var keyStart = (saltLen + 2 + 3) & ~3;', 'var keyStart = saltLen + 4; // fbsync patch: no padding before the key', 2],
    // For its spec (spec/integration/driver-patch.spec.ts), which cuts real replies at every byte.
    ['module.exports = Connection;\n', 'module.exports = Connection;\nConnection.fbsyncFetchReplyIncomplete = fbsyncFetchReplyIncomplete;\n', 1],
  ],
  'lib/wire/serialize.js': [
    [
      `class XdrReader {
    constructor(buffer) {
        this.buffer = buffer;
        this.pos = 0;
    }`,
      `class XdrReader {
    constructor(buffer) {
        this.buffer = buffer;
        this.pos = 0;
        // fbsync speed patch: every field the decoder sets, from the start (one hidden class)
        this.r = undefined;
        this.fop = undefined;
        this.fstatus = undefined;
        this.fcount = undefined;
        this.fcolumn = undefined;
        this.frow = undefined;
        this.frows = undefined;
        this.fcols = undefined;
        this.ftables = undefined;
    }`,
      1,
    ],
    [
      `    readSegment() {
        var ret, tmp;
        var len = this.buffer.readUInt16LE(this.pos);
        this.pos += 2;
        while (len > 0) {
            if (ret) {
                tmp = ret;
                ret = Buffer.alloc(tmp.length + len);
                tmp.copy(ret);
                this.buffer.copy(ret, tmp.length, this.pos, this.pos + len);
            }
            else {
                ret = Buffer.alloc(len);
                this.buffer.copy(ret, 0, this.pos, this.pos + len);
            }
            this.pos += len;
            if (this.pos === this.buffer.length)
                break;
            len = this.buffer.readUInt16LE(this.pos);
            this.pos += 2;
        }
        return ret ? ret : Buffer.alloc(0);
    }`,
      `    readSegment() {
        // fbsync speed patch: the reply's segments gathered and copied once, not each into a new
        // buffer holding all before it (a 64 KiB reply of 16-byte segments copied 120 MB); and an
        // empty segment passed over, not taken for the end: a text BLOB the server transliterates
        // has them, and everything after the first was lost
        var parts = [];
        var total = 0;
        while (this.pos + 2 <= this.buffer.length) {
            var len = this.buffer.readUInt16LE(this.pos);
            this.pos += 2;
            if (len > 0) {
                parts.push(this.buffer.subarray(this.pos, this.pos + len));
                total += len;
                this.pos += len;
            }
        }
        return Buffer.concat(parts, total);
    }`,
      1,
    ],
  ],
  'lib/wire/socket.js': [
    [
      `        var out = Buffer.alloc(data.length);
        for (var n = 0; n < data.length; n++) {
            this._i = (this._i + 1) & 0xFF;
            this._j = (this._j + this._s[this._i]) & 0xFF;
            // Swap
            var tmp = this._s[this._i];
            this._s[this._i] = this._s[this._j];
            this._s[this._j] = tmp;
            var k = this._s[(this._s[this._i] + this._s[this._j]) & 0xFF];
            out[n] = data[n] ^ k;
        }
        return out;`,
      `        // fbsync speed patch: the cipher state in locals
        const s = this._s;
        const length = data.length;
        const out = Buffer.allocUnsafe(length);
        let i = this._i;
        let j = this._j;
        for (let n = 0; n < length; n++) {
            i = (i + 1) & 0xFF;
            const si = s[i];
            j = (j + si) & 0xFF;
            const sj = s[j];
            s[i] = sj;
            s[j] = si;
            out[n] = data[n] ^ s[(si + sj) & 0xFF];
        }
        this._i = i;
        this._j = j;
        return out;`,
      1,
    ],
  ],
};

function count(text, part) {
  return text.split(part).length - 1;
}

/** The new text of a file, the same text if the patch is in, or a reason it cannot be patched. */
export function patchText(text, edits) {
  let out = text;
  let applied = 0;
  for (const [find, replace, times] of edits) {
    // The replacement first: some contain the text they replace.
    if (count(out, replace) === times) {
      applied++;
      continue;
    }
    const found = count(out, find);
    if (found === times) out = out.split(find).join(replace);
    else return { error: `expected ${times} × ${JSON.stringify(find.trim().split('\n')[0])}, found ${found}` };
  }
  return { text: out, alreadyPatched: applied === edits.length };
}

function main() {
  const { values } = parseArgs({ options: { check: { type: 'boolean' }, driver: { type: 'string' } } });
  const check = values.check === true;
  const say = (message) => process.stderr.write(`fbsync: ${message}\n`);
  let root = values.driver;
  try {
    root ??= dirname(createRequire(import.meta.url).resolve('node-firebird/package.json'));
  } catch {
    say('node-firebird is not installed; nothing to patch');
    return check ? 1 : 0;
  }
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  if (version !== VERSION) {
    say(`node-firebird ${version} is not ${VERSION}, the version its speed patch was written for; left as it is (fbsync works, reads slower)`);
    return check ? 1 : 0;
  }
  const results = [];
  for (const [file, edits] of Object.entries(EDITS)) {
    const path = join(root, file);
    const result = patchText(readFileSync(path, 'utf8'), edits);
    if (result.error) {
      say(`node-firebird ${file} does not read as expected (${result.error}); the driver is left as it is (fbsync works, reads slower)`);
      return check ? 1 : 0;
    }
    results.push({ path, ...result });
  }
  if (results.every((r) => r.alreadyPatched)) {
    if (check) say(`node-firebird ${version}: speed patch applied`);
    return 0;
  }
  if (check) {
    say(`node-firebird ${version}: speed patch not applied (run: node ${fileURLToPath(import.meta.url)}${values.driver ? ` --driver ${root}` : ''})`);
    return 1;
  }
  // All files checked before any is written, each written whole: never a half-patched driver.
  for (const { path, text, alreadyPatched } of results) {
    if (alreadyPatched) continue;
    writeFileSync(`${path}.fbsync-tmp`, text);
    renameSync(`${path}.fbsync-tmp`, path);
  }
  say(`node-firebird ${version}: speed patch applied (${root})`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main();
  } catch (error) {
    // An install must never fail over a speed patch.
    process.stderr.write(`fbsync: node-firebird's speed patch not applied: ${error.message}\n`);
    process.exitCode = process.argv.includes('--check') ? 1 : 0;
  }
}
