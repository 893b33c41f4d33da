/**
 * Entry of each extraction process (forked by pool.ts): reads one document per message with the same code a
 * thread ran, and answers with plain data. It ends with its parent: when docsort is gone, the IPC channel closes.
 */
import run, { type WorkerTask } from "./worker.js";

interface Request {
  id: number;
  task: WorkerTask;
}

process.on("message", (message: Request) => {
  void run(message.task).then((reply) => process.send?.({ id: message.id, reply }));
});
process.on("disconnect", () => process.exit(0));

// the parsers (pdf.js, OCR, office formats) load while the process waits for its first document
void import("./registry.js");
