import type { Duplex, DuplexOptions } from 'node:stream';
import chain from 'stream-chain';
import asStream from 'stream-chain/asStream.js';
import gen from 'stream-chain/gen.js';
import { getFunctionList, isFunctionList } from 'stream-chain/defs.js';

/**
 * Buffers of the composed stages: one page or batch on each side. stream-chain's streams keep
 * Node's object-mode default of 16 on both sides of each of them, so pages (10,000 rows each)
 * and batches could pile up by the dozen between the source and the sink before backpressure
 * reached the source: on a 10M-row full load the peak RSS was 198 MB.
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
