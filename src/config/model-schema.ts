import { z } from "zod";
import { hasCredentials } from "./url-credentials.js";

/** An Ollama base URL: http(s), no user name or password (they would be logged and shown in clear). */
const ollamaUrl = z
  .url({ protocol: /^https?$/, error: "an http:// or https:// URL" })
  .refine((value) => !hasCredentials(value), {
    message: "no user name or password in the URL (they would be logged and shown in clear)",
  });

const modelHostSchema = z.strictObject({
  url: ollamaUrl.describe("Ollama base URL of this host."),
  parallel: z
    .int()
    .positive()
    .default(1)
    .describe("Concurrent model requests to this host (match its OLLAMA_NUM_PARALLEL)."),
});
export type ModelHost = z.infer<typeof modelHostSchema>;

const modelHostsSchema = z
  .array(modelHostSchema)
  .min(1, "at least one host")
  .superRefine((hosts, ctx) => {
    const seen = new Set<string>();
    for (const [index, host] of hosts.entries()) {
      const url = withoutSlash(host.url);
      if (seen.has(url))
        ctx.addIssue({ code: "custom", path: [index, "url"], message: `duplicate host ${url}` });
      seen.add(url);
    }
  })
  .optional()
  .describe(
    "Several Ollama servers, each with its own `parallel`: every model request goes to the least-loaded healthy one. When given, `model.host` and `model.parallel` are not used (default: the one host `model.host`).",
  );

const modelFieldsSchema = z.strictObject({
  host: ollamaUrl.default("http://127.0.0.1:11434").describe("Ollama base URL (env OLLAMA_HOST)."),
  hosts: modelHostsSchema,
  name: z.string().min(1).default("llama3.2").describe("Ollama model (env DOCSORT_MODEL)."),
  numCtx: z.int().min(512).default(8192).describe("Context window sent with every request (num_ctx)."),
  numPredict: z.int().min(64).default(512).describe("Output tokens reserved for the answer (num_predict)."),
  temperature: z.number().min(0).max(2).default(0).describe("Sampling temperature; 0 is deterministic."),
  keepAlive: z
    .union([z.string(), z.number()])
    .default("10m")
    .describe("How long Ollama keeps the model loaded after a request (keep_alive)."),
  timeoutMs: z
    .int()
    .positive()
    .default(120_000)
    .describe("Per request; the HTTP request is cancelled on time."),
  maxRetries: z
    .int()
    .min(0)
    .default(3)
    .describe(
      "Immediate retries of a failed request (5xx, timeout, broken stream); then the document waits for a later try (reliability.*).",
    ),
  parallel: z.int().positive().default(1).describe("Concurrent model requests (match OLLAMA_NUM_PARALLEL)."),
  fallback: z
    .enum(["auto", "builtin", "wait"])
    .default("auto")
    .describe(
      "When the model server or model is unavailable: `builtin` classifies with the built-in classifier, `wait` keeps documents queued until the model is back, `auto` is `builtin` until this installation has reached an Ollama server once, then `wait`.",
    ),
  charsPerToken: z
    .number()
    .positive()
    .default(3)
    .describe(
      "Letters per token inside a word in the prompt-size estimate (digits, punctuation, codes and CJK are counted more dearly; see Token estimation).",
    ),
  safetyMargin: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.1)
    .describe("Share of num_ctx kept free as a safety margin."),
});
export const modelSchema = modelFieldsSchema.transform(resolveHosts);
export type ModelConfig = z.infer<typeof modelSchema>;

const withoutSlash = (url: string) => url.replace(/\/+$/, "");

/**
 * Every consumer sees the hosts as one list: `hosts` as given, or the one host `host` with `parallel`. `host` is
 * then the first host and `parallel` the sum of the hosts' (how many model requests are in flight at most).
 */
function resolveHosts<M extends { host: string; parallel: number; hosts?: ModelHost[] | undefined }>(
  model: M,
): M & { hosts: [ModelHost, ...ModelHost[]] } {
  const [first, ...rest] = (model.hosts ?? []).map((h) => ({ ...h, url: withoutSlash(h.url) }));
  if (!first) return { ...model, hosts: [{ url: model.host, parallel: model.parallel }] };
  const hosts: [ModelHost, ...ModelHost[]] = [first, ...rest];
  return { ...model, hosts, host: first.url, parallel: hosts.reduce((n, h) => n + h.parallel, 0) };
}
