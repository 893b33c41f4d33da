import { EventEmitter } from "node:events";

/** A stand-in for process.stdout/stderr: records every write; `isTTY` and `columns` as a test sets them. */
export class FakeStream extends EventEmitter {
  readonly writes: string[] = [];
  constructor(
    public isTTY: boolean,
    public columns?: number,
  ) {
    super();
  }
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
  get text(): string {
    return this.writes.join("");
  }
  resize(columns: number): void {
    this.columns = columns;
    this.emit("resize");
  }
}
