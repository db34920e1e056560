/**
 * The caller's notifications over /ws/notifications/, outside React. The server sends the
 * unread count on connect (and again after its own subscription came back: a cue to refetch),
 * then each new notification. It replays nothing: after a reconnect the HTTP lists are the
 * record, so `resumed` tells the app to refetch what may have changed meanwhile.
 */
import type { Notification } from "@/services/api/types";

import { dispatchFrame, type FrameHandlers, type NotificationServerFrames } from "./events";
import { Emitter, ReconnectingSocket, type BackoffOptions, type SocketEnvironment, type SocketStatus, type StopReason } from "./socket";

export type NotificationSocketEvents = {
  unreadCount: number;
  notification: Notification;
  status: SocketStatus;
  /** A connection after the first went live: whatever happened meanwhile was not pushed. */
  resumed: { connection: number };
  stopped: StopReason;
};

export type NotificationSocketOptions = { env?: Partial<SocketEnvironment>; backoff?: BackoffOptions };

export class NotificationSocket {
  readonly events = new Emitter<NotificationSocketEvents>();
  private readonly socket: ReconnectingSocket;
  private readonly handlers: FrameHandlers<NotificationServerFrames>;

  constructor(options: NotificationSocketOptions = {}) {
    this.handlers = {
      unread_count: (frame) => this.events.emit("unreadCount", frame.count),
      notification: (frame) => this.events.emit("notification", frame.notification),
      error: () => undefined,
      pong: () => undefined,
    };
    this.socket = new ReconnectingSocket({
      path: () => "/ws/notifications/",
      onText: (data) => {
        const first = !this.socket.isLive;
        this.socket.markLive();
        if (first && this.socket.liveConnections > 1) this.events.emit("resumed", { connection: this.socket.liveConnections });
        dispatchFrame(data, this.handlers);
      },
      onStatus: (status) => this.events.emit("status", status),
      onStop: (reason) => this.events.emit("stopped", reason),
      env: options.env,
      backoff: options.backoff,
    });
  }

  get status(): SocketStatus {
    return this.socket.status;
  }

  start(): void {
    this.socket.start();
  }

  close(): void {
    this.socket.close();
    this.events.clear();
  }
}
