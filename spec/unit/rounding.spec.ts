/**
 * Values cut to what a narrower MySQL column keeps (`roundToTarget`), as MariaDB stores them:
 * checked against MariaDB 10.11 in strict mode (decimals round half away from zero, also into an
 * INT; fractions of a second are cut; a carry past the column's digits is an out-of-range error).
 */
import { expect } from 'chai';
import { roundDecimal, roundValue, truncateFraction } from '../../lib/core/rounding.js';
import { roundingStages } from '../../lib/stages/round-values.js';
import type { Page } from '../../lib/core/page.js';
import type { ColumnSpec, TableSpec } from '../../lib/core/table.js';

describe('rounding to the target column', () => {
  describe('roundDecimal', () => {
    it('rounds half away from zero, both signs', () => {
      expect(roundDecimal('12.345', 2)).to.equal('12.35');
      expect(roundDecimal('-12.345', 2)).to.equal('-12.35');
      expect(roundDecimal('12.3449', 2)).to.equal('12.34');
      expect(roundDecimal('-12.3449', 2)).to.equal('-12.34');
    });

    it('rounds to a whole number for an integer column (0 decimals)', () => {
      expect(roundDecimal('12.5', 0)).to.equal('13');
      expect(roundDecimal('-12.5', 0)).to.equal('-13');
      expect(roundDecimal('2.49', 0)).to.equal('2');
    });

    it('carries into the integer part, and past it into one more digit', () => {
      expect(roundDecimal('0.995', 2)).to.equal('1');
      expect(roundDecimal('99.995', 2)).to.equal('100');
      expect(roundDecimal('-9999.9999', 0)).to.equal('-10000');
    });

    it('returns canonical strings: no trailing zeros, no negative zero', () => {
      expect(roundDecimal('1.1000', 2)).to.equal('1.1');
      expect(roundDecimal('-0.004', 2)).to.equal('0');
      expect(roundDecimal('-0.005', 2)).to.equal('-0.01');
      expect(roundDecimal('0.0001', 0)).to.equal('0');
    });

    it('leaves a value that already fits as its canonical self', () => {
      expect(roundDecimal('12.3', 2)).to.equal('12.3');
      expect(roundDecimal('-007.10', 2)).to.equal('-7.1');
      expect(roundDecimal('922337203685477.5807', 4)).to.equal('922337203685477.5807');
    });

    it('rounds exactly beyond what a double holds', () => {
      expect(roundDecimal('922337203685477.5807', 2)).to.equal('922337203685477.58');
      expect(roundDecimal('-922337203685477.5808', 0)).to.equal('-922337203685478');
    });

    it('takes numbers as the driver may hand them', () => {
      expect(roundDecimal(12.345, 2)).to.equal('12.35');
      expect(roundDecimal(7, 2)).to.equal('7');
    });
  });

  describe('truncateFraction', () => {
    it('cuts the fraction of a second to the digits kept, never rounding into the next second', () => {
      expect(truncateFraction('2024-12-31 23:59:59.9999', 0)).to.equal('2024-12-31 23:59:59');
      expect(truncateFraction('2024-12-31 23:59:59.9999', 3)).to.equal('2024-12-31 23:59:59.999');
      expect(truncateFraction('23:59:59.9999', 2)).to.equal('23:59:59.99');
    });

    it('returns canonical strings: a fraction cut to zeros goes', () => {
      expect(truncateFraction('2024-01-01 10:00:00.0005', 3)).to.equal('2024-01-01 10:00:00');
      expect(truncateFraction('10:00:00.1200', 3)).to.equal('10:00:00.12');
    });

    it('leaves a value without a fraction as it is', () => {
      expect(truncateFraction('2024-01-01 10:00:00', 0)).to.equal('2024-01-01 10:00:00');
    });
  });

  describe('roundValue', () => {
    it('rounds decimals, cuts times and timestamps, keeps NULL and other kinds', () => {
      expect(roundValue('decimal', '1.255', 2)).to.equal('1.26');
      expect(roundValue('timestamp', '2024-01-01 10:00:00.5678', 1)).to.equal('2024-01-01 10:00:00.5');
      expect(roundValue('time', '10:00:00.5678', 0)).to.equal('10:00:00');
      expect(roundValue('decimal', null, 2)).to.equal(null);
      expect(roundValue('text', '1.255', 2)).to.equal('1.255');
    });
  });

  describe('the stage before the diff', () => {
    const column = (source: string, kind: ColumnSpec['kind'], round?: number): ColumnSpec => ({
      source, target: source.toLowerCase(), kind, sourceType: '', nullable: true, firebird: { select: source, padded: false, blob: false, param: '?' }, ...(round === undefined ? {} : { round }),
    });
    const table: TableSpec = { source: 'T', target: 't', key: [0], columns: [column('ID', 'decimal'), column('PRECO', 'decimal', 2), column('QUANDO', 'timestamp', 0), column('OBS', 'text')] };
    const page = (rows: Page['rows']): Page => ({ table: 'T', seq: 0, columns: ['ID', 'PRECO', 'QUANDO', 'OBS'], rows, after: null, final: true });

    it('rounds the columns planned to be rounded, and only those', () => {
      const [stage] = roundingStages(table);
      const out = stage!(page([['1.555', '1.555', '2024-01-01 10:00:00.9999', '1.555'], ['2', null, null, null]]));
      expect(out.rows).to.deep.equal([['1.555', '1.56', '2024-01-01 10:00:00', '1.555'], ['2', null, null, null]]);
    });

    it('is left out when no column is rounded', () => {
      expect(roundingStages({ ...table, columns: table.columns.map((c) => column(c.source, c.kind)) })).to.deep.equal([]);
    });
  });
});
