/**
 * A small ERP schema for the whole-database specs: domains (with NOT NULL, defaults and checks),
 * single and composite keys (integer, BIGINT, text with case and accent variants), COMPUTED BY
 * columns, text and binary BLOBs, money and quantity columns, dates and times, an ARRAY column,
 * and the things --all-tables must leave out: a table without a primary key, a global
 * temporary table and a view.
 */
export const ERP_DDL = [
  `CREATE DOMAIN D_CODIGO AS VARCHAR(20) CHARACTER SET UTF8 NOT NULL`,
  `CREATE DOMAIN D_MOEDA AS NUMERIC(15,2) DEFAULT 0`,
  `CREATE DOMAIN D_QTD AS NUMERIC(15,3)`,
  `CREATE DOMAIN D_SIM_NAO AS CHAR(1) CHECK (VALUE IN ('S', 'N'))`,
  `CREATE DOMAIN D_UF AS CHAR(2) CHARACTER SET ASCII`,
  `CREATE TABLE TB_CLIENTE (
    ID_CLIENTE INTEGER NOT NULL PRIMARY KEY,
    NOME       VARCHAR(60) CHARACTER SET WIN1252 NOT NULL,
    UF         D_UF,
    LIMITE     D_MOEDA,
    ATIVO      D_SIM_NAO,
    OBS        BLOB SUB_TYPE TEXT CHARACTER SET WIN1252,
    CRIADO_EM  TIMESTAMP,
    NOME_UF    COMPUTED BY (NOME || ' / ' || COALESCE(UF, '--')))`,
  `CREATE TABLE TB_PRODUTO (
    CODIGO     D_CODIGO PRIMARY KEY,
    DESCRICAO  VARCHAR(100) NOT NULL,
    PRECO      D_MOEDA NOT NULL,
    PESO       DOUBLE PRECISION,
    FOTO       BLOB SUB_TYPE BINARY,
    TAGS       VARCHAR(10) [1:3])`,
  `CREATE TABLE TB_PEDIDO (
    ID_PEDIDO  BIGINT NOT NULL PRIMARY KEY,
    ID_CLIENTE INTEGER NOT NULL REFERENCES TB_CLIENTE,
    EMITIDO    DATE NOT NULL,
    HORA       TIME,
    TOTAL      D_MOEDA,
    NOTA       BLOB SUB_TYPE TEXT,
    ANO        COMPUTED BY (EXTRACT(YEAR FROM EMITIDO)))`,
  `CREATE TABLE TB_PEDIDO_ITEM (
    ID_PEDIDO  BIGINT NOT NULL REFERENCES TB_PEDIDO,
    ITEM       SMALLINT NOT NULL,
    CODIGO     D_CODIGO REFERENCES TB_PRODUTO,
    QTD        D_QTD NOT NULL,
    PRECO_UNIT D_MOEDA NOT NULL,
    SUBTOTAL   COMPUTED BY (QTD * PRECO_UNIT),
    PRIMARY KEY (ID_PEDIDO, ITEM))`,
  `CREATE TABLE TB_TABELA_PRECO (
    CODIGO     D_CODIGO,
    UF         D_UF NOT NULL,
    VIGENCIA   DATE NOT NULL,
    PRECO      D_MOEDA,
    PRIMARY KEY (CODIGO, UF, VIGENCIA))`,
  `CREATE TABLE TB_LOG (QUANDO TIMESTAMP, MENSAGEM VARCHAR(200))`,
  `CREATE GLOBAL TEMPORARY TABLE TB_TEMP (ID INTEGER NOT NULL PRIMARY KEY) ON COMMIT DELETE ROWS`,
  `CREATE VIEW VW_PEDIDO_TOTAL AS SELECT ID_PEDIDO, SUM(QTD * PRECO_UNIT) AS TOTAL FROM TB_PEDIDO_ITEM GROUP BY ID_PEDIDO`,
];

/** The tables --all-tables syncs, by name, and those it skips. */
export const ERP_TABLES = ['TB_CLIENTE', 'TB_PEDIDO', 'TB_PEDIDO_ITEM', 'TB_PRODUTO', 'TB_TABELA_PRECO'];
export const ERP_SKIPPED = [
  { table: 'TB_LOG', reason: 'no primary key' },
  { table: 'TB_TEMP', reason: 'global temporary table' },
];
export const ERP_ARRAY_COLUMN = 'TB_PRODUTO.TAGS';

export const ERP_ROWS = { TB_CLIENTE: 300, TB_PRODUTO: 205, TB_PEDIDO: 900, TB_PEDIDO_ITEM: 2700, TB_TABELA_PRECO: 615 };

export const ERP_FILL = [
  `EXECUTE BLOCK AS
    DECLARE i INTEGER = 1;
  BEGIN
    WHILE (i <= 300) DO
    BEGIN
      INSERT INTO TB_CLIENTE (ID_CLIENTE, NOME, UF, LIMITE, ATIVO, OBS, CRIADO_EM) VALUES (:i,
        DECODE(MOD(:i, 5), 0, 'José da Silva', 1, 'Conceição Araújo', 2, 'Ângelo Müller', 3, 'Œuvre “Ltda” — filial', 'Pão & Cia'),
        IIF(MOD(:i, 7) = 0, NULL, DECODE(MOD(:i, 3), 0, 'SP', 1, 'MG', 'PA')),
        MOD(:i * 7919, 1000000) * 0.01,
        IIF(MOD(:i, 10) = 0, 'N', 'S'),
        IIF(MOD(:i, 4) = 0, NULL, 'Observação nº ' || :i || ': cliente desde 2019, paga em € e R$'),
        DATEADD(:i * 37 MINUTE TO TIMESTAMP '2019-01-01 08:00:00.1234'));
      i = i + 1;
    END
  END`,
  `EXECUTE BLOCK AS
    DECLARE i INTEGER = 1;
  BEGIN
    WHILE (i <= 200) DO
    BEGIN
      INSERT INTO TB_PRODUTO (CODIGO, DESCRICAO, PRECO, PESO, FOTO) VALUES ('PRD-' || LPAD(:i, 4, '0'),
        'Produto ' || :i || IIF(MOD(:i, 9) = 0, ' — edição “limitada” 😀', ''), MOD(:i * 104729, 100000) * 0.01,
        IIF(MOD(:i, 6) = 0, NULL, :i / 7.0e0), IIF(MOD(:i, 5) = 0, x'89504E470D0A1A0A0000' || CAST(:i AS VARCHAR(5)), NULL));
      i = i + 1;
    END
    INSERT INTO TB_PRODUTO (CODIGO, DESCRICAO, PRECO) VALUES ('açúcar', 'Açúcar refinado', 4.99);
    INSERT INTO TB_PRODUTO (CODIGO, DESCRICAO, PRECO) VALUES ('Açúcar', 'Açúcar cristal', 5.49);
    INSERT INTO TB_PRODUTO (CODIGO, DESCRICAO, PRECO) VALUES ('AÇÚCAR', 'Açúcar mascavo', 8.90);
    INSERT INTO TB_PRODUTO (CODIGO, DESCRICAO, PRECO) VALUES ('😀-1', 'Brinde', 0);
    INSERT INTO TB_PRODUTO (CODIGO, DESCRICAO, PRECO) VALUES ('abc ', 'Código com espaço no fim', 1);
  END`,
  `EXECUTE BLOCK AS
    DECLARE i INTEGER = 1;
    DECLARE j INTEGER;
  BEGIN
    WHILE (i <= 900) DO
    BEGIN
      INSERT INTO TB_PEDIDO (ID_PEDIDO, ID_CLIENTE, EMITIDO, HORA, TOTAL, NOTA) VALUES (5000000000 + :i, MOD(:i, 300) + 1,
        DATEADD(:i DAY TO DATE '2021-06-01'), DATEADD(:i * 613 SECOND TO TIME '00:00:00.0001'), NULL,
        IIF(MOD(:i, 3) = 0, 'Entregar após as 18h; ' || :i, NULL));
      j = 1;
      WHILE (j <= 3) DO
      BEGIN
        INSERT INTO TB_PEDIDO_ITEM (ID_PEDIDO, ITEM, CODIGO, QTD, PRECO_UNIT) VALUES (5000000000 + :i, :j,
          IIF(MOD(:i + :j, 50) = 0, 'Açúcar', 'PRD-' || LPAD(MOD(:i * :j, 200) + 1, 4, '0')), (:i + :j) * 0.125, MOD(:i * :j, 9973) * 0.01);
        j = j + 1;
      END
      i = i + 1;
    END
    UPDATE TB_PEDIDO p SET TOTAL = (SELECT SUM(QTD * PRECO_UNIT) FROM TB_PEDIDO_ITEM i WHERE i.ID_PEDIDO = p.ID_PEDIDO);
  END`,
  `EXECUTE BLOCK AS
    DECLARE i INTEGER = 1;
  BEGIN
    WHILE (i <= 205) DO
    BEGIN
      INSERT INTO TB_TABELA_PRECO
        SELECT CODIGO, u.UF, DATE '2024-01-01', PRECO * 1.1 FROM TB_PRODUTO
        CROSS JOIN (SELECT 'SP' AS UF FROM RDB$DATABASE UNION ALL SELECT 'MG' FROM RDB$DATABASE UNION ALL SELECT 'pa' FROM RDB$DATABASE) u
        WHERE CODIGO = (SELECT FIRST 1 SKIP (:i - 1) CODIGO FROM TB_PRODUTO ORDER BY CODIGO);
      i = i + 1;
    END
  END`,
];
