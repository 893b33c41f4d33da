import type { HttpRequest, HttpResponse } from "./effects.js";

const MAX_BODY_CHARS = 64 * 1024;

/** One POST with a deadline; redirects are not followed (a webhook URL should be the final one). */
export async function httpPost(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
  const response = await fetch(request.url, {
    method: "POST",
    headers: request.headers,
    body: request.body,
    redirect: "manual",
    signal: AbortSignal.any([signal, AbortSignal.timeout(request.timeoutMs)]),
  });
  const body = (await response.text()).slice(0, MAX_BODY_CHARS);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { status: response.status, headers, body };
}
