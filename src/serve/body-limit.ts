import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/**
 * Hono's `bodyLimit`, made safe for requests that announce no length (no `Content-Length`: `curl -X POST` without
 * data, or `Transfer-Encoding: chunked`). For those, hono re-wraps `c.req.raw` with `new Request(c.req.raw, …)`,
 * which Node's undici refuses for @hono/node-server's lazy request object (a TypeError, answered as a 500). Here
 * such a body is read up to `maxSize` bytes and the request rebuilt from its URL, method and headers with the
 * bytes read and their `Content-Length`, so hono's check sees a length and everything after reads a plain body.
 * `onError` answers a body over `maxSize` bytes (RFC 9110 §15.5.14, 413).
 */
export function requestBodyLimit(options: {
  maxSize: number;
  onError: (c: Context) => Response | Promise<Response>;
}): MiddlewareHandler {
  const limit = bodyLimit(options);
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body || (raw.headers.has("content-length") && !raw.headers.has("transfer-encoding")))
      return limit(c, next);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = raw.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > options.maxSize) {
        await reader.cancel();
        return options.onError(c);
      }
      chunks.push(value);
    }
    const headers = new Headers(raw.headers);
    headers.delete("transfer-encoding");
    headers.set("content-length", String(size));
    c.req.raw = new Request(raw.url, {
      method: raw.method,
      headers,
      body: size === 0 ? null : Buffer.concat(chunks),
      signal: raw.signal,
    });
    return limit(c, next);
  };
}
