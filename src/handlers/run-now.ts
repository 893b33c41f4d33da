import type { App } from "../app.js";
import { registerInstance } from "../pipeline/instance-registry.js";
import type { HandlerRunRecord } from "../store/handler-runs-repo.js";

/**
 * What a CLI command does with the runs it just created: runs them in this process, right away. Each run is
 * claimed atomically, so a daemon running at the same time never runs it too; what fails waits for its retry.
 */
export async function runNow(
  app: App,
  documentIds: readonly number[],
  command: string,
  onFinished?: (run: HandlerRunRecord) => void,
): Promise<HandlerRunRecord[]> {
  const lease = registerInstance(app.store, command);
  const finished: HandlerRunRecord[] = [];
  const worker = await app.createOutboxWorker(lease.id, {
    documentIds,
    onFinished: (run) => {
      finished.push(run);
      onFinished?.(run);
    },
  });
  try {
    await worker.drain();
    return finished;
  } finally {
    await worker.stop();
    lease.release();
  }
}
