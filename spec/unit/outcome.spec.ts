/**
 * How a table's run ended, and a run's (lib/sync/outcome.ts); how the command turns that into
 * its exit status (bin/exit-codes.ts); how the text summary shows it (lib/sync/report.ts).
 */
import { expect } from 'chai';
import { errorExitStatus, EXIT, exitStatus } from '../../bin/exit-codes.js';
import { FbsyncError } from '../../lib/core/errors.js';
import type { SyncReport, TableOutcome } from '../../lib/sync/options.js';
import { outcomeOf, failedReport, OUTCOMES, worstOutcome } from '../../lib/sync/outcome.js';
import { formatSummary, summarize } from '../../lib/sync/report.js';
import { syncReport } from '../support/reports.js';

const report = (table: string, more: Partial<SyncReport> = {}): SyncReport =>
  syncReport(table, { read: 10, inserted: 10, elapsedMs: 1000, rowsPerSecond: 10, ...more });

describe('outcomes', () => {
  describe('worstOutcome', () => {
    it('orders them synced < busy < rejected < interrupted < refused < failed', () => {
      expect(OUTCOMES).to.deep.equal(['synced', 'busy', 'rejected', 'interrupted', 'refused', 'failed']);
    });

    it('is the worst of any two, whatever their order', () => {
      for (const [i, a] of OUTCOMES.entries()) {
        for (const [j, b] of OUTCOMES.entries()) expect(worstOutcome([a, b]), `${a}, ${b}`).to.equal(OUTCOMES[Math.max(i, j)]);
      }
    });

    it('is synced for a run with no tables', () => {
      expect(worstOutcome([])).to.equal('synced');
    });

    it('is failed when one table of many failed', () => {
      expect(worstOutcome(['synced', 'rejected', 'failed', 'synced', 'interrupted', 'refused'])).to.equal('failed');
    });
  });

  describe('outcomeOf', () => {
    it('is synced for a table with no rejected row', () => {
      expect(outcomeOf(report('A'))).to.equal('synced');
    });

    it('is rejected for a table with rejected rows (within maxErrors, since it completed)', () => {
      expect(outcomeOf(report('A', { rejected: 2 }))).to.equal('rejected');
    });

    it('is interrupted for a table stopped by the signal, rejected rows or not', () => {
      expect(outcomeOf(report('A', { interrupted: true, rejected: 2 }))).to.equal('interrupted');
    });

    it('keeps the outcome a report says itself (a guard that refused the deletes only)', () => {
      expect(outcomeOf(report('A', { outcome: 'refused' }))).to.equal('refused');
    });
  });

  describe('failedReport', () => {
    it('is failed, with no counts, and the error code, message and options', () => {
      const err = new FbsyncError('TARGET_REJECTED', 'MySQL table db.A rejected the row A(ID=1)', { hint: 'allow it by raising `maxErrors`', options: ['maxErrors'] });
      expect(failedReport('A', 'a', err, 1500, false)).to.deep.include({
        table: 'A',
        target: 'a',
        read: 0,
        inserted: 0,
        elapsedMs: 1500,
        outcome: 'failed',
        error: { code: 'TARGET_REJECTED', message: 'MySQL table db.A rejected the row A(ID=1); allow it by raising `maxErrors`', options: ['maxErrors'] },
      });
    });

    it('is refused for a guard refusal (DELETE_GUARD)', () => {
      expect(failedReport('A', 'A', new FbsyncError('DELETE_GUARD', 'would delete 90 of 100 rows'), 0, false).outcome).to.equal('refused');
    });

    it('is busy for a table another run holds (TABLE_BUSY)', () => {
      expect(failedReport('A', 'A', new FbsyncError('TABLE_BUSY', 'MySQL table db.A is being synced by another run'), 0, false).outcome).to.equal('busy');
    });

    it("keeps a driver error's code, and has none for an error without one", () => {
      expect(failedReport('A', 'A', Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' }), 0, false).error).to.deep.equal({
        code: 'PROTOCOL_CONNECTION_LOST',
        message: 'Connection lost',
      });
      expect(failedReport('A', 'A', new Error('boom'), 0, false).error).to.deep.equal({ message: 'boom' });
    });
  });
});

describe('exit statuses', () => {
  const expected: Record<TableOutcome, number> = { synced: 0, busy: 5, rejected: 4, interrupted: 143, refused: 3, failed: 1 };
  for (const outcome of OUTCOMES) {
    it(`is ${expected[outcome]} for a run ${outcome}`, () => {
      expect(exitStatus(outcome, outcome === 'interrupted' ? 'SIGTERM' : undefined)).to.equal(expected[outcome]);
    });
  }

  it("is the signal's for an interrupted run: 130 for SIGINT, 143 for SIGTERM", () => {
    expect(exitStatus('interrupted', 'SIGINT')).to.equal(130);
    expect(exitStatus('interrupted', 'SIGTERM')).to.equal(143);
  });

  it("is the signal's when the signal came after every table began, and a failure's when some table failed", () => {
    expect(exitStatus('synced', 'SIGINT')).to.equal(130);
    expect(exitStatus('rejected', 'SIGTERM')).to.equal(143);
    expect(exitStatus('failed', 'SIGTERM')).to.equal(1);
    expect(exitStatus('refused', 'SIGINT')).to.equal(3);
    expect(exitStatus('busy', 'SIGTERM')).to.equal(143);
  });

  it('is distinct for each outcome, and none is 2, kept for a command line that cannot run', () => {
    const codes = OUTCOMES.map((o) => exitStatus(o, o === 'interrupted' ? 'SIGINT' : undefined));
    expect(new Set(codes).size).to.equal(OUTCOMES.length);
    expect(codes).to.not.include(EXIT.usage);
  });

  it('is 2 for an error thrown over an option or a job file, 1 for any other', () => {
    expect(errorExitStatus(new FbsyncError('OPTION', 'no tables named'))).to.equal(2);
    expect(errorExitStatus(new FbsyncError('JOB_FILE', 'jobs.yaml:3: unknown key'))).to.equal(2);
    expect(errorExitStatus(Object.assign(new Error('Unknown argument: x'), { name: 'YError' }))).to.equal(2);
    expect(errorExitStatus(new FbsyncError('TARGET_TABLE_MISSING', 'MySQL table db.A does not exist'))).to.equal(1);
    expect(errorExitStatus(new Error('ECONNREFUSED'))).to.equal(1);
  });
});

describe('the text summary of outcomes', () => {
  const failed = failedReport('B', 'B', new FbsyncError('TARGET_SQL', 'writing to MySQL table db.B failed', { hint: 'raise `batchRows`', options: ['batchRows'] }), 2000, false);
  const text = (reports: SyncReport[]) => formatSummary({ ...summarize(reports, 3000), outcome: worstOutcome(reports.map((r) => r.outcome ?? outcomeOf(r))) });

  it('has no outcome column when every table synced', () => {
    expect(text([report('A', { outcome: 'synced' })]).split('\n')[0]).to.not.include('outcome');
  });

  it("shows each table's outcome, the run's in the total row, and a failed table's counts as –", () => {
    const lines = text([report('A', { outcome: 'synced' }), failed]).split('\n');
    const cells = lines.map((l) => l.split(/\s{2,}/));
    expect(cells[0]).to.deep.equal(['table', 'read', 'inserted', 'updated', 'unchanged', 'deleted', 'rows/s', 'elapsed', 'outcome']);
    expect(cells[1]).to.deep.equal(['A', '10', '10', '0', '0', '0', '10', '1.0 s', 'synced']);
    expect(cells[2]).to.deep.equal(['B', '–', '–', '–', '–', '–', '–', '2.0 s', 'failed']);
    expect(cells[3]![0]).to.equal('total (2 tables)');
    expect(cells[3]!.at(-1)).to.equal('failed');
  });

  it("says below the table what each failed table met, in the front end's words for options", () => {
    const summary = { ...summarize([failed], 3000), outcome: 'failed' as const };
    expect(formatSummary(summary).split('\n')).to.include('B failed: writing to MySQL table db.B failed; raise `batchRows`');
    expect(formatSummary(summary, (o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).split('\n')).to.include('B failed: writing to MySQL table db.B failed; raise --batch-rows');
  });

  it('is 5 for a run that threw TABLE_BUSY (a single table, busy)', () => {
    expect(errorExitStatus(new FbsyncError('TABLE_BUSY', 'busy'))).to.equal(5);
  });
});
