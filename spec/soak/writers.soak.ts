/**
 * Soak: writers during a sync (issue 21, section 3). A 200,000-row TB_ESTOQUE in Firebird is
 * synced back to back by the real command, in every mode, while other Firebird attachments keep
 * inserting, updating and deleting rows and committing (or rolling back) at random. When the
 * writers stop, one last run of each mode must leave its target identical to the source,
 * checked value by value by bench/verify.ts (its own metadata, paging and canonical forms).
 * The second test does the same while MySQL connections of fbsync are killed at random.
 *
 * Modes, each with its own MySQL database (a mode's state, watermark or version notes, lives in
 * its target):
 *   full      every row compared, --delete
 *   resume    a full --delete run killed with kill -9 once it has saved a checkpoint, then
 *             --resume; shares the target of `full`
 *   versions  --row-versions --delete
 *   since     --since-column ATUALIZADO_EM (the writers stamp every insert and update with
 *             CURRENT_TIMESTAMP). It cannot see deletes, so its target keeps rows the writers
 *             deleted: it is checked for every source row, value by value, and its only extra
 *             rows must be keys a writer deleted.
 *
 * Bounded: a fixed number of writer operations, a fixed number of kills, a seeded generator.
 * The seed is printed; SOAK_SEED=<n> npm run soak replays the same operations (the interleaving
 * with the runs depends on timing).
 */
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { openFirebird, type FirebirdDatabase } from '../../lib/firebird/connect.js';
import { ESTOQUE_FIREBIRD_DDL, ESTOQUE_MYSQL_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { formatVerify, verifyTable } from '../../bench/verify.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync, FBSYNC_BIN, scratchDir, type CliResult } from '../support/cli.js';

const ROWS = 200_000;
const WRITERS = 2;
/** Operations (insert, update or delete of one row) per writer per test. */
const OPS_PER_WRITER = 1500;
/** The most MySQL connections killed in the second test. */
const MAX_KILLS = 25;
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));

const BASE = ['sync', '--tables', 'TB_ESTOQUE', '--json', '--progress', 'none'];
const MODES = {
  full: [...BASE, '--delete'],
  versions: [...BASE, '--row-versions', '--delete'],
  since: [...BASE, '--since-column', 'ATUALIZADO_EM'],
  /** The run killed and resumed: small pages, so that a checkpoint comes early. */
  killed: [...BASE, '--delete', '--page-size', '2000', '--batch-rows', '500'],
} as const;

type Mode = 'full' | 'resume' | 'versions' | 'since';
const ROTATION: Mode[] = ['full', 'versions', 'since', 'resume'];

/** mulberry32: a small seeded generator, so that a failing soak can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`soak: writers during a sync (seed ${SEED})`, function () {
  this.timeout(600_000);
  let fb: FirebirdFixture;
  const my = {} as Record<'full' | 'versions' | 'since', MysqlFixture>;
  /** Keys each writer may touch (its own share), as committed. */
  const live: number[][] = [];
  /** Keys deleted by a committed writer transaction: the only rows the since target may keep extra. */
  const deleted = new Set<number>();
  let nextKey = ROWS + 1;
  const runs: { mode: Mode; ms: number; status: number | null; during: boolean }[] = [];

  before(async function () {
    console.log(`    soak seed ${SEED} (replay: SOAK_SEED=${SEED} npm run soak)`);
    const started = Date.now();
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    await fb.exec(ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock(1, ROWS));
    for (const name of ['full', 'versions', 'since'] as const) {
      my[name] = await createMysqlDatabase();
      await my[name].exec(ESTOQUE_MYSQL_DDL);
    }
    for (let w = 0; w < WRITERS; w++) live.push([]);
    for (let k = 1; k <= ROWS; k++) live[k % WRITERS]!.push(k);
    // The first copies, before any writer.
    for (const mode of ['full', 'versions', 'since'] as const) expectOk(await runMode(mode), mode);
    console.log(`    set up and first copies in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    for (const r of Object.values(my)) await r?.drop();
    await fb?.drop();
  });

  function envOf(target: MysqlFixture): Record<string, string> {
    return { FBSYNC_FROM: fb.uri, FBSYNC_TO: target.uri };
  }

  function expectOk(r: CliResult, what: string): void {
    expect(r.status, `${what} (seed ${SEED}): ${r.stderr}`).to.equal(0);
  }

  /** One run of a mode; `resume` is a killed run and its --resume. */
  async function runMode(mode: Mode, rand: () => number = Math.random): Promise<CliResult> {
    if (mode === 'resume') return killAndResume(rand);
    const target = mode === 'full' ? my.full : my[mode];
    return fbsync(MODES[mode], { env: envOf(target), timeoutMs: 300_000 });
  }

  /** Starts a full --delete run, kills it with SIGKILL once it has saved a checkpoint, and resumes it. */
  async function killAndResume(rand: () => number): Promise<CliResult> {
    const child = spawn(process.execPath, [FBSYNC_BIN, ...MODES.killed], {
      cwd: scratchDir(),
      env: { ...process.env, ...envOf(my.full) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const deadline = Date.now() + 120_000;
    let checkpointed = false;
    while (!checkpointed && child.exitCode === null && Date.now() < deadline) {
      const [[n]] = await my.full.rows(
        `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'fbsync_checkpoints'`,
      );
      if (Number(n) > 0) checkpointed = Number((await my.full.rows('SELECT COUNT(*) FROM fbsync_checkpoints'))[0]![0]) > 0;
      if (!checkpointed) await sleep(20);
    }
    // A little later, at random: the kill lands anywhere in the run's remaining work.
    await sleep(Math.floor(rand() * 400));
    child.kill('SIGKILL');
    await closed;
    return fbsync([...MODES.killed, '--resume'], { env: envOf(my.full), timeoutMs: 300_000 });
  }

  /** One writer: transactions of 1-8 operations on its own keys, committed (85%) or rolled back. */
  async function writer(w: number, ops: number, rand: () => number, db: FirebirdDatabase): Promise<{ committed: number; rolledBack: number }> {
    const mine = live[w]!;
    let done = 0;
    let committed = 0;
    let rolledBack = 0;
    while (done < ops) {
      const tx = await db.transactionAsync();
      const inserted: number[] = [];
      const removed: number[] = [];
      const size = 1 + Math.floor(rand() * 8);
      for (let i = 0; i < size && done < ops; i++, done++) {
        const pick = rand();
        const stamp = `${SEED}/${w}/${done}`;
        if (pick < 0.3) {
          const key = nextKey++;
          const qty = (Math.floor(rand() * 2e8) - 1e8) / 1000;
          await tx.queryAsync(
            `INSERT INTO TB_ESTOQUE VALUES (?, ?, ?, ${qty.toFixed(3)}, ${(rand() * 1000).toFixed(4)},
               ${(rand() * 1500).toFixed(4)}, CURRENT_TIMESTAMP, ?, ?)`,
            [key, `SKU-${String(key).padStart(8, '0')}`, `Inserido na carga ${stamp} — açúcar`, rand() < 0.1 ? 'N' : 'S', rand() < 0.3 ? null : `obs ${stamp}`],
          );
          inserted.push(key);
        } else {
          // Keys removed in this open transaction are not touched again by it.
          let key: number | undefined;
          for (let tries = 0; tries < 5 && key === undefined; tries++) {
            const k = mine[Math.floor(rand() * mine.length)]!;
            if (!removed.includes(k)) key = k;
          }
          if (key === undefined) continue;
          if (pick < 0.8) {
            await tx.queryAsync(
              `UPDATE TB_ESTOQUE SET QUANTIDADE = ${((Math.floor(rand() * 2e8) - 1e8) / 1000).toFixed(3)}, OBSERVACAO = ?,
                 DESCRICAO = DESCRICAO || '', ATUALIZADO_EM = CURRENT_TIMESTAMP WHERE ID_ESTOQUE = ?`,
              [rand() < 0.2 ? null : `alterado ${stamp}`, key],
            );
          } else {
            await tx.queryAsync('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE = ?', [key]);
            removed.push(key);
          }
        }
      }
      // Now and then a transaction stays open a while, across the start of a run.
      if (rand() < 0.05) await sleep(200 + Math.floor(rand() * 1500));
      if (rand() < 0.85) {
        await tx.commitAsync();
        committed++;
        mine.push(...inserted);
        for (const k of removed) {
          mine.splice(mine.indexOf(k), 1);
          deleted.add(k);
        }
      } else {
        await tx.rollbackAsync();
        rolledBack++;
      }
      await sleep(Math.floor(rand() * 40));
    }
    return { committed, rolledBack };
  }

  /**
   * Kills fbsync's MySQL connections (those of the test user on the three targets, busy with a
   * statement) at random, up to MAX_KILLS; returns the statements killed.
   */
  async function killer(rand: () => number, stop: () => boolean): Promise<string[]> {
    const me = my.full;
    const [[user]] = await me.rows('SELECT SUBSTRING_INDEX(CURRENT_USER(), "@", 1)');
    const dbs = Object.values(my).map((m) => m.database);
    const own = new Set(Object.values(my).map((m) => m.conn.threadId));
    const killed: string[] = [];
    let pause = 0;
    while (!stop() && killed.length < MAX_KILLS) {
      // After a kill, a random pause; while nothing is busy, a quick look again.
      await sleep(pause);
      pause = 10;
      const busy = (await me.rows(
        `SELECT ID, LEFT(INFO, 60) FROM information_schema.PROCESSLIST
          WHERE USER = ? AND DB IN (?) AND ID <> CONNECTION_ID() AND COMMAND <> 'Sleep' ORDER BY ID`,
        [user, dbs],
      )).filter(([id]) => !own.has(Number(id)));
      if (busy.length === 0 || stop()) continue;
      const [id, info] = busy[Math.floor(rand() * busy.length)]!;
      // The statement may have ended, or the connection gone, since the SELECT.
      await me.exec(`KILL CONNECTION ${Number(id)}`).then(
        () => {
          killed.push(String(info).replace(/\s+/g, ' '));
          pause = 200 + Math.floor(rand() * 1000);
        },
        () => undefined,
      );
    }
    return killed;
  }

  /** Syncs in rotation while the writers run, then one last run of each mode, then the checks. */
  async function soak(label: string, seed: number, killConnections: boolean): Promise<void> {
    const dbs: FirebirdDatabase[] = [];
    for (let w = 0; w < WRITERS; w++) dbs.push(await openFirebird(fb.uri));
    const started = Date.now();
    let writing = true;
    let lastRuns = false;
    let killsDone = false;
    const writers = Promise.all(dbs.map((db, w) => writer(w, OPS_PER_WRITER, random(seed + w + 1), db))).finally(() => (writing = false));
    writers.catch(() => undefined); // awaited below; this only keeps a writer's failure from being reported as unhandled
    const killing = killConnections ? killer(random(seed + 100), () => killsDone) : Promise.resolve([]);
    const rand = random(seed);
    const failed: string[] = [];
    try {
      let i = 0;
      // At least one run of each mode overlaps the writers, however fast they are.
      while (writing || i < ROTATION.length) {
        const mode = ROTATION[i++ % ROTATION.length]!;
        const t = Date.now();
        const during = writing;
        const r = await runMode(mode, rand);
        runs.push({ mode, ms: Date.now() - t, status: r.status, during });
        // A run stopped by a killed connection is reported, not fatal: what matters is that the
        // next runs repair everything. Without kills every run must succeed.
        if (killConnections && r.status === 1) failed.push(`${mode}: ${r.stderr.trim().split('\n')[0]}`);
        else expectOk(r, `${label}: ${mode} run ${i} while writing`);
      }
      const tally = await writers;
      lastRuns = true;
      killsDone = true;
      const kills = await killing;
      if (killConnections) {
        console.log(`    ${label}: ${kills.length} MySQL connections killed, running: ${kills.join(' | ')}`);
        console.log(`    ${label}: ${failed.length} runs failed: ${failed.join(' | ')}`);
      }
      console.log(`    ${label}: writers done after ${((Date.now() - started) / 1000).toFixed(1)} s, ${i} runs overlapped them; transactions ${JSON.stringify(tally)}`);

      // Writers stopped: one last run of each mode, each checked on its own.
      const check = async (mode: Mode, target: MysqlFixture) => {
        const t = Date.now();
        const r = await runMode(mode, rand);
        runs.push({ mode, ms: Date.now() - t, status: r.status, during: false });
        expectOk(r, `${label}: last ${mode} run`);
        return target;
      };
      const targets: [Mode, MysqlFixture][] = [
        ['resume', await check('resume', my.full)],
        ['versions', await check('versions', my.versions)],
        ['since', await check('since', my.since)],
      ];
      // The resume check first, before a full run could repair what it missed; then the full run.
      await verify(label, targets[0]![0], targets[0]![1]);
      expectOk(await runMode('full'), `${label}: last full run`);
      await verify(label, 'full', my.full);
      await verify(label, 'versions', my.versions);
      await verify(label, 'since', my.since);
      if (killConnections) expect(kills.length, 'MySQL connections killed').to.be.at.least(1);
    } finally {
      killsDone = true;
      await killing.catch(() => []);
      if (!lastRuns) await writers.catch(() => undefined);
      for (const db of dbs) await db.detachAsync().catch(() => undefined);
      console.log(`    ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s; runs ${runs.map((r) => `${r.mode}${r.during ? '*' : ''} ${(r.ms / 1000).toFixed(1)}s`).join(', ')} (* while writing)`);
      runs.length = 0;
    }
  }

  /** The independent check: every source row, value by value; the since target may keep deleted rows only. */
  async function verify(label: string, mode: Mode, target: MysqlFixture): Promise<void> {
    const r = await verifyTable({ from: fb.uri, to: target.uri, table: 'TB_ESTOQUE', maxDifferences: mode === 'since' ? 1_000_000 : 20 });
    const where = `${label}, mode ${mode}, seed ${SEED}:\n${formatVerify({ ...r, differences: r.differences.slice(0, 20) })}`;
    if (mode !== 'since') {
      expect(r.differingRows + r.missing + r.extra, where).to.equal(0);
      return;
    }
    expect(r.differingRows + r.missing, where).to.equal(0);
    const unexplained = r.differences.filter((d) => d.kind !== 'extra in MySQL' || !deleted.has(Number(d.key.replace(/^ID_ESTOQUE=/, ''))));
    expect(unexplained, `${where}\nextra rows that no writer deleted`).to.deep.equal([]);
    console.log(`    ${label}: since target equal on ${r.compared} rows, keeps ${r.extra} rows the writers deleted (it cannot see deletes)`);
  }

  it('after writers insert, update and delete during back-to-back runs, a last run of each mode leaves the target equal to the source', async () => {
    await soak('writers', SEED, false);
  });

  it('the same with fbsync’s MySQL connections killed at random during the runs', async () => {
    await soak('writers and kills', SEED + 1000, true);
  });
});
