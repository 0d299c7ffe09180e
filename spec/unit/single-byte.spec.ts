import { expect } from 'chai';
import { decodeSingleByte, isSingleByteCharset } from '../../lib/firebird/single-byte.js';

const bytes = (...b: number[]) => Buffer.from(b);

describe('single-byte text decoding', () => {
  it('decodes WIN1252 0x80-0x9F to the characters Windows gives them', () => {
    expect(decodeSingleByte('WIN1252', bytes(0x80, 0x8a, 0x96, 0x99, 0x9f))).to.equal('€Š–™Ÿ');
  });

  it('decodes the five bytes WIN1252 leaves undefined to U+0000, as Firebird 3 does', () => {
    expect(decodeSingleByte('WIN1252', bytes(0x81, 0x8d, 0x8f, 0x90, 0x9d))).to.equal('\0\0\0\0\0');
  });

  it('decodes WIN1252 and ISO8859_1 bytes from 0xA0 up as the same code points', () => {
    const high = Buffer.from(Array.from({ length: 96 }, (_, i) => 0xa0 + i));
    const expected = String.fromCharCode(...high);
    expect(decodeSingleByte('WIN1252', high)).to.equal(expected);
    expect(decodeSingleByte('ISO8859_1', high)).to.equal(expected);
  });

  it('keeps ISO8859_1 0x80-0x9F as the control characters U+0080-U+009F', () => {
    expect(decodeSingleByte('ISO8859_1', bytes(0x80, 0x81, 0x9f))).to.equal('\u0080\u0081\u009f');
  });

  it('decodes text amid other bytes, call after call', () => {
    const text = Buffer.from([...Buffer.from('Pre'), 0xe7, 0x6f, 0x20, 0x80, 0x20, 0x31, 0x30]);
    for (let i = 0; i < 3; i++) expect(decodeSingleByte('WIN1252', text)).to.equal('Preço € 10');
    expect(decodeSingleByte('WIN1252', Buffer.alloc(0))).to.equal('');
  });

  it('decodes every byte in every place: first, last, between others and next to another 0x80-0x9F', () => {
    const C1 = '€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ';
    const one = (b: number) => (b >= 0x80 && b < 0xa0 ? C1[b - 0x80]! : String.fromCharCode(b));
    for (let b = 0; b < 256; b++) expect(decodeSingleByte('ISO8859_1', bytes(b))).to.equal(String.fromCharCode(b));
    for (let b = 0; b < 256; b++) {
      for (const around of [[b], [b, 0x41], [0x41, b], [0x41, b, 0xe7], [b, 0x80, b], [0x99, b, 0x9f]]) {
        expect(decodeSingleByte('WIN1252', Buffer.from(around)), around.join(',')).to.equal(around.map(one).join(''));
      }
    }
  });

  it('names the character sets it decodes', () => {
    expect(['WIN1252', 'ISO8859_1', 'UTF8', 'NONE', undefined].map((c) => isSingleByteCharset(c))).to.deep.equal([true, true, false, false, false]);
  });
});
