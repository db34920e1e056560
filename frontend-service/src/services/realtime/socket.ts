/**
 * A WebSocket that keeps itself connected, outside React.
 *
 * - Authenticates with a first `{type: "auth", token}` frame (the token stays out of URLs and
 *   logs), using the in-memory access token of services/api/auth.ts.
 * - Reconnects with exponential backoff and full jitter, capped near 30 s, and at once when the
 *   browser comes back online or the tab regains focus.
 * - Close 4401 (token refused): one refresh of the access token, then reconnect; refused again
 *   or no session: stop. Close 4403 (not allowed): stop, and say why.
 * - A heartbeat ping notices a connection that died without a close (a sleeping laptop).
 *
 * The chat and notification sockets build on it; they turn frames into typed events.
 */
import { getAccessToken, refreshAccessToken } from "@/services/api/auth";

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
/** Our own close of a connection we gave up on (offline, heartbeat lost, resync). */
export const CLOSE_CLIENT_RETRY = 4000;

/**
 * connecting: the first connection is being made; open: live; reconnecting: waiting to try
 * again; offline: the browser says it is offline; stopped: will not reconnect (see the reason);
 * closed: stopped by us (unmount, sign-out).
 */
export type SocketStatus = "connecting" | "open" | "reconnecting" | "offline" | "stopped" | "closed";

export type StopReason = { code: number; reason: string; message: string };

/** The part of the browser's WebSocket these classes use (the `ws` package fits too). */
export type SocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
};

type Target = {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
};

export type SocketEnvironment = {
  /** Opens a socket to a full ws:// or wss:// URL. */
  createSocket: (url: string) => SocketLike;
  /** ws(s)://host of the page: the sockets are same-origin. */
  origin: () => string;
  getToken: () => string | null;
  refreshToken: () => Promise<string | null>;
  /** Where `online`, `offline` and `focus` are listened to (window), if anywhere. */
  windowTarget: Target | null;
  /** Where `visibilitychange` is listened to (document), if anywhere. */
  documentTarget: (Target & { visibilityState?: string }) | null;
  isOnline: () => boolean;
  random: () => number;
};

export type BackoffOptions = { baseMs: number; maxMs: number };

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };
const HEARTBEAT_MS = 25_000;
const HEARTBEAT_TIMEOUT_MS = 10_000;
const OPEN = 1;

/** The delay before reconnect attempt `attempt` (1, 2, ...): exponential, full jitter in its upper half. */
export function backoffDelay(attempt: number, random: number, backoff: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

function browserEnvironment(): SocketEnvironment {
  const hasWindow = typeof window !== "undefined";
  return {
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    origin: () => (hasWindow ? `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}` : "ws://localhost"),
    getToken: getAccessToken,
    refreshToken: () => refreshAccessToken(),
    windowTarget: hasWindow ? window : null,
    documentTarget: typeof document !== "undefined" ? document : null,
    isOnline: () => (typeof navigator === "undefined" ? true : navigator.onLine !== false),
    random: Math.random,
  };
}

/** A small typed event emitter: one map from event name to payload. */
export class Emitter<Events> {
  private handlers = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    this.handlers.get(event)?.forEach((handler) => (handler as (payload: Events[K]) => void)(payload));
  }

  clear(): void {
    this.handlers.clear();
  }
}

export type ReconnectingSocketOptions = {
  /** The path and query of the next connection (read at every attempt, e.g. with ?after=). */
  path: () => string;
  /** Every text frame of the current connection. */
  onText: (data: unknown) => void;
  /** The auth frame went out on a new connection. */
  onOpen?: () => void;
  /** A connection ended (the socket will reconnect unless stopped). */
  onDisconnect?: () => void;
  onStatus?: (status: SocketStatus) => void;
  onStop?: (reason: StopReason) => void;
  env?: Partial<SocketEnvironment>;
  backoff?: BackoffOptions;
};

export class ReconnectingSocket {
  private readonly env: SocketEnvironment;
  private readonly backoff: BackoffOptions;
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private refreshedSinceLive = false;
  private started = false;
  private finished = false;
  private connecting = false;
  private live = false;
  private _status: SocketStatus = "connecting";
  private _stopReason: StopReason | null = null;
  /** Connections that went live so far (1 on the first, 2+ after reconnects). */
  liveConnections = 0;

  constructor(private readonly options: ReconnectingSocketOptions) {
    this.env = { ...browserEnvironment(), ...options.env };
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  get status(): SocketStatus {
    return this._status;
  }

  get stopReason(): StopReason | null {
    return this._stopReason;
  }

  /** Whether the current connection has received a frame (it is authenticated and served). */
  get isLive(): boolean {
    return this.live && this.socket !== null && this.socket.readyState === OPEN;
  }

  start(): void {
    if (this.started || this.finished) return;
    this.started = true;
    this.env.windowTarget?.addEventListener("online", this.handleOnline);
    this.env.windowTarget?.addEventListener("offline", this.handleOffline);
    this.env.windowTarget?.addEventListener("focus", this.handleWake);
    this.env.documentTarget?.addEventListener("visibilitychange", this.handleWake);
    void this.connect();
  }

  /** Closes for good (unmount, sign-out). */
  close(): void {
    if (this.finished) return;
    this.finish();
    this.setStatus("closed");
  }

  send(frame: object): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    try {
      this.socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** The connection is served (its first frame arrived): the backoff starts over. */
  markLive(): void {
    if (this.live) return;
    this.live = true;
    this.attempts = 0;
    this.refreshedSinceLive = false;
    this.liveConnections += 1;
    this.setStatus("open");
  }

  /** Drops the current connection and opens a new one at once (e.g. to resume from a seq). */
  reconnectNow(): void {
    if (this.finished) return;
    if (this.socket) {
      this.dropSocket(CLOSE_CLIENT_RETRY, "Resync");
      this.options.onDisconnect?.();
    }
    this.clearTimer();
    void this.connect();
  }

  private readonly handleOnline = () => {
    this.attempts = 0;
    this.wake();
  };

  private readonly handleOffline = () => {
    if (this.finished) return;
    // The connection is most likely dead; do not send into it. Wait for `online`.
    if (this.socket) {
      this.dropSocket(CLOSE_CLIENT_RETRY, "Offline");
      this.options.onDisconnect?.();
    }
    this.scheduleReconnect();
  };

  private readonly handleWake = () => {
    if (this.env.documentTarget?.visibilityState === "hidden") return;
    this.wake();
  };

  /** Reconnect now if waiting to reconnect. */
  private wake(): void {
    if (this.finished || !this.started || this.socket || this.connecting) return;
    this.clearTimer();
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.finished || this.socket || this.connecting) return;
    this.clearTimer();
    this.connecting = true;
    let token = this.env.getToken();
    if (!token) token = await this.env.refreshToken();
    this.connecting = false;
    if (this.finished || this.socket) return;
    if (!token) {
      this.stop({ code: CLOSE_UNAUTHORIZED, reason: "", message: "Your session has ended. Sign in again to continue." });
      return;
    }
    if (this._status !== "connecting") this.setStatus(this.env.isOnline() ? "reconnecting" : "offline");
    let socket: SocketLike;
    try {
      socket = this.env.createSocket(`${this.env.origin()}${this.options.path()}`);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.live = false;
    const authToken = token;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      socket.send(JSON.stringify({ type: "auth", token: authToken }));
      this.startHeartbeat();
      this.options.onOpen?.();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.clearPongTimer();
      this.options.onText(event.data);
    };
    socket.onerror = () => {
      // A close event follows; it decides what to do.
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.live = false;
      this.stopHeartbeat();
      this.options.onDisconnect?.();
      void this.handleClose(event.code, event.reason ?? "");
    };
  }

  private async handleClose(code: number, reason: string): Promise<void> {
    if (this.finished) return;
    if (code === CLOSE_UNAUTHORIZED) {
      if (this.refreshedSinceLive) {
        this.stop({ code, reason, message: "Your session has ended. Sign in again to continue." });
        return;
      }
      this.refreshedSinceLive = true;
      this.setStatus("reconnecting");
      const token = await this.env.refreshToken();
      if (this.finished) return;
      if (!token) {
        this.stop({ code, reason, message: "Your session has ended. Sign in again to continue." });
        return;
      }
      void this.connect();
      return;
    }
    if (code === CLOSE_FORBIDDEN) {
      this.stop({ code, reason, message: "You do not have access to this conversation (anymore)." });
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.finished) return;
    this.clearTimer();
    this.attempts += 1;
    const online = this.env.isOnline();
    this.setStatus(online ? "reconnecting" : "offline");
    // Offline, wait for `online` (or the longest delay, in case the browser never says so).
    const delay = online ? backoffDelay(this.attempts, this.env.random(), this.backoff) : this.backoff.maxMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }

  private stop(reason: StopReason): void {
    this._stopReason = reason;
    this.finish();
    this.setStatus("stopped");
    this.options.onStop?.(reason);
  }

  private finish(): void {
    this.finished = true;
    this.clearTimer();
    this.stopHeartbeat();
    this.env.windowTarget?.removeEventListener("online", this.handleOnline);
    this.env.windowTarget?.removeEventListener("offline", this.handleOffline);
    this.env.windowTarget?.removeEventListener("focus", this.handleWake);
    this.env.documentTarget?.removeEventListener("visibilitychange", this.handleWake);
    if (this.socket) this.dropSocket(1000, "");
  }

  private dropSocket(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = null;
    this.live = false;
    this.stopHeartbeat();
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    try {
      socket.close(code, reason);
    } catch {
      // already closed
    }
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (!this.send({ type: "ping" })) return;
      this.clearPongTimer();
      this.pongTimer = setTimeout(() => {
        // No frame at all since the ping: the connection is gone without a close.
        if (this.socket) {
          this.dropSocket(CLOSE_CLIENT_RETRY, "Heartbeat lost");
          this.options.onDisconnect?.();
          this.scheduleReconnect();
        }
      }, HEARTBEAT_TIMEOUT_MS);
    }, HEARTBEAT_MS);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.clearPongTimer();
  }

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setStatus(status: SocketStatus): void {
    if (this._status === status) return;
    this._status = status;
    this.options.onStatus?.(status);
  }
}
