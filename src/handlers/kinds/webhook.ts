import { createHmac } from "node:crypto";
import { z } from "zod";
import { hasCredentials } from "../../config/url-credentials.js";
import { errorMessage } from "../../errors.js";
import { redactSecrets } from "../../log/redact.js";
import type { HttpResponse } from "../effects.js";
import { eventPayload } from "../handler-event.js";
import { defineHandlerKind, HandlerFailure } from "../handler-kind.js";

const configSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: "an http:// or https:// URL" })
      .refine((value) => !hasCredentials(value), {
        message:
          'no user name or password in the URL (they would be stored and shown in clear): put them in "headers", e.g. {"authorization": "Basic …"}',
      })
      .describe("Where the JSON is POSTed."),
    secret: z
      .string()
      .min(16, "at least 16 characters")
      .optional()
      .describe("HMAC-SHA256 key: adds X-Docsort-Signature: sha256=<hex of timestamp.body>."),
    secretEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name")
      .optional()
      .describe("Read the secret from this environment variable instead of storing it."),
    timeoutMs: z.int().positive().default(10_000).describe("Per attempt."),
    excerptChars: z.int().min(0).max(20_000).default(1000).describe("Characters of text sent as `excerpt`."),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, "a header name"), z.string())
      .default({})
      .describe("Extra headers, e.g. an Authorization header of the receiver."),
  })
  .refine((config) => !(config.secret && config.secretEnv), {
    message: "give secret or secretEnv, not both",
    path: ["secretEnv"],
  });

const RETRYABLE = new Set([408, 429]);

export const webhookKind = defineHandlerKind({
  name: "webhook",
  description: "POST the event as JSON to a URL, signed with HMAC-SHA256 when a secret is set",
  configSchema,
  exampleConfig: {
    url: "https://accounting.example.com/hooks/docsort",
    secretEnv: "DOCSORT_WEBHOOK_SECRET",
    timeoutMs: 10000,
    excerptChars: 1000,
  },
  async run({ config, event, effects, signal }) {
    const body = JSON.stringify(eventPayload(event, config.excerptChars));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const secret = config.secret ?? (config.secretEnv ? process.env[config.secretEnv] : undefined);
    if (config.secretEnv && !secret) {
      throw new HandlerFailure(
        `the environment variable ${config.secretEnv} (the webhook secret) is not set`,
        {
          retry: true,
        },
      );
    }
    const headers: Record<string, string> = {
      ...config.headers,
      "content-type": "application/json",
      "user-agent": "docsort",
      "x-docsort-event": event.event,
      "x-docsort-delivery": event.deliveryId,
      "x-docsort-attempt": String(event.attempt),
      "x-docsort-redelivery": String(event.redelivery),
      "x-docsort-timestamp": timestamp,
      ...(secret ? { "x-docsort-signature": `sha256=${sign(secret, timestamp, body)}` } : {}),
    };
    let response: HttpResponse;
    try {
      response = await effects.httpPost(
        { url: config.url, headers, body, timeoutMs: config.timeoutMs },
        signal,
      );
    } catch (error) {
      throw new HandlerFailure(
        `POST ${redactSecrets(config.url)} failed: ${redactSecrets(networkReason(error, config.timeoutMs))}`,
        {
          retry: true,
          cause: error,
        },
      );
    }
    const summary = `POST ${redactSecrets(config.url)} → ${response.status}`;
    if (response.status >= 200 && response.status < 300) return { summary, output: response.body };
    const retry = RETRYABLE.has(response.status) || response.status >= 500;
    throw new HandlerFailure(`${summary}${retry ? "" : " (not retried: the receiver refused the request)"}`, {
      retry,
      retryAfterMs: retry ? retryAfterMs(response.headers["retry-after"]) : undefined,
      output: response.body,
    });
  },
});

/** What a receiver recomputes: hex HMAC-SHA256 of `${timestamp}.${body}` with the shared secret. */
export function sign(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** Retry-After is seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && "code" in cause ? String(cause.code) : undefined;
  return code ? `${errorMessage(error)} (${code})` : errorMessage(error);
}
