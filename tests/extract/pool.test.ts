import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExtractor, ExtractionError, type Extractor, extractFile } from "../../src/extract/index.js";
import { closeOcr } from "../../src/extract/ocr.js";
import { createPool } from "../../src/extract/pool.js";
import { cachedDeflateBombPdf } from "../support/pdf-builder.js";
import { corpusDir, hasCorpus, repoRoot, scratchDir, testConfig } from "./helpers.js";

const labeled = path.join(corpusDir, "labeled");
const scratch = await scratchDir();

afterAll(async () => {
  await closeOcr();
  await scratch.cleanup();
});

function comparable(result: Awaited<ReturnType<typeof extractFile>>) {
  const { durationMs: _ignored, ...rest } = result;
  return rest;
}

describe("extraction pool (processes started from the TypeScript sources via tsx)", {
  timeout: 30_000,
}, () => {
  let extractor: Extractor;
  beforeAll(() => {
    extractor = createExtractor(testConfig({ workers: 2 }));
  });
  afterAll(() => extractor.close());

  it("returns what the in-process function returns", async () => {
    const file = await scratch.write("note.txt", "Grüße aus Köln – a small note for the pool test.\n");
    const req = { path: file, name: "note.txt" };
    const [pooled, direct] = await Promise.all([extractor.extract(req), extractFile(req, testConfig())]);
    expect(comparable(pooled)).toEqual(comparable(direct));
    expect(pooled.text).toContain("Grüße aus Köln");
  });

  it.skipIf(!hasCorpus)("returns the same PDF text as the in-process function", async () => {
    const req = {
      path: path.join(labeled, "invoices/Rechnung_HR-2025-0417.pdf"),
      name: "Rechnung_HR-2025-0417.pdf",
    };
    const pooled = await extractor.extract(req);
    expect(comparable(pooled)).toEqual(comparable(await extractFile(req, testConfig())));
    expect(pooled.method).toBe("text-layer");
  });

  it("rejects with ExtractionError, not a raw error", async () => {
    const missing = path.join(scratch.dir, "gone.pdf");
    await expect(extractor.extract({ path: missing, name: "gone.pdf" })).rejects.toMatchObject({
      name: "ExtractionError",
      code: "unreadable",
    });
  });

  it.skipIf(!hasCorpus)(
    "terminates a slow OCR job at timeoutMs and keeps working afterwards",
    async () => {
      const slow = createExtractor(testConfig({ workers: 1 }));
      try {
        const scan = path.join(labeled, "contracts/tenancy_agreement_signed_scan.pdf");
        const started = performance.now();
        const error = await slow
          .extract({ path: scan, name: "scan.pdf", limits: { timeoutMs: 1500 } })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ExtractionError);
        expect((error as ExtractionError).code).toBe("timeout");
        // The scan needs ~5 s of OCR; the thread was stopped instead of being waited for.
        expect(performance.now() - started).toBeLessThan(4_000);
        const file = await scratch.write("after.txt", "still alive after a timeout");
        const after = await slow.extract({ path: file, name: "after.txt" });
        expect(after.text).toBe("still alive after a timeout");
      } finally {
        await slow.close();
      }
    },
    30_000,
  );

  it.skipIf(!hasCorpus)(
    "a process that runs out of heap becomes ExtractionError crashed, and the next document still works",
    async () => {
      // 32 MB lets the thread start (tsx, zod) but not hold pdf.js plus a 50-page contract. A cap so small
      // that the thread dies while starting would surface as a timeout instead (hence timeoutMs here).
      const starved = createPool(testConfig({ workers: 1, timeoutMs: 15_000 }), () => {}, { maxHeapMb: 32 });
      try {
        const pdf = path.join(labeled, "contracts/MSA_Quillon_Harbourline_2025.pdf");
        await expect(starved.run({ path: pdf, name: "MSA.pdf" })).rejects.toMatchObject({
          name: "ExtractionError",
          code: "crashed",
        });
      } finally {
        await starved.close();
      }
      const file = await scratch.write("after-crash.txt", "fine");
      expect((await extractor.extract({ path: file, name: "after-crash.txt" })).text).toBe("fine");
    },
    30_000,
  );

  it("a deflate bomb is stopped at the memory limit (RSS of the process, not a heap cap); the pool goes on", async () => {
    const bomb = await cachedDeflateBombPdf(800 * 1024 * 1024);
    // the limit counts this process too: leave the extraction process about 350 MB
    const limitMb = Math.round(process.memoryUsage.rss() / 1024 / 1024) + 350;
    const bounded = createPool(testConfig({ workers: 1, timeoutMs: 120_000 }), () => {}, {
      maxMemoryMb: limitMb,
    });
    try {
      const error = await bounded.run({ path: bomb, name: "bomb.pdf" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExtractionError);
      expect((error as ExtractionError).code).toBe("memory");
      expect((error as ExtractionError).message).toMatch(/over 90 % of extract\.maxMemoryMb/);
      const file = await scratch.write("after-bomb.txt", "still reading after the bomb");
      expect((await bounded.run({ path: file, name: "after-bomb.txt" })).text).toBe(
        "still reading after the bomb",
      );
    } finally {
      await bounded.close();
    }
  }, 180_000);

  it("rejects with code aborted when the caller's signal fires", async () => {
    const file = await scratch.write("abort.txt", "never read");
    const controller = new AbortController();
    controller.abort();
    await expect(
      extractor.extract({ path: file, name: "abort.txt" }, controller.signal),
    ).rejects.toMatchObject({
      code: "aborted",
    });
  });
});

const compiledIndex = path.join(repoRoot, "dist/extract/index.js");

describe.skipIf(!existsSync(compiledIndex))(
  "compiled build (dist/, after `npm run build`)",
  { timeout: 30_000 },
  () => {
    it("runs the compiled worker-process.js without tsx", async () => {
      const compiled: { createExtractor: typeof createExtractor } = await import(
        pathToFileURL(compiledIndex).href
      );
      const extractor = compiled.createExtractor(testConfig({ workers: 1 }));
      try {
        const file = await scratch.write("compiled.txt", "read by the compiled worker");
        const result = await extractor.extract({ path: file, name: "compiled.txt" });
        expect(result.text).toBe("read by the compiled worker");
      } finally {
        await extractor.close();
      }
    });
  },
);
