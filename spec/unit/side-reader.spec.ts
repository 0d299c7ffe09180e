import { expect } from 'chai';
import { asInSnapshot } from '../../lib/firebird/side-reader.js';
import type { Key } from '../../lib/core/table.js';

/** The probe of a page: keys with their record versions as the snapshot saw them. */
const probe = { keys: [[1], [2], [3], [4], [5]] as Key[], versions: ['100', '101', '102', '103', '104'] };

/** A row read on the side attachment: the row is its key's label. */
const read = (key: number, version: string) => ({ row: `row ${key}`, key: [key], version });

describe('rows read on the side attachment', () => {
  it('keeps a row whose version is the one the probe saw', () => {
    expect(asInSnapshot(['integer'], probe, [[2], [4]], [read(2, '101'), read(4, '103')])).to.deep.equal({ kept: ['row 2', 'row 4'], rest: [] });
  });

  it('leaves a row written since the snapshot began (another version) to the snapshot', () => {
    expect(asInSnapshot(['integer'], probe, [[2], [4]], [read(2, '101'), read(4, '999')])).to.deep.equal({ kept: ['row 2'], rest: [[4]] });
  });

  it('leaves a row the side read did not return (deleted since) to the snapshot', () => {
    expect(asInSnapshot(['integer'], probe, [[2], [3], [4]], [read(2, '101'), read(4, '103')])).to.deep.equal({ kept: ['row 2', 'row 4'], rest: [[3]] });
  });

  it('pairs rows read in any order, and ignores rows not asked for', () => {
    expect(asInSnapshot(['integer'], probe, [[1], [5]], [read(5, '104'), read(3, '102'), read(1, '100')])).to.deep.equal({ kept: ['row 1', 'row 5'], rest: [] });
  });

  it('leaves a key the probe never saw to the snapshot, whatever the side read', () => {
    expect(asInSnapshot(['integer'], probe, [[6]], [read(6, '105')])).to.deep.equal({ kept: [], rest: [[6]] });
  });

  it('compares composite keys on every part, text by code point', () => {
    const composite = { keys: [[1, 'A'], [1, 'a']] as Key[], versions: ['7', '8'] };
    const side = [
      { row: 'a', key: [1, 'a'] as Key, version: '8' },
      { row: 'A', key: [1, 'A'] as Key, version: '9' },
    ];
    expect(asInSnapshot(['integer', 'text'], composite, composite.keys, side)).to.deep.equal({ kept: ['a'], rest: [[1, 'A']] });
  });
});
