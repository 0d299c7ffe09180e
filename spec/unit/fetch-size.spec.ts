import { expect } from 'chai';
import { DEFAULT_REPLY_BYTES, FetchSize, FIRST_FETCH_ROWS, REPLY_BYTES } from '../../lib/firebird/rows.js';

describe('fetch size', () => {
  it('asks for the rows it was given until a fetch is measured', () => {
    expect(new FetchSize(FIRST_FETCH_ROWS).rows).to.equal(200);
    expect(new FetchSize(1000).rows).to.equal(1000);
  });

  it('then asks for as many rows as keep a reply under 56 KiB (an unpatched driver), from the width the last rows had', () => {
    const size = new FetchSize(200, REPLY_BYTES.unpatched);
    size.measured(200, 200 * 171); // the bench table: 171 bytes a row on the wire
    expect(size.rows).to.equal(335);
    expect(335 * 171).to.be.below(56 * 1024);
  });

  it("aims at 224 KiB replies when the driver carries fbsync's patch, as npm install leaves it", () => {
    expect(DEFAULT_REPLY_BYTES).to.equal(REPLY_BYTES.patched);
    const size = new FetchSize(200);
    size.measured(200, 200 * 171);
    expect(size.rows).to.equal(1341);
  });

  it('follows rows that get wider or narrower', () => {
    const size = new FetchSize(200, REPLY_BYTES.unpatched);
    size.measured(200, 200 * 1024);
    expect(size.rows).to.equal(56);
    size.measured(56, 56 * 64);
    expect(size.rows).to.equal(896);
  });

  it('asks for at least one row however wide, and at most 4000 however narrow', () => {
    const size = new FetchSize(200, REPLY_BYTES.unpatched);
    size.measured(20, 20 * 1024 * 1024);
    expect(size.rows).to.equal(1);
    size.measured(1000, 1000 * 4);
    expect(size.rows).to.equal(4000);
  });

  it('learns nothing from a short last fetch or from bytes it could not count', () => {
    const size = new FetchSize(300, REPLY_BYTES.unpatched);
    size.measured(3, 3 * 5000);
    size.measured(0, 12);
    size.measured(300, 0);
    size.measured(300, Number.NaN);
    expect(size.rows).to.equal(300);
  });

  it('keeps learning from full fetches of fewer than 16 rows, once rows are that wide', () => {
    const size = new FetchSize(16);
    size.measured(16, 16 * 1024 * 1024); // rows with 1 MiB BLOBs read through their own round trips
    expect(size.rows).to.equal(1);
    size.measured(1, 2048); // then narrow ones again
    expect(size.rows).to.equal(112);
  });
});
