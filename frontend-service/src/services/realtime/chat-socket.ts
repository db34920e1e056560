/**
 * The chat of one ticket over /ws/chat/{ticket_id}/, outside React.
 *
 * - Resume: keeps `lastSeq`, the number of the last message it passed on, and every connection
 *   asks for `?after=lastSeq`: the server replays what was missed, in order. A message at or
 *   below lastSeq is a duplicate and dropped; one that jumps ahead means a gap, and the socket
 *   reconnects from lastSeq instead of passing it on. So `message` events come with no gap and
 *   no duplicate.
 * - Outbox: each message gets a client_msg_id and waits in the outbox (a pending row) until the
 *   socket is live; when it is (`ready`), everything pending goes out once. The server's copy
 *   with the same client_msg_id takes the pending row's place; a resend after a lost ack is
 *   stored once by the server. A refused or unconfirmed send becomes `failed` (Retry).
 * - Typing: sent at most every few seconds; others' typing clears itself after ~5 s.
 * - Read marks: `{type: read, message_id}` for the newest message seen; others' are passed on.
 */
import { dispatchFrame, type ChatMessageFrame, type ChatServerFrames, type FrameHandlers } from "./events";
import { Emitter, ReconnectingSocket, type BackoffOptions, type SocketEnvironment, type SocketStatus, type StopReason } from "./socket";

export type OutboxStatus = "pending" | "sending" | "sent" | "failed";

export type OutboxItem = {
  client_msg_id: string;
  body: string;
  attachments: string[];
  created_at: string;
  status: OutboxStatus;
  /** Why it failed, for the row. */
  error?: string;
  /** The stored message's number, once acked. */
  seq?: number;
};

export type TypingUser = { user_id: string; name: string };

export type ReadMark = { user_id: string; message_id: string };

export type ChatSocketEvents = {
  /** A new message, in seq order, never twice. */
  message: ChatMessageFrame;
  outbox: OutboxItem[];
  typing: TypingUser[];
  read: ReadMark;
  status: SocketStatus;
  /** A connection after the first went live (everything missed was replayed before it). */
  resumed: { connection: number };
  stopped: StopReason;
};

export type ChatSocketOptions = {
  /** The last seq already known (from the history); null: start at the server's latest. */
  afterSeq: number | null;
  env?: Partial<SocketEnvironment>;
  backoff?: BackoffOptions;
  /** How long another user's typing shows without a new typing frame. */
  typingTtlMs?: number;
  /** At most one typing frame this often. */
  typingThrottleMs?: number;
  /** A send not acked this long is marked failed (Retry). */
  ackTimeoutMs?: number;
  newId?: () => string;
};

/** A random id for client_msg_id (crypto.randomUUID where the page is a secure context). */
export function newClientMessageId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class ChatSocket {
  readonly events = new Emitter<ChatSocketEvents>();
  private readonly socket: ReconnectingSocket;
  private readonly handlers: FrameHandlers<ChatServerFrames>;
  private _lastSeq: number | null;
  private outbox: OutboxItem[] = [];
  private readonly ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private typers = new Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>();
  private lastTypingSent = 0;
  private readSent: { seq: number; id: string } | null = null;
  private readWanted: { seq: number; id: string } | null = null;
  private ready = false;
  private readonly typingTtlMs: number;
  private readonly typingThrottleMs: number;
  private readonly ackTimeoutMs: number;
  private readonly newId: () => string;

  constructor(
    readonly ticketId: string,
    options: ChatSocketOptions,
  ) {
    this._lastSeq = options.afterSeq;
    this.typingTtlMs = options.typingTtlMs ?? 5000;
    this.typingThrottleMs = options.typingThrottleMs ?? 3000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 15_000;
    this.newId = options.newId ?? newClientMessageId;
    this.handlers = {
      message: (frame) => this.onMessage(frame),
      ready: () => this.onReady(),
      ack: (frame) => this.onAck(frame),
      typing: (frame) => this.onTyping(frame),
      read: (frame) => this.events.emit("read", { user_id: frame.user_id, message_id: frame.message_id }),
      error: (frame) => this.onError(frame),
      pong: () => undefined,
    };
    this.socket = new ReconnectingSocket({
      path: () => this.path(),
      onText: (data) => {
        this.socket.markLive();
        dispatchFrame(data, this.handlers);
      },
      onDisconnect: () => this.onDisconnect(),
      onStatus: (status) => this.events.emit("status", this.visibleStatus(status)),
      onStop: (reason) => this.onStop(reason),
      env: options.env,
      backoff: options.backoff,
    });
  }

  get lastSeq(): number | null {
    return this._lastSeq;
  }

  get status(): SocketStatus {
    return this.visibleStatus(this.socket.status);
  }

  /** Open only once `ready` came (the replay is over); before that, still (re)connecting. */
  private visibleStatus(status: SocketStatus): SocketStatus {
    if (status !== "open" || this.ready) return status;
    return this.socket.liveConnections > 1 ? "reconnecting" : "connecting";
  }

  get stopReason(): StopReason | null {
    return this.socket.stopReason;
  }

  get pending(): OutboxItem[] {
    return this.outbox;
  }

  /** The path of the next connection: resume after the last message passed on. */
  path(): string {
    const base = `/ws/chat/${encodeURIComponent(this.ticketId)}/`;
    return this._lastSeq === null ? base : `${base}?after=${this._lastSeq}`;
  }

  start(): void {
    this.socket.start();
  }

  close(): void {
    this.socket.close();
    this.ackTimers.forEach((timer) => clearTimeout(timer));
    this.ackTimers.clear();
    this.typers.forEach(({ timer }) => clearTimeout(timer));
    this.typers.clear();
    this.events.clear();
  }

  /** Queues a message; it goes out now if the socket is live, else once it is. */
  send(body: string, attachments: string[] = []): OutboxItem {
    const item: OutboxItem = {
      client_msg_id: this.newId(),
      body,
      attachments,
      created_at: new Date().toISOString(),
      status: "pending",
    };
    this.outbox = [...this.outbox, item];
    if (this.ready) this.transmit(item.client_msg_id);
    this.emitOutbox();
    return item;
  }

  /** Sends a failed message again (same client_msg_id: never stored twice). */
  retry(clientMsgId: string): void {
    const item = this.outbox.find((i) => i.client_msg_id === clientMsgId);
    if (!item || item.status !== "failed") return;
    this.update(clientMsgId, { status: "pending", error: undefined });
    if (this.ready) this.transmit(clientMsgId);
    this.emitOutbox();
  }

  /** Drops a failed message from the outbox. */
  discard(clientMsgId: string): void {
    this.clearAckTimer(clientMsgId);
    this.outbox = this.outbox.filter((i) => i.client_msg_id !== clientMsgId);
    this.emitOutbox();
  }

  /** The user is typing: tell the others, at most once per throttle period. */
  typing(now = Date.now()): void {
    if (!this.ready || now - this.lastTypingSent < this.typingThrottleMs) return;
    if (this.socket.send({ type: "typing" })) this.lastTypingSent = now;
  }

  /** The user has seen the chat up to this message (sent once per newer message). */
  markRead(messageId: string, seq: number): void {
    if (this.readSent && this.readSent.seq >= seq) return;
    if (this.readWanted && this.readWanted.seq >= seq) return;
    this.readWanted = { seq, id: messageId };
    this.flushRead();
  }

  // --- frames -------------------------------------------------------------------------------

  private onMessage(frame: ChatMessageFrame & { type: "message" }): void {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { type, ...message } = frame;
    const seq = message.seq;
    if (typeof seq !== "number") return;
    if (this._lastSeq !== null && seq <= this._lastSeq) return; // a duplicate
    if (this._lastSeq !== null && seq > this._lastSeq + 1) {
      // A gap: do not pass this one on; resume from the last one passed on.
      this.socket.reconnectNow();
      return;
    }
    this._lastSeq = seq;
    if (message.sender_id) this.clearTyper(message.sender_id);
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((item) => {
      const mine = message.client_msg_id && item.client_msg_id === message.client_msg_id;
      const stored = item.seq !== undefined && item.seq <= seq;
      if (mine || stored) this.clearAckTimer(item.client_msg_id);
      return !(mine || stored);
    });
    this.events.emit("message", message);
    if (this.outbox.length !== before) this.emitOutbox();
  }

  private onReady(): void {
    this.ready = true;
    this.events.emit("status", "open");
    if (this.socket.liveConnections > 1) this.events.emit("resumed", { connection: this.socket.liveConnections });
    // The outbox goes out once per connection: everything not yet stored, in order.
    for (const item of this.outbox) {
      if (item.status === "pending" || item.status === "sending") this.transmit(item.client_msg_id);
    }
    this.emitOutbox();
    this.flushRead();
  }

  private onAck(frame: ChatServerFrames["ack"]): void {
    if (!frame.client_msg_id) return;
    const item = this.outbox.find((i) => i.client_msg_id === frame.client_msg_id);
    if (!item) return;
    this.clearAckTimer(item.client_msg_id);
    if (this._lastSeq !== null && frame.seq <= this._lastSeq) {
      // Its copy already arrived (a resend acked again): nothing pending any more.
      this.outbox = this.outbox.filter((i) => i.client_msg_id !== item.client_msg_id);
    } else {
      this.update(item.client_msg_id, { status: "sent", seq: frame.seq });
    }
    this.emitOutbox();
  }

  private onTyping(frame: ChatServerFrames["typing"]): void {
    const existing = this.typers.get(frame.user_id);
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => this.clearTyper(frame.user_id), this.typingTtlMs);
    this.typers.set(frame.user_id, { name: frame.name, timer });
    this.emitTyping();
  }

  private onError(frame: ChatServerFrames["error"]): void {
    if (!frame.client_msg_id) return;
    const detail = frame.errors ? Object.values(frame.errors).flat().join(" ") : "";
    this.fail(frame.client_msg_id, [frame.detail, detail].filter(Boolean).join(" "));
  }

  private onDisconnect(): void {
    this.ready = false;
    // Whatever went out without an ack goes out again on the next connection (same id).
    this.ackTimers.forEach((timer) => clearTimeout(timer));
    this.ackTimers.clear();
    let changed = false;
    this.outbox = this.outbox.map((item) => {
      if (item.status !== "sending") return item;
      changed = true;
      return { ...item, status: "pending" };
    });
    if (changed) this.emitOutbox();
    if (this.typers.size) {
      this.typers.forEach(({ timer }) => clearTimeout(timer));
      this.typers.clear();
      this.emitTyping();
    }
  }

  private onStop(reason: StopReason): void {
    this.ready = false;
    this.outbox = this.outbox.map((item) =>
      item.status === "sent" ? item : { ...item, status: "failed", error: reason.message },
    );
    this.emitOutbox();
    this.events.emit("stopped", reason);
  }

  // --- helpers ------------------------------------------------------------------------------

  private transmit(clientMsgId: string): void {
    const item = this.outbox.find((i) => i.client_msg_id === clientMsgId);
    if (!item) return;
    const sent = this.socket.send({ type: "message", body: item.body, client_msg_id: item.client_msg_id, attachments: item.attachments });
    if (!sent) return; // stays pending: the next `ready` sends it
    this.update(clientMsgId, { status: "sending" });
    this.clearAckTimer(clientMsgId);
    this.ackTimers.set(
      clientMsgId,
      setTimeout(() => this.fail(clientMsgId, "The server did not confirm this message."), this.ackTimeoutMs),
    );
  }

  private fail(clientMsgId: string, error: string): void {
    this.clearAckTimer(clientMsgId);
    if (!this.outbox.some((i) => i.client_msg_id === clientMsgId)) return;
    this.update(clientMsgId, { status: "failed", error: error || "The message was not sent." });
    this.emitOutbox();
  }

  private flushRead(): void {
    const wanted = this.readWanted;
    if (!wanted || !this.ready) return;
    if (this.socket.send({ type: "read", message_id: wanted.id })) {
      this.readSent = wanted;
      this.readWanted = null;
    }
  }

  private update(clientMsgId: string, patch: Partial<OutboxItem>): void {
    this.outbox = this.outbox.map((item) => (item.client_msg_id === clientMsgId ? { ...item, ...patch } : item));
  }

  private clearAckTimer(clientMsgId: string): void {
    const timer = this.ackTimers.get(clientMsgId);
    if (timer) clearTimeout(timer);
    this.ackTimers.delete(clientMsgId);
  }

  private clearTyper(userId: string): void {
    const typer = this.typers.get(userId);
    if (!typer) return;
    clearTimeout(typer.timer);
    this.typers.delete(userId);
    this.emitTyping();
  }

  private emitTyping(): void {
    this.events.emit(
      "typing",
      Array.from(this.typers.entries(), ([user_id, { name }]) => ({ user_id, name })),
    );
  }

  private emitOutbox(): void {
    this.events.emit("outbox", this.outbox);
  }
}
