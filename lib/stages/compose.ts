import type { Duplex, DuplexOptions } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import chain from 'stream-chain';
import asStream from 'stream-chain/asStream.js';
import gen from 'stream-chain/gen.js';
import { getFunctionList, isFunctionList, type Many, type none } from 'stream-chain/defs.js';
import type { StageChain, TypedReadable, TypedWritable } from '../core/typed-streams.js';

/**
 * Buffers of the composed stages: one page or batch on each side. stream-chain's streams keep
 * Node's object-mode default of 16 on both sides of each of them, so pages (10,000 rows each)
 * and batches could pile up by the dozen between the source and the sink before backpressure
 * reached the source, each of them memory held
 * (docs/performance.md#measurements-behind-the-design).
 */
const ONE_AT_A_TIME: DuplexOptions = { writableHighWaterMark: 1, readableHighWaterMark: 1 };

/**
 * stream-chain's `chain()` for fbsync's stages — consecutive functions fused into one stream,
 * as chain does — with the buffers between them bounded, typed as the plain Duplex that
 * `stream.pipeline()` accepts (chain's own row-typed result does not type-check there).
 */
export function composeStages(stages: readonly unknown[]): Duplex {
  const items: unknown[] = [];
  let functions: unknown[] = [];
  const fuse = () => {
    if (functions.length > 0) items.push(asStream((functions.length === 1 ? functions[0] : gen(...(functions as never[]))) as never, ONE_AT_A_TIME));
    functions = [];
  };
  for (const stage of stages.flat(Infinity)) {
    if (typeof stage === 'function') functions.push(...(isFunctionList(stage as never) ? [getFunctionList(stage as never)].flat(Infinity) : [stage]));
    else {
      fuse();
      items.push(stage);
    }
  }
  fuse();
  return chain(items as never, ONE_AT_A_TIME) as unknown as Duplex;
}

/** A function stage: sync or async, or an async generator function giving any number of outputs. */
export type Stage = (input: never) => unknown;
/** What a stage takes. */
export type StageInput<F> = F extends (input: infer I) => unknown ? I : never;
/** What a stage gives: its results, unwrapped from promises, generators and stream-chain's many(). */
export type StageOutput<F> = F extends (input: never) => infer R ? Flat<Awaited<R>> : never;
type Flat<R> = R extends AsyncGenerator<infer O, unknown, unknown> ? O : R extends Many<infer O> ? O : Exclude<R, typeof none>;
/** A stage that takes what F gives. */
type After<F> = (input: StageOutput<F>) => unknown;

/** composeStages with the types of its stages checked against each other. */
export function chainStages<F1 extends Stage>(s1: F1): StageChain<StageInput<F1>, StageOutput<F1>>;
export function chainStages<F1 extends Stage, F2 extends After<F1>>(s1: F1, s2: F2): StageChain<StageInput<F1>, StageOutput<F2>>;
export function chainStages<F1 extends Stage, F2 extends After<F1>, F3 extends After<F2>>(s1: F1, s2: F2, s3: F3): StageChain<StageInput<F1>, StageOutput<F3>>;
export function chainStages<F1 extends Stage, F2 extends After<F1>, F3 extends After<F2>, F4 extends After<F3>>(
  s1: F1,
  s2: F2,
  s3: F3,
  s4: F4,
): StageChain<StageInput<F1>, StageOutput<F4>>;
export function chainStages<F1 extends Stage, F2 extends After<F1>, F3 extends After<F2>, F4 extends After<F3>, F5 extends After<F4>>(
  s1: F1,
  s2: F2,
  s3: F3,
  s4: F4,
  s5: F5,
): StageChain<StageInput<F1>, StageOutput<F5>>;
export function chainStages(...stages: Stage[]): StageChain<unknown, unknown> {
  return composeStages(stages);
}

/** stream.pipeline for a source, a chain and a sink whose types fit. */
export async function runStreams<A, B>(source: TypedReadable<A>, stages: StageChain<A, B>, sink: TypedWritable<B>): Promise<void> {
  await pipeline(source, stages, sink);
}
