/**
 * Adopting a MySQL table made by hand (by an older copy program, say): a plain sync refuses it,
 * `fbsync schema --alter` prints the ALTER TABLE that makes it exact, the mariadb client applies
 * it, and a plain sync then copies every value exactly.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync, scratchDir } from '../support/cli.js';
import { expectSameTable } from '../support/compare.js';
import { mariadb } from '../support/mysql-client.js';

const FIREBIRD_DDL = [
  `CREATE TABLE TB_PEDIDO (
     ID INTEGER NOT NULL PRIMARY KEY,
     CRIADO_EM TIMESTAMP,
     TOTAL NUMERIC(15,4),
     CLIENTE VARCHAR(40) CHARACTER SET UTF8,
     OBS VARCHAR(100) CHARACTER SET UTF8
   )`,
  'CREATE TABLE TB_CIDADE (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) CHARACTER SET UTF8 NOT NULL)',
  'CREATE TABLE TB_NOVA (ID BIGINT NOT NULL PRIMARY KEY, VALOR NUMERIC(9,2))',
];
const FIREBIRD_ROWS = [
  "INSERT INTO TB_PEDIDO VALUES (1, '2024-03-01 10:20:30.1234', 1234.5678, 'Łódź Comércio', 'entregar à tarde')",
  "INSERT INTO TB_PEDIDO VALUES (2, '2024-03-02 23:59:59.9999', -0.0001, '東京 商事', NULL)",
  'INSERT INTO TB_PEDIDO VALUES (3, NULL, NULL, NULL, NULL)',
  "INSERT INTO TB_CIDADE VALUES (1, 'Curitiba')",
];

/**
 * What an older copy program made: DATETIME without fractions, two decimals where the source has
 * four, latin1 text, no OBS, and an AUTO_INCREMENT primary key of its own with ID merely UNIQUE.
 */
const HAND_MADE = `CREATE TABLE TB_PEDIDO (
  SEQ INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ID INT NOT NULL,
  CRIADO_EM DATETIME,
  TOTAL DECIMAL(15,2),
  CLIENTE VARCHAR(60) CHARACTER SET latin1,
  UNIQUE KEY uq_pedido_id (ID)
) ENGINE=InnoDB DEFAULT CHARSET=latin1`;
/** What the older program copied, rounded. */
const HAND_MADE_ROWS = "INSERT INTO TB_PEDIDO (ID, CRIADO_EM, TOTAL, CLIENTE) VALUES (1, '2024-03-01 10:20:30', 1234.57, 'Lodz Comercio'), (2, '2024-03-02 23:59:59', 0.00, '?? ??')";
/** As fbsync would create it. */
const EXACT = 'CREATE TABLE TB_CIDADE (ID INT NOT NULL, NOME VARCHAR(60) CHARACTER SET utf8mb4 NOT NULL, PRIMARY KEY (ID)) ENGINE=InnoDB';

describe('fbsync schema --alter', function () {
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  const env = () => ({ FBSYNC_FROM: fb.uri, FBSYNC_TO: my.uri });
  const alter = (...tables: string[]) => fbsync(['schema', '--alter', '--tables', tables.join(',')], { env: env() });

  before(async function () {
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'UTF8' });
    await fb.exec(...FIREBIRD_DDL, ...FIREBIRD_ROWS);
    my = await createMysqlDatabase();
    await my.exec(HAND_MADE, HAND_MADE_ROWS, EXACT);
  });
  after(async () => {
    await fb?.drop();
    await my?.drop();
  });

  it('is needed: a plain sync refuses the hand-made table and changes nothing', async function () {
    const run = await fbsync(['sync', '--tables', 'TB_PEDIDO'], { env: env() });
    // A missing column refuses the table on its own (exit 3), with the ADD COLUMN to run.
    expect(run.status).to.equal(3);
    expect(run.stderr).to.include(`MySQL table ${my.database}.TB_PEDIDO has no column OBS`);
    expect(await my.rows('SELECT ID, TOTAL FROM TB_PEDIDO ORDER BY ID')).to.deep.equal([[1, '1234.57'], [2, '0.00']]);
  });

  it('names --alter where a sync refuses a column that would change values', async function () {
    const run = await fbsync(['sync', '--tables', 'TB_PEDIDO', '--exclude-columns', 'TB_PEDIDO.OBS'], { env: env() });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.include('CRIADO_EM datetime keeps 0 digits of a second').and.include('the schema command with --alter prints the ALTER TABLE that would');
  });

  it('prints one ALTER TABLE for the hand-made table, each difference named in a comment', async function () {
    const run = await alter('TB_PEDIDO');
    expect(run.stderr).to.equal('');
    expect(run.status).to.equal(0);
    expect(run.stdout).to.equal(
      [
        '-- TB_PEDIDO -> TB_PEDIDO: not exact',
        '--   CRIADO_EM datetime keeps 0 digits of a second, the source 4: use DATETIME(4) (TB_PEDIDO.CRIADO_EM is TIMESTAMP)',
        '--   TOTAL decimal(15,2) has 2 decimals, the source 4: MySQL would round (TB_PEDIDO.TOTAL is NUMERIC(15,4))',
        '--   CLIENTE varchar(60) latin1 is latin1, which cannot hold every UTF8 character; use utf8mb4 (TB_PEDIDO.CLIENTE is VARCHAR(40) CHARACTER SET UTF8)',
        '--   OBS is missing (TB_PEDIDO.OBS is VARCHAR(100) CHARACTER SET UTF8)',
        "--   PRIMARY KEY (SEQ) does not hold all of the source's primary key (ID)",
        'ALTER TABLE `TB_PEDIDO`',
        '  MODIFY COLUMN `CRIADO_EM` DATETIME(4),',
        '  MODIFY COLUMN `TOTAL` DECIMAL(19,4),',
        // Its 60 characters kept: the change never narrows what the table's own rows may hold.
        '  MODIFY COLUMN `CLIENTE` VARCHAR(60) CHARACTER SET utf8mb4,',
        '  ADD COLUMN `OBS` VARCHAR(100) CHARACTER SET utf8mb4,',
        // SEQ stays indexed, as MySQL wants of an AUTO_INCREMENT column; the UNIQUE index on ID is harmless.
        '  DROP PRIMARY KEY, ADD PRIMARY KEY (`ID`), ADD INDEX (`SEQ`);',
        '',
      ].join('\n'),
    );
  });

  it('prints no statement for a table already exact, only a comment saying so', async function () {
    const run = await alter('TB_CIDADE');
    expect(run.status).to.equal(0);
    expect(run.stdout).to.equal('-- TB_CIDADE -> TB_CIDADE: exact\n');
  });

  it('prints the CREATE TABLE of a missing table, as a sync that creates tables would run it', async function () {
    const run = await alter('TB_NOVA');
    expect(run.status).to.equal(0);
    expect(run.stdout).to.equal(
      '-- TB_NOVA -> TB_NOVA: does not exist; fbsync would create it so:\n' +
        'CREATE TABLE `TB_NOVA` (\n  `ID` BIGINT NOT NULL, -- BIGINT\n  `VALOR` DECIMAL(10,2), -- NUMERIC(9,2)\n  PRIMARY KEY (`ID`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC;\n',
    );
  });

  it("honours a job file's target table and columns left out", async function () {
    await my.exec('CREATE TABLE cidades (ID INT NOT NULL PRIMARY KEY) ENGINE=InnoDB');
    const job = join(scratchDir(), 'schema-alter-job.yaml');
    writeFileSync(job, 'tables:\n  - name: TB_CIDADE\n    target: cidades\n    excludeColumns: [NOME]\n');
    const run = await fbsync(['schema', '--alter', '--job', job], { env: env() });
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal('-- TB_CIDADE -> cidades: exact\n');
  });

  it('needs the MySQL target', async function () {
    const run = await fbsync(['schema', '--alter', '--tables', 'TB_PEDIDO'], { env: { FBSYNC_FROM: fb.uri } });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.equal('fbsync: no MySQL target given; pass --to, set FBSYNC_TO or write `to:` in the job file\n');
  });

  describe('its output applied with the mariadb client', function () {
    before(async function () {
      const run = await alter('TB_PEDIDO', 'TB_CIDADE');
      expect(run.status, run.stderr).to.equal(0);
      mariadb(my.database, run.stdout);
    });

    it('makes the table exact: schema --alter then prints no statement for it', async function () {
      const run = await alter('TB_PEDIDO');
      expect(run.status).to.equal(0);
      expect(run.stdout).to.equal('-- TB_PEDIDO -> TB_PEDIDO: exact\n');
    });

    it("keeps the table's own column and its AUTO_INCREMENT", async function () {
      const [[extra]] = (await my.rows("SELECT EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'TB_PEDIDO' AND COLUMN_NAME = 'SEQ'")) as [[string]];
      expect(extra).to.equal('auto_increment');
    });

    it('lets a plain sync copy every value exactly, over the rows the table had', async function () {
      const run = await fbsync(['sync', '--tables', 'TB_PEDIDO,TB_CIDADE'], { env: env() });
      expect(run.stderr).to.equal('');
      expect(run.status).to.equal(0);
      expect((await expectSameTable(fb, my, 'TB_PEDIDO')).rows).to.equal(3);
      expect((await expectSameTable(fb, my, 'TB_CIDADE')).rows).to.equal(1);
    });
  });
});
