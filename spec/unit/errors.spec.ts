/**
 * FbsyncError speaks the library's language: a code, the options concerned as a caller of the
 * library spells them, the value refused; never a command-line flag (those are bin/'s words).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FbsyncError } from '../../lib/core/errors.js';
import { COMMAND_FLAGS } from '../../bin/messages.js';
import { syncTable } from '../../lib/sync/sync-table.js';
import { syncTables } from '../../lib/sync/sync-tables.js';
import { mysqlSchema } from '../../lib/sync/schema.js';
import { sinceFilter } from '../../lib/firebird/since-filter.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Nothing listens here: a check that connects would fail with another code than the one expected. */
const NOWHERE = { from: 'firebird://SYSDBA:masterkey@127.0.0.1:1//nowhere.fdb', to: 'mysql://fbsync:secret@127.0.0.1:1/nowhere' };

async function rejection(promise: Promise<unknown>): Promise<FbsyncError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(FbsyncError);
  return err as FbsyncError;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('FbsyncError', () => {
  it('keeps the code, the hint apart, and no options or value unless given', () => {
    const err = new FbsyncError('TARGET_TABLE_MISSING', 'MySQL table shop.T does not exist', { hint: 'create it first' });
    expect(err.message).to.equal('MySQL table shop.T does not exist; create it first');
    expect(err).to.include({ code: 'TARGET_TABLE_MISSING', hint: 'create it first' });
    expect(err.options).to.deep.equal([]);
    expect(err.value).to.equal(undefined);
  });

  it('carries the options concerned and the value refused', () => {
    const err = new FbsyncError('OPTION', '`maxErrors` must be an integer ≥ 0, not -1', { options: ['maxErrors'], value: -1 });
    expect(err.options).to.deep.equal(['maxErrors']);
    expect(err.value).to.equal(-1);
  });

  describe('raised for an option, before connecting to anything', () => {
    it('names the option at fault and the value', async () => {
      const err = await rejection(syncTable({ ...NOWHERE, table: 'T', maxErrors: -1 }));
      expect(err.code).to.equal('OPTION');
      expect(err.options).to.deep.equal(['maxErrors']);
      expect(err.value).to.equal(-1);
      expect(err.message).to.equal('`maxErrors` must be an integer ≥ 0, not -1');
    });

    it('names both options of a clash, the one at fault first', async () => {
      const err = await rejection(syncTable({ ...NOWHERE, table: 'T', sinceColumn: 'ALTERADO_EM', delete: true }));
      expect(err.code).to.equal('OPTION');
      expect(err.options).to.deep.equal(['sinceColumn', 'delete']);
      expect(err.message).to.match(/^`sinceColumn` reads only rows changed since the last run, so it cannot see deleted rows and does not go with `delete`; /);
      expect(err.hint).to.equal('run without `sinceColumn` when rows must be deleted (e.g. a weekly full sync with `delete`)');
    });

    it('says which option to pass when no table is named', async () => {
      for (const promise of [syncTables({ ...NOWHERE }), mysqlSchema({ from: NOWHERE.from })]) {
        const err = await rejection(promise);
        expect(err).to.include({ code: 'OPTION', message: 'no tables named; pass `tables` or `allTables`' });
        expect(err.options).to.deep.equal(['tables', 'allTables']);
      }
    });

    it('names the option of a bad number given to a lower-level function too', () => {
      const column = { index: 0, name: 'ALTERADO_EM', kind: 'timestamp', nullable: true } as const;
      expect(() => sinceFilter(column, '2024-01-01 00:00:00', -5))
        .to.throw(FbsyncError)
        .that.deep.includes({ code: 'OPTION', options: ['sinceOverlapSeconds'], value: -5 });
    });
  });

  /*
   * A line-by-line look at lib/ outside comments: `--` followed by a letter there can only be a
   * flag in a string (lib/ decrements no variable with a prefix `--`, and an SQL comment, should
   * one appear in a query, starts `-- ` with a space). Only fbsync's own flags count: a command
   * of another program the library tells of (the driver patch script's `--driver`) keeps its own.
   */
  it('is never worded with a flag of the fbsync command anywhere in lib/', () => {
    const flags: string[] = [];
    for (const file of tsFiles(join(ROOT, 'lib'))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.trim();
          if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
          for (const [, flag] of code.replace(/\s\/\/\s.*$/, '').matchAll(/(?:^|[^\w-])(--[a-z][\w-]*)/gi)) {
            if (COMMAND_FLAGS.includes(flag!.replace(/^--no-/, '--'))) flags.push(`${relative(ROOT, file)}:${i + 1}: ${flag}`);
          }
        });
    }
    expect(flags, 'name the library option in backquotes instead, and list it in the error\'s options').to.deep.equal([]);
  });
});
