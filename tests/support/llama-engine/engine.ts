/**
 * The llama.cpp runtime of the real-engine tests (node-llama-cpp): CPU only, from the prebuilt binaries inside the
 * package; it never builds from source and never downloads.
 */
import { getLlama, type Llama, LlamaLogLevel } from "node-llama-cpp";

let llama: Promise<Llama> | undefined;

export function loadLlama(): Promise<Llama> {
  llama ??= getLlama({
    gpu: false,
    build: "never",
    skipDownload: true,
    progressLogs: false,
    // llama.cpp warns about the vocab's unusual control tokens on every load; errors still show.
    logLevel: LlamaLogLevel.error,
  });
  return llama;
}
