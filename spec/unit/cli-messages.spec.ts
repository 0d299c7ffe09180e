/**
 * The command's words for a library error (bin/messages.ts): the options an error lists are
 * printed as the command's flags, and nothing else in the message changes.
 */
import { expect } from 'chai';
import { commandMessage, flagOf } from '../../bin/messages.js';
import { FbsyncError } from '../../lib/core/errors.js';
import { formatSummary, summarize } from '../../lib/sync/report.js';
import type { SyncReport } from '../../lib/sync/options.js';

describe('the command\'s words for library errors', () => {
  it('names each option the error lists by its flag, in the message and in the hint', () => {
    const err = new FbsyncError('OPTION', '`sinceColumn` and `rowVersions` are two ways of finding changed rows; use one', {
      hint: '`rowVersions` also sees deleted rows; `sinceColumn` needs no notes in the target',
      options: ['sinceColumn', 'rowVersions'],
    });
    expect(commandMessage(err)).to.equal(
      '--since-column and --row-versions are two ways of finding changed rows; use one; --row-versions also sees deleted rows; --since-column needs no notes in the target',
    );
  });

  it('maps options whose flag is spelt otherwise, and nested ones', () => {
    expect(flagOf('sinceOverlapSeconds')).to.equal('--since-overlap');
    expect(flagOf('retry.attempts')).to.equal('--retries');
    expect(flagOf('maxErrors')).to.equal('--max-errors');
    expect(flagOf('roundToTarget')).to.equal('--round-to-target');
  });

  it('leaves the words in backquotes that the error does not list as options', () => {
    const err = new FbsyncError('TARGET_COLUMN_TYPE', 'MySQL table shop.T cannot hold T exactly: delete INT is narrower', {
      hint: 'change that column (ALTER TABLE T MODIFY `delete` BIGINT) or exclude it: add T.DELETE to `excludeColumns`',
      options: ['excludeColumns'],
    });
    expect(commandMessage(err)).to.equal(
      'MySQL table shop.T cannot hold T exactly: delete INT is narrower; change that column (ALTER TABLE T MODIFY `delete` BIGINT) or exclude it: add T.DELETE to --exclude-columns',
    );
  });

  it('keeps an option the command has no flag for in backquotes', () => {
    const err = new FbsyncError('OPTION', '`pageBytes` must be a positive integer, not 0', { options: ['pageBytes'], value: 0 });
    expect(commandMessage(err)).to.equal('`pageBytes` must be a positive integer, not 0');
  });

  it('passes other errors through as their message', () => {
    expect(commandMessage(new Error('connection lost'))).to.equal('connection lost');
    expect(commandMessage('odd')).to.equal('odd');
  });

  it('names --resume in the summary of an interrupted run, where the library names `resume`', () => {
    const report = { table: 'T', target: 'T', read: 5, inserted: 5, updated: 0, unchanged: 0, deleted: 0, rejected: 0, dryRun: false, resumedAfter: null, interrupted: true, elapsedMs: 1000, rowsPerSecond: 5 } as SyncReport;
    const summary = summarize([report], 1000);
    expect(formatSummary(summary)).to.include('(interrupted: the checkpoint is kept; run again with `resume` to continue)');
    expect(formatSummary(summary, flagOf)).to.include('(interrupted: the checkpoint is kept; run again with --resume to continue)');
  });
});
