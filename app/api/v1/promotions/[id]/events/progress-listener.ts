import "server-only";
import pg from "pg";
import { log } from "@/lib/log";

/** The channel the promotion engine notifies, with the promotion id as payload, after every progress write. */
export const progressChannel = "gantry_promotion_progress";

export interface ProgressSubscription {
  /** Called for each notification about the promotion (bursts are the caller's to coalesce). */
  onNotify: () => void;
  /** The LISTEN connection broke: the stream should end so the browser reconnects. */
  onLost: () => void;
}

/**
 * One dedicated Postgres connection per web process LISTENs on the progress channel and fans
 * notifications out to the open event streams by promotion id. It opens with the first
 * stream and is released when the last one closes, so an idle console holds no connection.
 * (A pooled Prisma connection cannot LISTEN: the pool hands it to other queries.)
 */
class ProgressListener {
  private readonly subscribers = new Map<string, Set<ProgressSubscription>>();
  private connection: Promise<pg.Client> | null = null;

  /** Resolves once LISTEN is in place; the returned function unsubscribes. */
  async subscribe(promotionId: string, subscription: ProgressSubscription): Promise<() => void> {
    let set = this.subscribers.get(promotionId);
    if (!set) this.subscribers.set(promotionId, (set = new Set()));
    set.add(subscription);
    const unsubscribe = () => this.unsubscribe(promotionId, subscription);
    const connection = (this.connection ??= this.connect());
    try {
      await connection;
    } catch (error) {
      if (this.connection === connection) this.connection = null;
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  private unsubscribe(promotionId: string, subscription: ProgressSubscription): void {
    const set = this.subscribers.get(promotionId);
    if (!set?.delete(subscription)) return;
    if (set.size === 0) this.subscribers.delete(promotionId);
    if (this.subscribers.size === 0) this.release();
  }

  private async connect(): Promise<pg.Client> {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set");
    const client = new pg.Client({ connectionString, application_name: "gantry-progress-listener" });
    client.on("notification", (message) => {
      if (message.channel !== progressChannel || !message.payload) return;
      for (const subscription of this.subscribers.get(message.payload) ?? []) subscription.onNotify();
    });
    client.on("error", (error) => this.lose(client, error));
    client.on("end", () => this.lose(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${progressChannel}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return client;
  }

  /** Ends the connection; a stream opening later starts a new one. */
  private release(): void {
    const connection = this.connection;
    this.connection = null;
    connection?.then((client) => client.end()).catch(() => {});
  }

  /** The connection dropped (database restart, network): every stream is told, and a new one starts on demand. */
  private lose(client: pg.Client, error: Error | null): void {
    const current = this.connection;
    if (!current) return;
    void current.then(
      (active) => {
        if (active !== client || this.connection !== current) return;
        if (error) log.warn({ err: { message: error.message } }, "promotion progress listener lost its connection");
        this.connection = null;
        const lost = [...this.subscribers.values()].flatMap((set) => [...set]);
        this.subscribers.clear();
        for (const subscription of lost) subscription.onLost();
        client.end().catch(() => {});
      },
      () => {},
    );
  }
}

const globalForListener = globalThis as unknown as { gantryProgressListener?: ProgressListener };

/** The process-wide listener (kept on globalThis so a dev-server reload does not open a second). */
export function progressListener(): ProgressListener {
  globalForListener.gantryProgressListener ??= new ProgressListener();
  return globalForListener.gantryProgressListener;
}
