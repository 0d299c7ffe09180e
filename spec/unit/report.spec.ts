import { expect } from 'chai';
import { formatRetry, formatSummary, summarize } from '../../lib/sync/report.js';
import type { SyncReport } from '../../lib/sync/options.js';
import { syncReport } from '../support/reports.js';

const report = syncReport;

const clients = report('CLIENTS', { read: 1200, inserted: 200, updated: 10, unchanged: 990, deleted: 3, elapsedMs: 1500, rowsPerSecond: 800 });
const orders = report('ORDERS', { read: 50000, inserted: 50000, elapsedMs: 2500, rowsPerSecond: 20000 });

describe('report', () => {
  describe('summarize', () => {
    it('adds up the counts of every table', () => {
      const summary = summarize([clients, orders], 4000);
      expect(summary.total).to.deep.equal({
        tables: 2,
        read: 51200,
        inserted: 50200,
        updated: 10,
        unchanged: 990,
        deleted: 3,
        rejected: 0,
        dryRun: false,
        interrupted: false,
        elapsedMs: 4000,
        rowsPerSecond: 12800,
      });
    });

    it('keeps the per-table reports, in order, as a copy', () => {
      const reports = [clients, orders];
      const summary = summarize(reports, 4000);
      expect(summary.tables).to.deep.equal([clients, orders]);
      expect(summary.tables).to.not.equal(reports);
    });

    it('takes the elapsed time of the whole run, not the sum of the tables', () => {
      expect(summarize([clients, orders], 10_000).total).to.include({ elapsedMs: 10_000, rowsPerSecond: 5120 });
    });

    it('rounds the rate to whole rows per second', () => {
      expect(summarize([report('T', { read: 10 })], 3000).total.rowsPerSecond).to.equal(3);
    });

    it('reports the rows read as the rate when no time has passed', () => {
      expect(summarize([report('T', { read: 7 })], 0).total.rowsPerSecond).to.equal(7);
    });

    it('adds up the rejected rows', () => {
      expect(summarize([{ ...clients, rejected: 2 }, { ...orders, rejected: 5 }], 1000).total.rejected).to.equal(7);
    });

    it('is a dry run when any table was', () => {
      expect(summarize([clients, { ...orders, dryRun: true }], 1000).total.dryRun).to.equal(true);
      expect(summarize([clients, orders], 1000).total.dryRun).to.equal(false);
    });

    it('of no tables is all zeros', () => {
      expect(summarize([], 5).total).to.deep.equal({
        tables: 0,
        read: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        deleted: 0,
        rejected: 0,
        dryRun: false,
        interrupted: false,
        elapsedMs: 5,
        rowsPerSecond: 0,
      });
    });

    it('does not change the reports it is given', () => {
      const before = structuredClone(clients);
      summarize([clients, orders], 1000);
      expect(clients).to.deep.equal(before);
    });
  });

  describe('formatSummary', () => {
    it('says versions were noted for the next run only where they were kept', () => {
      const versions = { mode: 'noted' as const, reason: 'no run noted versions before' };
      const note = (more: Partial<SyncReport>) => formatSummary(summarize([report('T', { versions, ...more })], 1000)).split('\n').find((l) => l.startsWith('(T: every row'));
      expect(note({})).to.equal('(T: every row was compared, since no run noted versions before; versions were noted for the next run)');
      expect(note({ dryRun: true })).to.include('; no versions were noted (dry run))');
      expect(note({ rejected: 2 })).to.include('; its versions were not kept, since MySQL refused rows)');
      expect(note({ interrupted: true })).to.include('; its versions were not kept, since the run did not complete)');
    });

    it('says how the source columns changed, what was altered (or would be, in a dry run), and that every row was compared', () => {
      const sourceChanged = { changes: ['OBS is new'], altered: ['ALTER TABLE `T` ADD COLUMN `OBS` INT'] };
      const note = (more: Partial<SyncReport>) => formatSummary(summarize([report('T', { sourceChanged, ...more })], 1000)).split('\n').find((l) => l.startsWith('(T: '));
      expect(note({})).to.equal('(T: its columns changed since the last run (OBS is new); ran ALTER TABLE `T` ADD COLUMN `OBS` INT; every row was compared)');
      expect(note({ dryRun: true })).to.include('; would run ALTER TABLE');
      expect(note({ sourceChanged: { changes: [], altered: sourceChanged.altered } })).to.match(/^\(T: its MySQL table lacked source columns; ran /);
    });

    it('says what held a watermark back, and when other transactions could not be seen', () => {
      const lines = (since: SyncReport['since']) => formatSummary(summarize([report('T', { since })], 1000)).split('\n').slice(2);
      const from = '2026-12-07 11:00:00.0000';
      const heldBackBy = 'transaction 42 (attachment 7), open since 2026-12-07 11:50:00.1234, which may still commit rows';
      expect(lines({ column: 'AT', from, next: '2026-12-07 11:49:59.1234', heldBackBy })).to.include(
        `(T: the next run reads from 2026-12-07 11:49:59.1234 on, held back by ${heldBackBy})`,
      );
      const note = 'cannot see other transactions (user R is not SYSDBA or the owner): watermark held back only by the overlap of 60 s';
      expect(lines({ column: 'AT', from, next: from, note })).to.include(`(T: ${note})`);
    });

    it('for one table: a header and one row, no total', () => {
      expect(formatSummary(summarize([clients], 1500))).to.equal(
        [
          'table     read  inserted  updated  unchanged  deleted  rows/s  elapsed',
          'CLIENTS  1,200       200       10        990        3     800    1.5 s',
        ].join('\n'),
      );
    });

    it('for several tables: one row per table and a total row', () => {
      expect(formatSummary(summarize([clients, orders], 4000))).to.equal(
        [
          'table               read  inserted  updated  unchanged  deleted  rows/s  elapsed',
          'CLIENTS            1,200       200       10        990        3     800    1.5 s',
          'ORDERS            50,000    50,000        0          0        0  20,000    2.5 s',
          'total (2 tables)  51,200    50,200       10        990        3  12,800    4.0 s',
        ].join('\n'),
      );
    });

    it('adds a rejected column, after deleted, and the outcome column, when MySQL refused some row', () => {
      expect(formatSummary(summarize([clients, { ...orders, rejected: 1234 }], 4000))).to.equal(
        [
          'table               read  inserted  updated  unchanged  deleted  rejected  rows/s  elapsed  outcome',
          'CLIENTS            1,200       200       10        990        3         0     800    1.5 s  synced',
          'ORDERS            50,000    50,000        0          0        0     1,234  20,000    2.5 s  rejected',
          'total (2 tables)  51,200    50,200       10        990        3     1,234  12,800    4.0 s  rejected',
        ].join('\n'),
      );
    });

    it('names a table synced into a differently named target as source → target', () => {
      const text = formatSummary(summarize([{ ...clients, target: 'clientes' }], 1500));
      expect(text.split('\n')[1]).to.match(/^CLIENTS → clientes {2}/);
    });

    it('left-aligns names and right-aligns numbers in columns of equal width', () => {
      const lines = formatSummary(summarize([clients, orders], 4000)).split('\n');
      expect(new Set(lines.map((l) => l.length)).size).to.equal(1);
    });

    it('adds a dry-run note when nothing was written', () => {
      const text = formatSummary(summarize([{ ...clients, dryRun: true }], 1500));
      const lines = text.split('\n');
      expect(lines).to.have.length(3);
      expect(lines[2]).to.equal('(dry run: nothing was written)');
    });

    it('says which tables resumed, and after which key', () => {
      const text = formatSummary(summarize([report('T', { read: 5, resumedAfter: [41] })], 1000));
      expect(text).to.include('(T: resumed after key [41]; rows up to it were not read again)');
    });

    it('says when the run was interrupted and how to continue', () => {
      const text = formatSummary(summarize([report('T', { interrupted: true })], 1000));
      expect(text).to.include('(interrupted: the checkpoint is kept; run again with `resume` to continue)');
    });

    it('has no dry-run note for a real run', () => {
      expect(formatSummary(summarize([clients], 1500))).to.not.include('dry run');
    });
  });

  describe('formatRetry', () => {
    it('says which side failed at what, in the server\'s words with its code, and when it tries again', () => {
      const deadlock = { database: 'mysql' as const, table: 'TB_ESTOQUE', operation: 'upsert' as const, attempt: 1, attempts: 8, delayMs: 180, error: { code: 'ER_LOCK_DEADLOCK', errno: 1213, message: 'Deadlock found when trying to get lock' } };
      expect(formatRetry(deadlock)).to.equal('MySQL upsert of TB_ESTOQUE failed (Deadlock found when trying to get lock; ER_LOCK_DEADLOCK); attempt 1 of 8, again in 0.2 s');
    });

    it('says that a lost Firebird connection is attached again', () => {
      const lost = { database: 'firebird' as const, table: 'TB_ESTOQUE', operation: 'read' as const, attempt: 3, attempts: 8, delayMs: 1250, error: { gdscode: 335544856, message: 'Connection shutdown' } };
      expect(formatRetry(lost)).to.equal('Firebird read of TB_ESTOQUE failed (Connection shutdown; 335544856); attempt 3 of 8, attaching again in 1.3 s');
    });
  });
});
