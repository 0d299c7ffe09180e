import { expect } from 'chai';
import { packsProbe, probeSql, probeVersions, runsIn } from '../../lib/firebird/probe.js';
import type { Key, TableSpec } from '../../lib/core/table.js';

function table(kind: 'integer' | 'text'): TableSpec {
  return {
    source: 'T',
    target: 'T',
    columns: [
      { source: 'ID', target: 'ID', kind, sourceType: kind === 'integer' ? 'INTEGER' : 'VARCHAR(10)', nullable: false, firebird: { select: '"ID"', padded: false, blob: false } },
      { source: 'X', target: 'X', kind: 'integer', sourceType: 'INTEGER', nullable: true, firebird: { select: '"X"', padded: false, blob: false } },
    ],
    key: [0],
  };
}

describe('version probe', () => {
  describe('packed (a single integer key)', () => {
    it('is used for an integer key only', () => {
      expect(packsProbe(table('integer'))).to.equal(true);
      expect(packsProbe(table('text'))).to.equal(false);
      expect(probeSql(table('integer'), 7, undefined)).to.match(/^EXECUTE BLOCK RETURNS/);
      expect(probeSql(table('integer'), 7, '"ID" > ?')).to.match(/^EXECUTE BLOCK \(AFTER BIGINT = \?\) RETURNS/);
      expect(probeSql(table('text'), 7, undefined)).to.match(/^SELECT FIRST 7 "ID", CAST\(RDB\$RECORD_VERSION AS DOUBLE PRECISION\) FROM "T" ORDER BY "ID"$/);
    });

    it('reads single rows and runs of consecutive keys with one version as one key and version per row', () => {
      const list = probeVersions(table('integer'), [['1 7 2 7 *3 9 8 ']], () => undefined);
      expect(list.keys).to.deep.equal([[1], [2], [3], [4], [9]]);
      expect(list.versions).to.deep.equal(['7', '7', '7', '7', '8']);
    });

    it('reads several chunks, as text or as bytes, negative keys included', () => {
      const list = probeVersions(table('integer'), [[Buffer.from('-2147483648 12 -3 5 *3 ', 'latin1')], ['0 5 2147483646 281474976710655 *2 ']], () => undefined);
      expect(list.keys).to.deep.equal([[-2147483648], [-3], [-2], [-1], [0], [2147483646], [2147483647]]);
      expect(list.versions).to.deep.equal(['12', '5', '5', '5', '5', '281474976710655', '281474976710655']);
    });

    it('shows every key, in order, to the check', () => {
      const seen: Key[] = [];
      probeVersions(table('integer'), [['10 1 *2 20 3 ']], (k) => seen.push(k));
      expect(seen).to.deep.equal([[10], [11], [20]]);
    });

    it('is gathered in runs or written row by row as asked', () => {
      expect(probeSql(table('integer'), 7, undefined)).to.include("' *' || N");
      expect(probeSql(table('integer'), 7, undefined, false)).not.to.include("' *' || N");
    });

    it('counts the runs a page holds: consecutive keys of one version', () => {
      expect(runsIn({ keys: [[1], [2], [3], [5], [6], [7]], versions: ['4', '4', '4', '4', '4', '9'] })).to.equal(3);
      expect(runsIn({ keys: [[2], [4], [6]], versions: ['1', '1', '1'] })).to.equal(3);
      expect(runsIn({ keys: [], versions: [] })).to.equal(0);
    });

    it('reads an empty page as no keys', () => {
      expect(probeVersions(table('integer'), [], () => undefined)).to.deep.equal({ keys: [], versions: [] });
    });
  });
});
