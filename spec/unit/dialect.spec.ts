import { expect } from 'chai';
import mysql from 'mysql2';
import { statementsFor, usesRowAlias } from '../../lib/mysql/dialect.js';
import type { TableSpec } from '../../lib/core/table.js';
import type { ValueKind } from '../../lib/core/values.js';

/** A TableSpec whose MySQL names are given; source names are their upper case. */
function tableSpec(target: string, columns: Array<[name: string, kind: ValueKind]>, key: number[] = [0]): TableSpec {
  return {
    source: target.toUpperCase(),
    target,
    columns: columns.map(([name, kind]) => ({
      source: name.toUpperCase(),
      target: name,
      kind,
      sourceType: kind.toUpperCase(),
      nullable: true,
      firebird: { select: `"${name.toUpperCase()}"`, padded: false, blob: false },
    })),
    key,
  };
}

const MARIADB = { flavor: 'mariadb', version: '10.11.6-MariaDB' } as const;
const MYSQL_84 = { flavor: 'mysql', version: '8.4.3' } as const;
const MYSQL_8020 = { flavor: 'mysql', version: '8.0.20' } as const;
const MYSQL_8018 = { flavor: 'mysql', version: '8.0.18' } as const;
const MYSQL_57 = { flavor: 'mysql', version: '5.7.44-log' } as const;

const items = tableSpec('items', [
  ['id', 'integer'],
  ['name', 'text'],
  ['price', 'decimal'],
]);

describe('mysql dialect', () => {
  describe('usesRowAlias', () => {
    it('is false for MariaDB, whatever its version', () => {
      expect(usesRowAlias({ flavor: 'mariadb', version: '11.4.2-MariaDB' })).to.equal(false);
      expect(usesRowAlias({ flavor: 'mariadb', version: '10.3.39-MariaDB' })).to.equal(false);
    });

    it('is false for MySQL before 8.0.19', () => {
      expect(usesRowAlias(MYSQL_57)).to.equal(false);
      expect(usesRowAlias(MYSQL_8018)).to.equal(false);
      expect(usesRowAlias({ flavor: 'mysql', version: '8.0.0-dmr' })).to.equal(false);
    });

    it('is true from MySQL 8.0.19, where row aliases appeared', () => {
      expect(usesRowAlias({ flavor: 'mysql', version: '8.0.19' })).to.equal(true);
      expect(usesRowAlias(MYSQL_8020)).to.equal(true);
      expect(usesRowAlias({ flavor: 'mysql', version: '8.0.36-0ubuntu0.22.04.1' })).to.equal(true);
      expect(usesRowAlias(MYSQL_84)).to.equal(true);
      expect(usesRowAlias({ flavor: 'mysql', version: '9.1.0' })).to.equal(true);
    });
  });

  describe('statementsFor', () => {
    it('MariaDB: updates from VALUES(col)', () => {
      expect(statementsFor(items, MARIADB).upsert).to.equal(
        'INSERT INTO `items` (`id`, `name`, `price`) VALUES ? ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `price` = VALUES(`price`)',
      );
    });

    it('MySQL 8.0.20 and later: updates from the row alias _new', () => {
      const expected =
        'INSERT INTO `items` (`id`, `name`, `price`) VALUES ? AS _new ON DUPLICATE KEY UPDATE `name` = _new.`name`, `price` = _new.`price`';
      expect(statementsFor(items, MYSQL_8020).upsert).to.equal(expected);
      expect(statementsFor(items, MYSQL_84).upsert).to.equal(expected);
    });

    it('MySQL 8.0.18 and 5.7: updates from VALUES(col)', () => {
      const expected =
        'INSERT INTO `items` (`id`, `name`, `price`) VALUES ? ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `price` = VALUES(`price`)';
      expect(statementsFor(items, MYSQL_8018).upsert).to.equal(expected);
      expect(statementsFor(items, MYSQL_57).upsert).to.equal(expected);
    });

    it('leaves key columns out of the update list, wherever they are', () => {
      const stock = tableSpec('stock', [['qty', 'integer'], ['sku', 'text'], ['note', 'text'], ['store', 'integer']], [3, 1]);
      expect(statementsFor(stock, MARIADB).upsert).to.equal(
        'INSERT INTO `stock` (`qty`, `sku`, `note`, `store`) VALUES ? ON DUPLICATE KEY UPDATE `qty` = VALUES(`qty`), `note` = VALUES(`note`)',
      );
    });

    it('gives a table that is all key a no-op assignment, so it stays an upsert', () => {
      const tags = tableSpec('tags', [['item', 'integer'], ['tag', 'text']], [0, 1]);
      expect(statementsFor(tags, MARIADB).upsert).to.equal('INSERT INTO `tags` (`item`, `tag`) VALUES ? ON DUPLICATE KEY UPDATE `item` = `item`');
      expect(statementsFor(tags, MYSQL_84).upsert).to.equal('INSERT INTO `tags` (`item`, `tag`) VALUES ? AS _new ON DUPLICATE KEY UPDATE `item` = `item`');
    });

    it('escapes backticks in identifiers by doubling them', () => {
      const odd = tableSpec('my`table', [['id', 'integer'], ['a`b', 'text']]);
      const statements = statementsFor(odd, MARIADB);
      expect(statements.upsert).to.equal('INSERT INTO `my``table` (`id`, `a``b`) VALUES ? ON DUPLICATE KEY UPDATE `a``b` = VALUES(`a``b`)');
      expect(statements.delete).to.equal('DELETE FROM `my``table` WHERE `id` IN (?)');
      expect(statementsFor(odd, MYSQL_84).upsert).to.include('`a``b` = _new.`a``b`');
    });

    it('uses the MySQL (target) names, not the Firebird ones', () => {
      const renamed: TableSpec = { ...items, source: 'TB_ITEMS', target: 'Items' };
      expect(statementsFor(renamed, MARIADB).delete).to.equal('DELETE FROM `Items` WHERE `id` IN (?)');
    });

    it('delete, single-column key: `key` IN (?)', () => {
      expect(statementsFor(items, MARIADB).delete).to.equal('DELETE FROM `items` WHERE `id` IN (?)');
    });

    it('delete, composite key: a row constructor IN (?)', () => {
      const stock = tableSpec('stock', [['store', 'integer'], ['sku', 'text'], ['qty', 'integer']], [0, 1]);
      expect(statementsFor(stock, MYSQL_84).delete).to.equal('DELETE FROM `stock` WHERE (`store`, `sku`) IN (?)');
    });

    it('delete, key columns in key order rather than column order', () => {
      const stock = tableSpec('stock', [['qty', 'integer'], ['sku', 'text'], ['store', 'integer']], [2, 1]);
      expect(statementsFor(stock, MARIADB).delete).to.equal('DELETE FROM `stock` WHERE (`store`, `sku`) IN (?)');
    });

    it('is the same delete for every server', () => {
      for (const server of [MARIADB, MYSQL_57, MYSQL_8018, MYSQL_84]) {
        expect(statementsFor(items, server).delete).to.equal('DELETE FROM `items` WHERE `id` IN (?)');
      }
    });
  });

  describe('as formatted by mysql2 (the sink passes [rows] or [keys])', () => {
    it('a single-column delete renders a valid IN list', () => {
      const { delete: del } = statementsFor(items, MARIADB);
      expect(mysql.format(del, [[[1], [2]]])).to.equal('DELETE FROM `items` WHERE `id` IN ((1), (2))');
    });

    it('a composite delete renders a list of row tuples', () => {
      const stock = tableSpec('stock', [['store', 'integer'], ['sku', 'text'], ['qty', 'integer']], [0, 1]);
      const { delete: del } = statementsFor(stock, MARIADB);
      expect(mysql.format(del, [[[1, 'A-1'], [2, "O'Neil"]]])).to.equal("DELETE FROM `stock` WHERE (`store`, `sku`) IN ((1, 'A-1'), (2, 'O\\'Neil'))");
    });

    it('an upsert renders one tuple per row (MariaDB)', () => {
      const names = tableSpec('names', [['id', 'integer'], ['name', 'text']]);
      const { upsert } = statementsFor(names, MARIADB);
      expect(mysql.format(upsert, [[[1, 'x'], [2, 'y']]])).to.equal(
        "INSERT INTO `names` (`id`, `name`) VALUES (1, 'x'), (2, 'y') ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)",
      );
    });

    it('an upsert renders one tuple per row, before the row alias (MySQL 8)', () => {
      const names = tableSpec('names', [['id', 'integer'], ['name', 'text']]);
      const { upsert } = statementsFor(names, MYSQL_84);
      expect(mysql.format(upsert, [[[1, 'x'], [2, 'y']]])).to.equal(
        "INSERT INTO `names` (`id`, `name`) VALUES (1, 'x'), (2, 'y') AS _new ON DUPLICATE KEY UPDATE `name` = _new.`name`",
      );
    });

    it('renders NULL, Buffers and decimal strings as SQL literals', () => {
      const { upsert } = statementsFor(tableSpec('t', [['id', 'bigint'], ['p', 'decimal'], ['b', 'binary'], ['n', 'text']]), MARIADB);
      expect(mysql.format(upsert, [[['9007199254740993', '-0.5', Buffer.from([0xca, 0xfe]), null]]])).to.match(
        /^INSERT INTO `t` \(`id`, `p`, `b`, `n`\) VALUES \('9007199254740993', '-0\.5', X'cafe', NULL\) ON DUPLICATE KEY UPDATE /,
      );
    });

    it('is not confused by a question mark inside a quoted identifier', () => {
      const odd = tableSpec('t', [['id', 'integer'], ['why?', 'text']]);
      expect(mysql.format(statementsFor(odd, MARIADB).upsert, [[[1, 'x']]])).to.equal(
        "INSERT INTO `t` (`id`, `why?`) VALUES (1, 'x') ON DUPLICATE KEY UPDATE `why?` = VALUES(`why?`)",
      );
    });
  });
});
