/**
 * The first SIGINT/SIGTERM stops reading: batches in flight commit, the checkpoint is kept and
 * the summary so far is printed. A second one exits at once; MySQL rolls back whatever
 * transaction was open, so even then no batch is half written.
 */
export function stopOnSignals(): { signal: AbortSignal; readonly received: NodeJS.Signals | undefined } {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    const code = sig === 'SIGINT' ? 130 : 143;
    if (received) {
      process.stderr.write(`fbsync: ${sig} again: exiting now\n`);
      process.exit(code);
    }
    received = sig;
    process.stderr.write(`fbsync: ${sig}: finishing the batches in flight, then stopping (send it again to exit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
  };
}
