import { expect } from 'chai';
import {
  canonicalDecimal,
  canonicalString,
  canonicalTemporal,
  compareCodePoints,
  compareDecimal,
  compareValues,
  sameValue,
  type Value,
  type ValueKind,
} from '../../lib/core/values.js';

const sign = (n: number) => Math.sign(n);

describe('values', () => {
  describe('canonicalDecimal', () => {
    it('drops leading zeros of the integer part and trailing zeros of the fraction', () => {
      expect(canonicalDecimal('-0012.3400')).to.equal('-12.34');
      expect(canonicalDecimal('0012.3400')).to.equal('12.34');
    });

    it('drops a fraction that is all zeros, with its dot', () => {
      expect(canonicalDecimal('123.000')).to.equal('123');
      expect(canonicalDecimal('100')).to.equal('100');
    });

    it('turns every spelling of zero, negative zero included, into "0"', () => {
      for (const zero of ['0', '-0', '-0.000', '+0.0', '000', '0.0000']) {
        expect(canonicalDecimal(zero), zero).to.equal('0');
      }
    });

    it('keeps a zero integer part before a fraction', () => {
      expect(canonicalDecimal('0.0001')).to.equal('0.0001');
      expect(canonicalDecimal('-000.500')).to.equal('-0.5');
      expect(canonicalDecimal('.5')).to.equal('0.5');
    });

    it('drops a leading plus sign and surrounding whitespace', () => {
      expect(canonicalDecimal('+42.10')).to.equal('42.1');
      expect(canonicalDecimal('  7.50 ')).to.equal('7.5');
    });

    it('keeps every digit of numbers beyond the range of a double', () => {
      expect(canonicalDecimal('9223372036854775807')).to.equal('9223372036854775807');
      expect(canonicalDecimal('-922337203685477.5807')).to.equal('-922337203685477.5807');
    });

    it('accepts JS numbers, including ones JS would print in exponent notation', () => {
      expect(canonicalDecimal(12.5)).to.equal('12.5');
      expect(canonicalDecimal(-0)).to.equal('0');
      expect(canonicalDecimal(1e21)).to.equal('1000000000000000000000');
      expect(canonicalDecimal(1e-7)).to.equal('0.0000001');
    });
  });

  describe('canonicalTemporal', () => {
    it('drops trailing zeros of the fraction of seconds', () => {
      expect(canonicalTemporal('2024-01-02 03:04:05.1000')).to.equal('2024-01-02 03:04:05.1');
      expect(canonicalTemporal('2024-01-02 03:04:05.1230')).to.equal('2024-01-02 03:04:05.123');
    });

    it('drops a zero fraction entirely, dot included', () => {
      expect(canonicalTemporal('2024-01-01 00:00:00.0000')).to.equal('2024-01-01 00:00:00');
      expect(canonicalTemporal('2024-01-01 00:00:00.0')).to.equal('2024-01-01 00:00:00');
      expect(canonicalTemporal('10:20:00.000')).to.equal('10:20:00');
    });

    it('leaves values without a fraction unchanged, trailing zeros of the seconds included', () => {
      expect(canonicalTemporal('2024-01-01 10:20:00')).to.equal('2024-01-01 10:20:00');
      expect(canonicalTemporal('2024-01-10')).to.equal('2024-01-10');
      expect(canonicalTemporal('10:00:00')).to.equal('10:00:00');
    });
  });

  describe('sameValue', () => {
    const kinds: ValueKind[] = ['integer', 'bigint', 'decimal', 'float', 'double', 'boolean', 'date', 'time', 'timestamp', 'text', 'binary'];

    it('treats NULL as equal only to NULL, for every kind', () => {
      for (const kind of kinds) {
        expect(sameValue(kind, null, null), kind).to.equal(true);
        expect(sameValue(kind, null, kind === 'binary' ? Buffer.alloc(0) : '0'), `${kind} null vs value`).to.equal(false);
        expect(sameValue(kind, kind === 'binary' ? Buffer.alloc(0) : '', null), `${kind} value vs null`).to.equal(false);
      }
    });

    it('integer: compares by value, whether number or numeric string', () => {
      expect(sameValue('integer', 42, '42')).to.equal(true);
      expect(sameValue('integer', -7, -7)).to.equal(true);
      expect(sameValue('integer', 42, 43)).to.equal(false);
    });

    it('bigint: compares strings past 2^53 exactly', () => {
      expect(sameValue('bigint', '9007199254740993', '9007199254740992')).to.equal(false);
      expect(sameValue('bigint', '9007199254740993', '9007199254740993')).to.equal(true);
      expect(sameValue('bigint', '-9223372036854775808', '-9223372036854775807')).to.equal(false);
    });

    it('bigint: a number equals the same value as a string', () => {
      expect(sameValue('bigint', 12, '12')).to.equal(true);
    });

    it('decimal: NUMERIC strings differing only in trailing zeros are equal', () => {
      expect(sameValue('decimal', '123.450', '123.45')).to.equal(true);
      expect(sameValue('decimal', '1.0000', '1')).to.equal(true);
      expect(sameValue('decimal', '0.0001', '0.00010')).to.equal(true);
    });

    it('decimal: negative zero equals zero', () => {
      expect(sameValue('decimal', '-0.000', '0')).to.equal(true);
    });

    it('decimal: a difference in the last digit is a difference', () => {
      expect(sameValue('decimal', '123.4501', '123.45')).to.equal(false);
      expect(sameValue('decimal', '-1.5', '1.5')).to.equal(false);
      expect(sameValue('decimal', '922337203685477.5807', '922337203685477.5806')).to.equal(false);
    });

    it('float: compares at single precision (Math.fround)', () => {
      // MySQL FLOAT hands back the single-precision value, Firebird may hand back its double widening.
      expect(sameValue('float', 0.1, Math.fround(0.1))).to.equal(true);
      expect(sameValue('float', '0.1', Math.fround(0.1))).to.equal(true);
      expect(sameValue('float', 0.1, 0.2)).to.equal(false);
      expect(sameValue('float', 1, 1 + 2 ** -20)).to.equal(false);
    });

    it('double: compares at double precision', () => {
      expect(sameValue('double', 0.1, '0.1')).to.equal(true);
      expect(sameValue('double', 1e300, 1e300)).to.equal(true);
      expect(sameValue('double', 0.1, Math.fround(0.1))).to.equal(false);
    });

    it('boolean: compares truthiness of booleans and 0/1', () => {
      expect(sameValue('boolean', true, 1)).to.equal(true);
      expect(sameValue('boolean', false, 0)).to.equal(true);
      expect(sameValue('boolean', true, '1')).to.equal(true);
      expect(sameValue('boolean', true, 0)).to.equal(false);
      expect(sameValue('boolean', false, true)).to.equal(false);
    });

    it('timestamp: a zero fraction equals no fraction', () => {
      expect(sameValue('timestamp', '2024-01-01 00:00:00.0000', '2024-01-01 00:00:00')).to.equal(true);
      expect(sameValue('timestamp', '2024-02-29 23:59:59.1230', '2024-02-29 23:59:59.123')).to.equal(true);
    });

    it('timestamp: a difference of a ten-thousandth of a second is a difference', () => {
      expect(sameValue('timestamp', '2024-01-01 00:00:00.0001', '2024-01-01 00:00:00')).to.equal(false);
      expect(sameValue('timestamp', '2024-01-01 00:00:01', '2024-01-01 00:00:00')).to.equal(false);
    });

    it('date and time: compare wall-clock strings', () => {
      expect(sameValue('date', '2024-01-01', '2024-01-01')).to.equal(true);
      expect(sameValue('date', '2024-01-01', '2024-01-02')).to.equal(false);
      expect(sameValue('time', '10:20:30.5000', '10:20:30.5')).to.equal(true);
      expect(sameValue('time', '10:20:30', '10:20:31')).to.equal(false);
    });

    it('text: trailing spaces are significant', () => {
      expect(sameValue('text', 'abc ', 'abc')).to.equal(false);
      expect(sameValue('text', 'abc', 'abc')).to.equal(true);
    });

    it('text: case is significant', () => {
      expect(sameValue('text', 'ABC', 'abc')).to.equal(false);
    });

    it('text: a Buffer of UTF-8 equals the same string', () => {
      expect(sameValue('text', Buffer.from('Açúcar €', 'utf8'), 'Açúcar €')).to.equal(true);
    });

    it('binary: compares Buffers by content', () => {
      expect(sameValue('binary', Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3]))).to.equal(true);
      expect(sameValue('binary', Buffer.from([1, 2, 3]), Buffer.from([1, 2, 4]))).to.equal(false);
      expect(sameValue('binary', Buffer.from([1, 2]), Buffer.from([1, 2, 0]))).to.equal(false);
    });

    it('binary: a string equals its UTF-8 bytes', () => {
      expect(sameValue('binary', 'ab', Buffer.from([0x61, 0x62]))).to.equal(true);
    });
  });

  describe('canonicalString', () => {
    const pairs: Array<[ValueKind, Value, Value, boolean]> = [
      ['decimal', '123.450', '123.45', true],
      ['decimal', '-0.000', '0', true],
      ['bigint', '9007199254740993', '9007199254740992', false],
      ['float', 0.1, Math.fround(0.1), true],
      ['timestamp', '2024-01-01 00:00:00.0000', '2024-01-01 00:00:00', true],
      ['text', 'a ', 'a', false],
      ['binary', Buffer.from([1, 2]), Buffer.from([1, 2]), true],
      ['boolean', true, 1, true],
      ['integer', 5, '5', true],
    ];

    it('is equal for two values exactly when sameValue says they are the same', () => {
      for (const [kind, a, b, same] of pairs) {
        expect(sameValue(kind, a, b), `sameValue ${kind}`).to.equal(same);
        expect(canonicalString(kind, a) === canonicalString(kind, b), `canonicalString ${kind}`).to.equal(same);
      }
    });

    it('gives NULL a string no text value produces by accident', () => {
      expect(canonicalString('text', null)).to.not.equal(canonicalString('text', 'null'));
    });
  });

  describe('compareCodePoints', () => {
    it('returns 0 for equal strings', () => {
      expect(compareCodePoints('abc', 'abc')).to.equal(0);
    });

    it('orders a prefix before the longer string', () => {
      expect(compareCodePoints('ab', 'abc')).to.be.lessThan(0);
      expect(compareCodePoints('abc', 'ab')).to.be.greaterThan(0);
    });

    it('orders an astral character after U+E000–U+FFFF, as code points (and UTF-8 bytes) do', () => {
      // In UTF-16 '\u{1F600}' starts with 0xD83D, which JS `<` would put before 0xFFFD.
      expect('\u{1F600}' < '\uFFFD').to.equal(true);
      expect(compareCodePoints('\u{1F600}', '\uFFFD')).to.be.greaterThan(0);
      expect(compareCodePoints('\uFFFD', '\u{1F600}')).to.be.lessThan(0);
      expect(compareCodePoints('\u{10000}', '\uE000')).to.be.greaterThan(0);
    });

    it('agrees with the order of the UTF-8 bytes', () => {
      const words = ['\u{1F600}', '\uFFFD', '\uE000', 'z', 'a', '\u00E9', '\u{10000}', '\uD7FF', 'a\u{1F600}', 'a\uFFFF'];
      const byCodePoints = [...words].sort(compareCodePoints);
      const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
      expect(byCodePoints).to.deep.equal(byBytes);
    });

    it('orders astral characters among themselves by code point', () => {
      expect(compareCodePoints('\u{1F600}', '\u{1F601}')).to.be.lessThan(0);
      expect(compareCodePoints('\u{20000}', '\u{1F600}')).to.be.greaterThan(0);
    });
  });

  describe('compareDecimal', () => {
    it('orders by numeric value, not by string', () => {
      expect(compareDecimal('9', '10')).to.be.lessThan(0);
      expect(compareDecimal('10', '9')).to.be.greaterThan(0);
      expect(compareDecimal('1.25', '1.3')).to.be.lessThan(0);
      expect(compareDecimal('1.5', '1.5')).to.equal(0);
    });

    it('treats a shorter fraction as padded with zeros', () => {
      expect(compareDecimal('1.5', '1.50')).to.equal(0);
      expect(compareDecimal('1.5', '1.05')).to.be.greaterThan(0);
    });

    it('orders negatives below positives and zero', () => {
      expect(compareDecimal('-1', '0')).to.be.lessThan(0);
      expect(compareDecimal('-0.001', '0.001')).to.be.lessThan(0);
      expect(compareDecimal('0', '-5')).to.be.greaterThan(0);
    });

    it('orders negatives by reversed magnitude', () => {
      expect(compareDecimal('-10', '-9')).to.be.lessThan(0);
      expect(compareDecimal('-1.5', '-1.25')).to.be.lessThan(0);
      expect(compareDecimal('-1.25', '-1.5')).to.be.greaterThan(0);
      expect(compareDecimal('-2', '-2')).to.equal(0);
    });

    it('compares values past 2^53 exactly', () => {
      expect(compareDecimal('9007199254740993', '9007199254740992')).to.be.greaterThan(0);
      expect(compareDecimal('-9007199254740993', '-9007199254740992')).to.be.lessThan(0);
    });
  });

  describe('compareValues', () => {
    it('rejects NULL, which a primary key cannot hold', () => {
      expect(() => compareValues('integer', null, 1)).to.throw(TypeError, /NULL/);
      expect(() => compareValues('text', 'a', null)).to.throw(TypeError, /NULL/);
    });

    it('orders numbers numerically, strings or not', () => {
      expect(sign(compareValues('integer', 9, 10))).to.equal(-1);
      expect(sign(compareValues('integer', '10', 9))).to.equal(1);
      expect(sign(compareValues('double', -0.5, -0.25))).to.equal(-1);
    });

    it('orders bigint and decimal exactly, through their canonical strings', () => {
      expect(sign(compareValues('bigint', '9007199254740993', '9007199254740992'))).to.equal(1);
      expect(sign(compareValues('decimal', '-0.000', '0'))).to.equal(0);
      expect(sign(compareValues('decimal', '1.50', '1.5'))).to.equal(0);
      expect(sign(compareValues('decimal', '-2.5', '-10'))).to.equal(1);
    });

    it('orders timestamps chronologically, ignoring a zero fraction', () => {
      expect(sign(compareValues('timestamp', '2024-01-01 00:00:00.0000', '2024-01-01 00:00:00'))).to.equal(0);
      expect(sign(compareValues('timestamp', '2024-01-01 00:00:00', '2024-01-01 00:00:00.5'))).to.equal(-1);
      expect(sign(compareValues('timestamp', '2024-01-01 00:00:00.5', '2024-01-01 00:00:01'))).to.equal(-1);
      expect(sign(compareValues('date', '2023-12-31', '2024-01-01'))).to.equal(-1);
    });

    it('orders text by code point, case-sensitively', () => {
      expect(sign(compareValues('text', 'B', 'a'))).to.equal(-1);
      expect(sign(compareValues('text', '\u{1F600}', '\uFFFD'))).to.equal(1);
    });

    it('orders binary by bytes', () => {
      expect(sign(compareValues('binary', Buffer.from([0x01, 0xff]), Buffer.from([0x02])))).to.equal(-1);
      expect(sign(compareValues('binary', Buffer.from([0x02]), Buffer.from([0x02, 0x00])))).to.equal(-1);
    });

    it('orders false before true', () => {
      expect(sign(compareValues('boolean', false, true))).to.equal(-1);
      expect(sign(compareValues('boolean', 1, true))).to.equal(0);
    });
  });
});
