/**
 * Runs `work` for every item, at most one per lane at a time, each lane taking the next item
 * when it is done. Once `stopped()` says so, no new item starts; those running finish. After a
 * throw (which `work` should not do: a table's failure is its report), no new item starts either
 * and the first is thrown. Results keep the items' order; an item never started has none.
 */
export async function inLanes<T, R, L>(items: readonly T[], lanes: readonly L[], work: (item: T, lane: L) => Promise<R>, stopped: () => boolean): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  let failure: { err: unknown } | undefined;
  await Promise.all(
    lanes.map(async (lane) => {
      while (!failure && !stopped() && next < items.length) {
        const i = next++;
        try {
          results[i] = await work(items[i]!, lane);
        } catch (err) {
          failure ??= { err };
        }
      }
    }),
  );
  if (failure) throw failure.err;
  return results;
}
