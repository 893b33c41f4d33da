import type { HandlerKind } from "./handler-kind.js";
import { commandKind } from "./kinds/command.js";
import { copyKind } from "./kinds/copy.js";
import { invoiceKind } from "./kinds/invoice.js";
import { moveKind } from "./kinds/move.js";
import { webhookKind } from "./kinds/webhook.js";

/** Every handler kind, in one place. A new kind is one file in kinds/ plus one line here. */
const KINDS: readonly HandlerKind[] = [invoiceKind, moveKind, copyKind, webhookKind, commandKind];

export class HandlerRegistry {
  private readonly kinds = new Map<string, HandlerKind>();

  constructor(kinds: readonly HandlerKind[]) {
    for (const kind of kinds) {
      if (this.kinds.has(kind.name)) throw new Error(`handler kind "${kind.name}" is registered twice`);
      this.kinds.set(kind.name, kind);
    }
  }

  get(name: string): HandlerKind | undefined {
    return this.kinds.get(name);
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }

  all(): HandlerKind[] {
    return [...this.kinds.values()];
  }
}

export function createHandlerRegistry(): HandlerRegistry {
  return new HandlerRegistry(KINDS);
}
