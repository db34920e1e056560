/**
 * An in-process stand-in for communication-service's sockets (tests only): the same frames,
 * the same first-frame auth, close codes and ?after= replay, over a real `ws` server on a free
 * port. Knobs let a test refuse connections, drop them, or misbehave (replay one message too
 * many) to prove the client copes.
 */
import type { AddressInfo } from "node:net";

import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket } from "ws";

import type { SocketEnvironment, SocketLike } from "./socket";

export type StoredMessage = {
  id: string;
  ticket_id: string;
  seq: number;
  sender_id: string;
  sender_name: string;
  body: string;
  attachments: string[];
  client_msg_id: string | null;
  created_at: string;
  edited_at: null;
  deleted_at: null;
};

type Client = { ws: WebSocket; user: { id: string; name: string } | null; path: string; after: number | null };

export type FakeServerOptions = {
  /** token -> user; any other token is closed with 4401. */
  users: Record<string, { id: string; name: string }>;
};

export class FakeChatServer {
  readonly messages: StoredMessage[] = [];
  /** Every connection's path and query, in order. */
  readonly connections: string[] = [];
  /** Every client frame received (auth included), with the token's user. */
  readonly received: Array<{ userId: string | null; frame: Record<string, unknown> }> = [];
  /** Close every new connection with this code right after its auth frame (null: serve it). */
  refuseWith: number | null = null;
  /** Users closed with 4403 on the chat socket. */
  readonly forbidden = new Set<string>();
  /** Replay this many already-seen messages too (a duplicate the client must drop). */
  overlap = 0;
  /** Unread count sent on the notifications socket. */
  unread = 0;
  private server!: WebSocketServer;
  private clients = new Set<Client>();
  port = 0;

  constructor(private readonly options: FakeServerOptions) {}

  async start(): Promise<void> {
    this.server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => this.server.once("listening", () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    this.server.on("connection", (ws, request) => this.accept(ws, request.url ?? "/"));
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What a client needs to reach this server, with its own token and refresh. */
  env(token: () => string | null, refresh: () => Promise<string | null> = async () => null): Partial<SocketEnvironment> {
    return {
      createSocket: (url) => new NodeWebSocket(url) as unknown as SocketLike,
      origin: () => `ws://127.0.0.1:${this.port}`,
      getToken: token,
      refreshToken: refresh,
      windowTarget: null,
      documentTarget: null,
      isOnline: () => true,
      random: () => 0.5,
    };
  }

  /** Someone else posts (stored, then broadcast), as HTTP POST would. */
  post(sender: { id: string; name: string }, body: string, clientMsgId: string | null = null): StoredMessage {
    const message = this.store(sender, body, clientMsgId);
    this.broadcastMessage(message);
    return message;
  }

  private store(sender: { id: string; name: string }, body: string, clientMsgId: string | null): StoredMessage {
    const message: StoredMessage = {
      id: `00000000-0000-4000-8000-${String(this.messages.length + 1).padStart(12, "0")}`,
      ticket_id: "t1",
      seq: this.messages.length + 1,
      sender_id: sender.id,
      sender_name: sender.name,
      body,
      attachments: [],
      client_msg_id: clientMsgId,
      created_at: new Date().toISOString(),
      edited_at: null,
      deleted_at: null,
    };
    this.messages.push(message);
    return message;
  }

  private broadcastMessage(message: StoredMessage): void {
    this.broadcast({ type: "message", ...message }, null, (c) => c.path.startsWith("/ws/chat/"));
  }

  /** Closes every open socket from the server side. */
  dropAll(code = 1012): void {
    for (const client of this.clients) client.ws.close(code, "Server restart");
  }

  pushNotification(notification: Record<string, unknown>): void {
    this.broadcast({ type: "notification", notification }, null, (c) => c.path.startsWith("/ws/notifications/"));
  }

  openCount(): number {
    return Array.from(this.clients).filter((c) => c.user && c.ws.readyState === NodeWebSocket.OPEN).length;
  }

  messageFrames(): Array<Record<string, unknown>> {
    return this.received.filter((r) => r.frame.type === "message").map((r) => r.frame);
  }

  private accept(ws: WebSocket, url: string): void {
    const parsed = new URL(url, "http://x");
    const afterRaw = parsed.searchParams.get("after");
    const client: Client = { ws, user: null, path: parsed.pathname, after: afterRaw === null ? null : Number(afterRaw) };
    this.connections.push(parsed.pathname + parsed.search);
    this.clients.add(client);
    ws.on("close", () => this.clients.delete(client));
    ws.on("message", (data) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        return;
      }
      this.received.push({ userId: client.user?.id ?? null, frame });
      if (!client.user) {
        const user = frame.type === "auth" && typeof frame.token === "string" ? this.options.users[frame.token] : undefined;
        if (!user) {
          ws.close(4401, "Invalid token");
          return;
        }
        client.user = user;
        this.welcome(client);
        return;
      }
      this.onFrame(client, frame);
    });
  }

  private welcome(client: Client): void {
    if (this.refuseWith !== null) {
      client.ws.close(this.refuseWith, "Refused");
      return;
    }
    if (client.path.startsWith("/ws/notifications/")) {
      this.send(client, { type: "unread_count", count: this.unread });
      return;
    }
    if (this.forbidden.has(client.user!.id)) {
      client.ws.close(4403, "Not a participant");
      return;
    }
    const start = client.after ?? this.messages.length;
    for (const message of this.messages.filter((m) => m.seq > start - this.overlap)) this.send(client, { type: "message", ...message });
    this.send(client, { type: "ready", ticket_id: "t1", last_seq: this.messages.length });
  }

  private onFrame(client: Client, frame: Record<string, unknown>): void {
    const user = client.user!;
    if (frame.type === "ping") {
      this.send(client, { type: "pong" });
    } else if (frame.type === "typing") {
      this.broadcast({ type: "typing", ticket_id: "t1", user_id: user.id, name: user.name }, client);
    } else if (frame.type === "read") {
      this.broadcast({ type: "read", ticket_id: "t1", user_id: user.id, message_id: frame.message_id }, client);
    } else if (frame.type === "message") {
      const clientMsgId = typeof frame.client_msg_id === "string" ? frame.client_msg_id : null;
      const existing = clientMsgId ? this.messages.find((m) => m.sender_id === user.id && m.client_msg_id === clientMsgId) : undefined;
      if (existing) {
        // A resend: acked again, not stored or broadcast twice.
        this.send(client, { type: "ack", client_msg_id: clientMsgId, id: existing.id, seq: existing.seq });
        return;
      }
      if (typeof frame.body !== "string" || !frame.body.trim()) {
        this.send(client, { type: "error", code: "invalid", detail: "The message is invalid.", client_msg_id: clientMsgId });
        return;
      }
      // As the server does: stored, acked to the sender, then published to everyone.
      const posted = this.store(user, frame.body, clientMsgId);
      this.send(client, { type: "ack", client_msg_id: clientMsgId, id: posted.id, seq: posted.seq });
      this.broadcastMessage(posted);
    }
  }

  private send(client: Client, frame: object): void {
    if (client.ws.readyState === NodeWebSocket.OPEN) client.ws.send(JSON.stringify(frame));
  }

  private broadcast(frame: object, except: Client | null, filter: (c: Client) => boolean = () => true): void {
    for (const client of this.clients) {
      if (client !== except && client.user && filter(client) && (!except || client.path === except.path)) this.send(client, frame);
    }
  }
}

/** Resolves once `check` holds (polled every few ms), or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 3000, what = "condition"): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
