import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
  /** null when no secret was given to the receiver. */
  validSignature: boolean | null;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Decides the answer; `attempt` counts the deliveries with this X-Docsort-Delivery, from 1. */
export type WebhookScript = (delivery: Omit<Delivery, "status">, attempt: number) => Answer | Promise<Answer>;

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  script(fn: WebhookScript): void;
  close(): Promise<void>;
}

/** How a receiver checks X-Docsort-Signature: HMAC-SHA256 of `${timestamp}.${body}`, compared in constant time. */
export function verifySignature(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = Buffer.from(
    `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`,
  );
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A loopback HTTP endpoint that records every POST and answers as scripted (200 by default). */
export async function startWebhookReceiver(secret?: string): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  let script: WebhookScript = () => ({ status: 200, body: "ok" });
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const body = Buffer.concat(parts).toString("utf8");
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
      };
      const validSignature =
        secret === undefined
          ? null
          : verifySignature(secret, header("x-docsort-timestamp"), body, header("x-docsort-signature"));
      const id = header("x-docsort-delivery");
      const attempt = deliveries.filter((d) => d.headers["x-docsort-delivery"] === id).length + 1;
      const delivery = { headers: req.headers, body, status: 0, validSignature };
      // recorded when it arrives (a receiver that is slow to answer has still received it)
      deliveries.push(delivery);
      void Promise.resolve(script({ headers: req.headers, body, validSignature }, attempt)).then((answer) => {
        delivery.status = answer.status;
        if (res.destroyed) return;
        res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
        res.end(answer.body ?? "");
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/docsort`,
    deliveries,
    script(fn) {
      script = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
