import type { Db } from "./database.js";

export interface InstanceRecord {
  id: string;
  pid: number;
  command: string;
  startedAt: string;
  heartbeatAt: string;
}

interface InstanceRow {
  id: string;
  pid: number;
  command: string;
  started_at: string;
  heartbeat_at: string;
}

/** Running docsort processes that may hold documents; a claim by an instance that is gone is released. */
export class InstancesRepo {
  constructor(private readonly db: Db) {}

  register(instance: InstanceRecord): void {
    this.db
      .prepare("INSERT INTO instances (id, pid, command, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)")
      .run(instance.id, instance.pid, instance.command, instance.startedAt, instance.heartbeatAt);
  }

  heartbeat(id: string, now: string): void {
    this.db.prepare("UPDATE instances SET heartbeat_at = ? WHERE id = ?").run(now, id);
  }

  remove(id: string): void {
    this.db.prepare("DELETE FROM instances WHERE id = ?").run(id);
  }

  all(): InstanceRecord[] {
    return this.db
      .prepare<[], InstanceRow>("SELECT * FROM instances ORDER BY started_at")
      .all()
      .map((row) => ({
        id: row.id,
        pid: row.pid,
        command: row.command,
        startedAt: row.started_at,
        heartbeatAt: row.heartbeat_at,
      }));
  }
}
