/**
 * sinceLimit: what Firebird's monitoring tables said just before the snapshot, turned into the
 * stamp a `sinceColumn` watermark may not pass.
 */
import { expect } from 'chai';
import { sinceLimit } from '../../lib/sync/since-limit.js';

const NOW = '2026-12-07 12:00:00.5000';

describe('sinceLimit', function () {
  it("is the oldest open transaction's start less the margin, naming it", function () {
    const limit = sinceLimit({ sees: true, now: NOW, oldest: { id: '42', attachment: '7', started: '2026-12-07 11:50:00.1234', before: '2026-12-07 11:49:59.1234' } }, 60);
    expect(limit).to.deep.equal({ before: '2026-12-07 11:49:59.1234', by: 'transaction 42 (attachment 7), open since 2026-12-07 11:50:00.1234, which may still commit rows' });
  });

  it('is the start of the run when no other transaction may write: one starting later stamps nothing earlier', function () {
    expect(sinceLimit({ sees: true, now: NOW, oldest: null }, 60)).to.deep.equal({ before: NOW, by: `the start of this run at ${NOW}` });
  });

  it('is the start of the run, with a note, when the user cannot see other transactions', function () {
    expect(sinceLimit({ sees: false, now: NOW, user: 'ERP_READER' }, 60)).to.deep.equal({
      before: NOW,
      by: `the start of this run at ${NOW}`,
      note: 'cannot see other transactions (user ERP_READER is not SYSDBA or the owner): watermark held back only by the overlap of 60 s',
    });
  });
});
