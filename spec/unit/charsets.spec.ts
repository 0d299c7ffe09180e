import { expect } from 'chai';
import { byteCharacters, charsetCheck, charsetHoldsEvery, describeCharacter, firstUnheld } from '../../lib/mysql/charsets.js';
import { unfitValueCheck } from '../../lib/mysql/unfit-values.js';
import type { TableSpec } from '../../lib/core/table.js';

const check = (charset: string) => charsetCheck(charset)!;

describe('MySQL character sets narrower than the source', () => {
  describe('the characters of a single-byte set (checked against MariaDB in spec/integration/narrower-charsets.spec.ts)', () => {
    it("latin1 is Windows-1252: € is 0x80, and the five bytes Windows leaves undefined are U+0081, U+008D, U+008F, U+0090, U+009D", () => {
      const latin1 = byteCharacters('latin1')!;
      expect(latin1[0x80]).to.equal(0x20ac);
      expect([0x81, 0x8d, 0x8f, 0x90, 0x9d].map((b) => latin1[b])).to.deep.equal([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
      expect(latin1[0xe9]).to.equal(0xe9);
    });

    it('cp1250 leaves five bytes undefined; latin2 has Ł at 0xA3 and no €', () => {
      const cp1250 = byteCharacters('cp1250')!;
      expect([0x81, 0x83, 0x88, 0x90, 0x98].map((b) => cp1250[b])).to.deep.equal([undefined, undefined, undefined, undefined, undefined]);
      expect(cp1250[0x80]).to.equal(0x20ac);
      const latin2 = byteCharacters('latin2')!;
      expect(latin2[0xa3]).to.equal(0x141);
      expect(latin2.includes(0x20ac)).to.equal(false);
    });

    it('ascii holds bytes 0 to 127 only', () => {
      const ascii = byteCharacters('ascii')!;
      expect(ascii.filter((c) => c !== undefined)).to.have.length(128);
    });

    it('has no table of a set it was not checked for', () => {
      expect(byteCharacters('greek')).to.equal(undefined);
      expect(charsetCheck('sjis')).to.equal(undefined);
    });
  });

  describe('whether a set holds every character of a Firebird one', () => {
    it('utf8mb4 holds all; utf8mb3 all but those beyond the BMP', () => {
      expect(charsetHoldsEvery('utf8mb4', 'UTF8', 4)).to.equal(true);
      expect(charsetHoldsEvery('utf8mb3', 'UTF8', 4)).to.equal(false);
      expect(charsetHoldsEvery('utf8mb3', 'WIN1252', 3)).to.equal(true);
    });

    it('latin1 holds WIN1252 and ASCII, not ISO8859_1 (its C1 controls) nor UTF8', () => {
      expect(charsetHoldsEvery('latin1', 'WIN1252', 3)).to.equal(true);
      expect(charsetHoldsEvery('latin1', 'ASCII', 1)).to.equal(true);
      expect(charsetHoldsEvery('latin1', 'ISO8859_1', 3)).to.equal(false);
      expect(charsetHoldsEvery('latin1', 'UTF8', 4)).to.equal(false);
    });

    it('claims no more than was checked: not greek for ASCII, not cp1250 for WIN1250', () => {
      expect(charsetHoldsEvery('greek', 'ASCII', 1)).to.equal(false);
      expect(charsetHoldsEvery('cp1250', 'WIN1250', 3)).to.equal(false);
    });
  });

  describe('the check of one value', () => {
    it('passes ASCII text in every set', () => {
      for (const cs of ['ascii', 'latin1', 'cp1250', 'latin2', 'utf8mb3']) expect(firstUnheld(check(cs), 'Rua 7, apto. 12'), cs).to.equal(-1);
    });

    it('finds the first character latin1 lacks, and passes € and accented letters', () => {
      expect(firstUnheld(check('latin1'), 'Açúcar € 5')).to.equal(-1);
      expect(firstUnheld(check('latin1'), 'Łódź')).to.equal(0);
      expect(firstUnheld(check('latin1'), 'ok 😀')).to.equal(3);
    });

    it('finds € in latin2 and ascii, é in ascii', () => {
      expect(firstUnheld(check('latin2'), 'Łódź 5 €')).to.equal(7);
      expect(firstUnheld(check('ascii'), '5 €')).to.equal(2);
      expect(firstUnheld(check('ascii'), 'café')).to.equal(3);
    });

    it('finds a character beyond the BMP in utf8mb3', () => {
      expect(firstUnheld(check('utf8mb3'), 'Łódź €')).to.equal(-1);
      expect(firstUnheld(check('utf8mb3'), 'a😀')).to.equal(1);
    });

    it('takes in a key only the characters whose byte is their code point: MySQL orders a _bin key by bytes', () => {
      expect(firstUnheld(check('latin1'), 'é-1', true)).to.equal(-1);
      expect(firstUnheld(check('latin1'), 'A€', true)).to.equal(1);
      expect(firstUnheld(check('latin1'), 'A€')).to.equal(-1);
    });

    it('describes a character by number and glyph, a control character by number alone', () => {
      expect(describeCharacter('Ł', 0)).to.equal("U+0141 'Ł'");
      expect(describeCharacter('a😀', 1)).to.equal("U+1F600 '😀'");
      expect(describeCharacter('\u0080', 0)).to.equal('U+0080');
    });
  });

  describe('the check of a row before MySQL sees it', () => {
    const column = (target: string, more: Partial<TableSpec['columns'][number]> = {}) => ({
      source: target, target, kind: 'text' as const, sourceType: 'VARCHAR(20)', nullable: true, firebird: { select: `"${target}"`, padded: false, blob: false, param: '?' }, ...more,
    });
    const table: TableSpec = {
      source: 'TB_CLIENTE', target: 'tb_cliente', key: [0],
      columns: [column('id', { kind: 'integer' }), column('nome', { narrowCharset: 'latin1' }), column('cidade', { narrowCharset: 'latin2', maxChars: 5 })],
    };

    it('is undefined for a table without a narrower column', () => {
      expect(unfitValueCheck({ ...table, columns: [column('id'), column('nome')] })).to.equal(undefined);
    });

    it('passes a row every column holds', () => {
      expect(unfitValueCheck(table)!([1, 'José €', 'Łódź'])).to.equal(undefined);
    });

    it('refuses a character the set lacks as MySQL would (1366), naming table, column, character and set', () => {
      const err = unfitValueCheck(table)!([1, 'Łukasz', 'Łódź']) as Error & { errno: number; code: string };
      expect(err.message).to.equal("Incorrect string value for column tb_cliente.nome: character set latin1 has no U+0141 'Ł'");
      expect([err.errno, err.code]).to.deep.equal([1366, 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD']);
    });

    it('refuses € in a latin2 column', () => {
      expect(unfitValueCheck(table)!([1, 'a', '5 €'])?.message).to.equal("Incorrect string value for column tb_cliente.cidade: character set latin2 has no U+20AC '€'");
    });

    it('still refuses text too long for its column (1406)', () => {
      expect(unfitValueCheck(table)!([1, 'a', 'Kraków'])?.message).to.equal("Data too long for column 'cidade': 6 characters, the column holds 5");
    });

    it('says why a key refuses a character the set holds', () => {
      const keyed: TableSpec = { ...table, columns: [column('codigo', { narrowCharset: 'latin1' })] };
      expect(unfitValueCheck(keyed)!(['X€'])?.message).to.equal(
        "Incorrect string value for column tb_cliente.codigo: latin1 orders U+20AC '€' unlike Firebird (a key column in latin1 takes only the characters whose byte is their code point)",
      );
    });
  });
});
