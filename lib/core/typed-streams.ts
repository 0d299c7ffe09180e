import type { Duplex, Readable, Writable } from 'node:stream';

/*
 * Streams that say what flows through them. Node's streams carry `any`; these types mark what a
 * source gives, a chain of stages takes and gives, and a sink takes, so that `runStreams`
 * and `stages()` refuse at compile time a stage in the wrong place. They are the same streams
 * at run time, and go into `stream.pipeline()` as they are.
 */
export declare const flows: unique symbol;

/** A Readable of objects of type T. */
export type TypedReadable<T> = Readable & { readonly [flows]?: { out: T } };
/** A Writable taking objects of type T. */
export type TypedWritable<T> = Writable & { readonly [flows]?: { in: T } };
/** Stages composed into one Duplex, taking In and giving Out. */
export type StageChain<In, Out> = Duplex & { readonly [flows]?: { in: In; out: Out } };
