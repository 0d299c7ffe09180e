/**
 * TB_ESTOQUE as the bench's hand-written cases (raw read, raw write, per-row baseline) see it.
 * Those cases must not go through fbsync, so they spell out what fbsync would work out from
 * the schema: the columns, the select list, and rows like the fixture's.
 */

export const ESTOQUE_TABLE = 'TB_ESTOQUE';

export const ESTOQUE_COLUMNS = [
  'ID_ESTOQUE',
  'CODIGO',
  'DESCRICAO',
  'QUANTIDADE',
  'PRECO_CUSTO',
  'PRECO_VENDA',
  'ATUALIZADO_EM',
  'ATIVO',
  'OBSERVACAO',
] as const;

/**
 * The select list fbsync sends for TB_ESTOQUE (numerics arrive as exact strings through the
 * connection's numericMode, the timestamp as the server's own text). Using the same one in the
 * raw read makes "full load ÷ raw read" measure fbsync's pipeline, not a cheaper query.
 */
export const ESTOQUE_SELECT_LIST = ESTOQUE_COLUMNS.map((c) => (c === 'ATUALIZADO_EM' ? `CAST("${c}" AS VARCHAR(24))` : `"${c}"`)).join(', ');

/** Connection options every hand-written Firebird reader uses; the same ones fbsync forces. */
export const FIREBIRD_READ_OPTIONS = {
  encoding: 'UTF8',
  numericMode: 'string',
  blobAsText: true,
  lowercase_keys: false,
} as const;

/** `INSERT … VALUES ? ON DUPLICATE KEY UPDATE …` for a copy of TB_ESTOQUE; `?` takes an array of rows. */
export function estoqueUpsertSql(table: string): string {
  const cols = ESTOQUE_COLUMNS.map((c) => `\`${c}\``);
  // VALUES(col) works on MariaDB and (deprecated but accepted) on MySQL 8.
  const updates = cols.slice(1).map((c) => `${c} = VALUES(${c})`);
  return `INSERT INTO \`${table}\` (${cols.join(', ')}) VALUES ? ON DUPLICATE KEY UPDATE ${updates.join(', ')}`;
}

// Same lists as scripts/estoque.ts (not exported there), so generated rows have the fixture's sizes.
const PRODUTOS = ['Açúcar cristal', 'Feijão carioca', 'Café torrado', 'Pão francês', 'Maçã gala', 'Limão tahiti', 'Óleo de soja', 'Arroz agulhinha', 'Sabão em pó', 'Macarrão espaguete'];
const MARCAS = ['União', 'Camil', 'Pilão', 'Seleção', 'Nutrição', 'São João', 'Coração', 'Ypê', 'Tio João', 'Renê'];
const EPOCH_2023 = Date.UTC(2023, 0, 1);

export type EstoqueRow = [number, string, string, string, string, string, string, string, string | null];

/**
 * Row `i` as scripts/estoque.ts's EXECUTE BLOCK computes it on the server, in the canonical
 * text forms (exact decimals, `YYYY-MM-DD HH:MM:SS.ffff`), so the raw write sends the same
 * bytes per row as fbsync does.
 */
export function estoqueRow(i: number): EstoqueRow {
  const sign = i % 97 === 0 ? -1 : 1;
  const m = (i * 104729) % 10_000_000;
  const at = EPOCH_2023 + ((i * 13) % 94_608_000) * 1000 + (i % 1000);
  return [
    i,
    `SKU-${String(i).padStart(8, '0')}`,
    `${PRODUTOS[i % 10]} ${MARCAS[Math.floor(i / 10) % 10]} nº ${i}`,
    scaled(sign * ((i * 7919) % 100_000_000), 3),
    scaled(m, 4),
    // m × 0.000135 stored at scale 4: m × 135 / 100, rounded half up like Firebird does.
    scaled(Math.round((m * 135) / 100), 4),
    `${new Date(at).toISOString().slice(0, 23).replace('T', ' ')}0`,
    i % 10 === 0 ? 'N' : 'S',
    i % 3 === 0 ? null : `Observação ${i} — estoque mínimo, preço em €`,
  ];
}

/** An integer count of 10^-scale units as a decimal string: scaled(-1234, 3) → "-1.234". */
function scaled(units: number, scale: number): string {
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  const sign = units < 0 ? '-' : '';
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
