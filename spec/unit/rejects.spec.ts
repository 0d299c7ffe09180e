import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { RejectFile, rejectLine } from '../../lib/state/rejects.js';
import { type RejectedRow } from '../../lib/core/rejected-row.js';
import { FbsyncError } from '../../lib/core/errors.js';

function reject(id: number, extra: Partial<RejectedRow['values']> = {}): RejectedRow {
  return {
    table: 'TB_ESTOQUE',
    target: 'tb_estoque',
    key: { ID_ESTOQUE: id },
    values: { ID_ESTOQUE: id, DESCRICAO: 'Descrição longa', PRECO: '12.3400', QUANDO: '2024-01-02 03:04:05.0006', ATIVO: null, ...extra },
    error: { code: 'ER_DATA_TOO_LONG', errno: 1406, sqlState: '22001', message: "Data too long for column 'DESCRICAO' at row 1" },
  };
}

describe('rejects', () => {
  describe('rejectLine', () => {
    it('is one line of JSON with the time, the table, the key, the values and the error', () => {
      const line = rejectLine(reject(7), new Date('2026-01-02T03:04:05.678Z'));
      expect(line.endsWith('\n')).to.equal(true);
      expect(line.slice(0, -1)).not.to.include('\n');
      expect(JSON.parse(line)).to.deep.equal({ at: '2026-01-02T03:04:05.678Z', ...reject(7) });
    });

    it('keeps exact numbers and times as the strings they are', () => {
      const parsed = JSON.parse(rejectLine(reject(7)));
      expect(parsed.values).to.include({ PRECO: '12.3400', QUANDO: '2024-01-02 03:04:05.0006' });
    });

    it('writes binary values as {"base64": …}, in the key too', () => {
      const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);
      const r = { ...reject(1, { FOTO: bytes }), key: { HASH: bytes } };
      const parsed = JSON.parse(rejectLine(r));
      expect(parsed.values.FOTO).to.deep.equal({ base64: 'AAEC/v8=' });
      expect(parsed.key.HASH).to.deep.equal({ base64: 'AAEC/v8=' });
      expect(Buffer.from(parsed.values.FOTO.base64, 'base64').equals(bytes)).to.equal(true);
    });

    it('escapes newlines inside values, so one reject stays one line', () => {
      expect(rejectLine(reject(1, { DESCRICAO: 'a\nb\r\nc' })).split('\n')).to.have.length(2);
    });
  });

  describe('RejectFile', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fbsync-rejects-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('creates no file until the first reject', async () => {
      const file = new RejectFile(join(dir, 'r.jsonl'));
      await file.close();
      const err = await stat(file.path).catch((e: NodeJS.ErrnoException) => e);
      expect((err as NodeJS.ErrnoException).code).to.equal('ENOENT');
    });

    it('appends one line per reject, in order, even when written all at once', async () => {
      const file = new RejectFile(join(dir, 'r.jsonl'));
      await Promise.all(Array.from({ length: 50 }, (_, i) => file.write(reject(i, { DESCRICAO: 'x'.repeat(i * 1000) }))));
      await file.close();
      const lines = (await readFile(file.path, 'utf8')).trimEnd().split('\n');
      expect(lines.map((l) => JSON.parse(l).key.ID_ESTOQUE)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
      expect(file.written).to.equal(50);
    });

    it('appends to an existing file instead of replacing it', async () => {
      const path = join(dir, 'r.jsonl');
      for (const id of [1, 2]) {
        const file = new RejectFile(path);
        await file.write(reject(id));
        await file.close();
      }
      const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
      expect(lines.map((l) => JSON.parse(l).key.ID_ESTOQUE)).to.deep.equal([1, 2]);
    });

    it('is readable by its owner only', async function () {
      if (process.platform === 'win32') this.skip();
      const file = new RejectFile(join(dir, 'r.jsonl'));
      await file.write(reject(1));
      await file.close();
      expect((await stat(file.path)).mode & 0o077).to.equal(0);
    });

    it('fails with a message naming the file when it cannot be created', async () => {
      const file = new RejectFile(join(dir, 'no-such-dir', 'r.jsonl'));
      const err = await file.write(reject(1)).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(FbsyncError);
      expect((err as FbsyncError).code).to.equal('REJECT_FILE');
      expect((err as Error).message).to.include(`cannot write the reject file ${file.path}`).and.include('ENOENT');
      await file.close();
    });
  });
});
