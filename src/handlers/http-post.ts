import { withDeadline } from "../abort-deadline.js";
import type { HttpRequest, HttpResponse } from "./effects.js";

const MAX_BODY_CHARS = 64 * 1024;

/** One POST with a deadline; redirects are not followed (a webhook URL should be the final one). */
export function httpPost(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
  return withDeadline(request.timeoutMs, signal, async (deadline) => {
    const response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: deadline,
    });
    const body = (await response.text()).slice(0, MAX_BODY_CHARS);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { status: response.status, headers, body };
  });
}
