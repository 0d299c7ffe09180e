import type { Duplex } from 'node:stream';
import chain from 'stream-chain';

/**
 * stream-chain's `chain()` for fbsync's stages, typed as the plain Duplex that
 * `stream.pipeline()` accepts (chain's own row-typed result does not type-check there).
 */
export function composeStages(stages: readonly unknown[]): Duplex {
  return chain(stages as never) as unknown as Duplex;
}
