import { expect } from 'chai';
import { compareKeys, keyAfter, keyIn, keyOneOf, keyRange, keyThrough } from '../../lib/core/keyset.js';

describe('keyset', () => {
  describe('keyAfter', () => {
    it('single column: a strict comparison with one parameter', () => {
      expect(keyAfter(['ID'], [42])).to.deep.equal({ sql: 'ID > ?', params: [42] });
    });

    it('single column, inclusive: >=', () => {
      expect(keyAfter(['ID'], [42], true)).to.deep.equal({ sql: 'ID >= ?', params: [42] });
    });

    it('two columns: a leading range on the first column, then the row comparison spelled out', () => {
      expect(keyAfter(['A', 'B'], [1, 'x'])).to.deep.equal({
        sql: '(A >= ? AND ((A > ?) OR (A = ? AND B > ?)))',
        params: [1, 1, 1, 'x'],
      });
    });

    it('two columns, inclusive: only the last comparison becomes >=', () => {
      expect(keyAfter(['A', 'B'], [1, 'x'], true)).to.deep.equal({
        sql: '(A >= ? AND ((A > ?) OR (A = ? AND B >= ?)))',
        params: [1, 1, 1, 'x'],
      });
    });

    it('three columns: one alternative per column, parameters in placeholder order', () => {
      expect(keyAfter(['A', 'B', 'C'], [1, 2, 3])).to.deep.equal({
        sql: '(A >= ? AND ((A > ?) OR (A = ? AND B > ?) OR (A = ? AND B = ? AND C > ?)))',
        params: [1, 1, 1, 2, 1, 2, 3],
      });
    });

    it('three columns, inclusive', () => {
      expect(keyAfter(['A', 'B', 'C'], [1, 2, 3], true)).to.deep.equal({
        sql: '(A >= ? AND ((A > ?) OR (A = ? AND B > ?) OR (A = ? AND B = ? AND C >= ?)))',
        params: [1, 1, 1, 2, 1, 2, 3],
      });
    });

    it('has as many parameters as placeholders', () => {
      for (const cols of [['A'], ['A', 'B'], ['A', 'B', 'C'], ['A', 'B', 'C', 'D']]) {
        const p = keyAfter(cols, cols.map((_, i) => i));
        expect(p.params.length, cols.join()).to.equal(p.sql.split('?').length - 1);
      }
    });

    it('uses the column expressions as given (already quoted by the caller)', () => {
      expect(keyAfter(['`id`'], [1]).sql).to.equal('`id` > ?');
      expect(keyAfter(['"ID"', '"SEQ"'], [1, 2]).sql).to.equal('("ID" >= ? AND (("ID" > ?) OR ("ID" = ? AND "SEQ" > ?)))');
    });
  });

  describe('keyThrough', () => {
    it('single column: <= with one parameter', () => {
      expect(keyThrough(['ID'], [99])).to.deep.equal({ sql: 'ID <= ?', params: [99] });
    });

    it('two columns: inclusive upper bound of the row comparison', () => {
      expect(keyThrough(['A', 'B'], [5, 'z'])).to.deep.equal({
        sql: '(A <= ? AND ((A < ?) OR (A = ? AND B <= ?)))',
        params: [5, 5, 5, 'z'],
      });
    });

    it('three columns', () => {
      expect(keyThrough(['A', 'B', 'C'], [7, 8, 9])).to.deep.equal({
        sql: '(A <= ? AND ((A < ?) OR (A = ? AND B < ?) OR (A = ? AND B = ? AND C <= ?)))',
        params: [7, 7, 7, 8, 7, 8, 9],
      });
    });
  });

  describe('keyRange', () => {
    it('is undefined when both bounds are open', () => {
      expect(keyRange(['ID'], null, null)).to.equal(undefined);
    });

    it('with only a lower bound is keyAfter', () => {
      expect(keyRange(['ID'], [10], null)).to.deep.equal({ sql: 'ID > ?', params: [10] });
    });

    it('with only an upper bound is keyThrough', () => {
      expect(keyRange(['ID'], null, [20])).to.deep.equal({ sql: 'ID <= ?', params: [20] });
    });

    it('single column, both bounds: after < key <= through', () => {
      expect(keyRange(['ID'], [10], [20])).to.deep.equal({ sql: 'ID > ? AND ID <= ?', params: [10, 20] });
    });

    it('two columns, both bounds: lower bound first, parameters concatenated', () => {
      expect(keyRange(['A', 'B'], [1, 'a'], [2, 'b'])).to.deep.equal({
        sql: '(A >= ? AND ((A > ?) OR (A = ? AND B > ?))) AND (A <= ? AND ((A < ?) OR (A = ? AND B <= ?)))',
        params: [1, 1, 1, 'a', 2, 2, 2, 'b'],
      });
    });

    it('three columns, both bounds', () => {
      const range = keyRange(['A', 'B', 'C'], [1, 2, 3], [4, 5, 6])!;
      expect(range.sql).to.equal(
        '(A >= ? AND ((A > ?) OR (A = ? AND B > ?) OR (A = ? AND B = ? AND C > ?)))' +
          ' AND (A <= ? AND ((A < ?) OR (A = ? AND B < ?) OR (A = ? AND B = ? AND C <= ?)))',
      );
      expect(range.params).to.deep.equal([1, 1, 1, 2, 1, 2, 3, 4, 4, 4, 5, 4, 5, 6]);
    });
  });

  describe('compareKeys', () => {
    it('single column: orders by the column kind', () => {
      expect(compareKeys(['integer'], [9], [10])).to.be.lessThan(0);
      expect(compareKeys(['bigint'], ['9007199254740993'], ['9007199254740992'])).to.be.greaterThan(0);
      expect(compareKeys(['text'], ['b'], ['b'])).to.equal(0);
    });

    it('composite: the first differing column decides', () => {
      expect(compareKeys(['integer', 'text'], [1, 'z'], [2, 'a'])).to.be.lessThan(0);
      expect(compareKeys(['integer', 'text'], [2, 'a'], [2, 'b'])).to.be.lessThan(0);
      expect(compareKeys(['integer', 'text'], [2, 'b'], [2, 'a'])).to.be.greaterThan(0);
      expect(compareKeys(['integer', 'text'], [2, 'b'], [2, 'b'])).to.equal(0);
    });

    it('three columns, mixed kinds', () => {
      const kinds = ['date', 'decimal', 'text'] as const;
      expect(compareKeys(kinds, ['2024-01-01', '1.50', 'x'], ['2024-01-01', '1.5', 'x'])).to.equal(0);
      expect(compareKeys(kinds, ['2024-01-01', '1.5', 'x'], ['2024-01-01', '1.5', 'y'])).to.be.lessThan(0);
      expect(compareKeys(kinds, ['2024-01-01', '-1', 'z'], ['2024-01-01', '0', 'a'])).to.be.lessThan(0);
    });

    it('sorts a list of composite keys into source order', () => {
      const keys = [[2, 'a'], [1, 'b'], [1, '\u{1F600}'], [1, '\uFFFD'], [1, 'a']];
      keys.sort((a, b) => compareKeys(['integer', 'text'], a, b));
      expect(keys).to.deep.equal([[1, 'a'], [1, 'b'], [1, '\uFFFD'], [1, '\u{1F600}'], [2, 'a']]);
    });
  });

  describe('keyIn', () => {
    it('single column: one parameter per key', () => {
      expect(keyIn(['ID'], [[3], [7], [9]])).to.deep.equal({ sql: 'ID IN (?, ?, ?)', params: [3, 7, 9] });
    });

    it('composite keys: row constructors, parameters in key order', () => {
      expect(keyIn(['A', 'B'], [[1, 'x'], [2, 'y']])).to.deep.equal({ sql: '(A, B) IN ((?, ?), (?, ?))', params: [1, 'x', 2, 'y'] });
    });

    it('passes each parameter the way its column asks for it', () => {
      expect(keyIn([{ sql: 'C', param: 'CAST(? AS VARCHAR(3))' }], [['abc']])).to.deep.equal({ sql: 'C IN (CAST(? AS VARCHAR(3)))', params: ['abc'] });
    });
  });

  describe('keyOneOf', () => {
    it('single column: an IN list, one parameter per key', () => {
      expect(keyOneOf(['ID'], [[3], [7], [9]])).to.deep.equal({ sql: 'ID IN (?, ?, ?)', params: [3, 7, 9] });
    });

    it('composite keys: an OR of ANDs (Firebird 3 has no row-value IN)', () => {
      expect(keyOneOf(['A', 'B'], [[1, 'x'], [2, 'y']])).to.deep.equal({
        sql: '((A = ? AND B = ?) OR (A = ? AND B = ?))',
        params: [1, 'x', 2, 'y'],
      });
    });

    it('three columns: parameters flattened key by key, in placeholder order', () => {
      const p = keyOneOf(['A', 'B', 'C'], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
      expect(p.sql).to.equal('((A = ? AND B = ? AND C = ?) OR (A = ? AND B = ? AND C = ?) OR (A = ? AND B = ? AND C = ?))');
      expect(p.params).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(p.params.length).to.equal(p.sql.split('?').length - 1);
    });

    it('passes each parameter the way its column asks for it', () => {
      const columns = ['"ID"', { sql: '"COD"', param: 'CAST(? AS VARCHAR(3))' }];
      expect(keyOneOf(columns, [[1, 'abc']])).to.deep.equal({ sql: '(("ID" = ? AND "COD" = CAST(? AS VARCHAR(3))))', params: [1, 'abc'] });
      expect(keyOneOf([columns[1]!], [['abc'], ['def']])).to.deep.equal({
        sql: '"COD" IN (CAST(? AS VARCHAR(3)), CAST(? AS VARCHAR(3)))',
        params: ['abc', 'def'],
      });
    });
  });
});
