/**
 * The frames of the two sockets of communication-service (docs/communication-service.md,
 * "WebSocket"), as typed maps from a frame's `type` to its payload. Each socket class handles
 * them through one table with one handler per type.
 */
import type { ChatMessage, Notification } from "@/services/api/types";

/** A stored chat message as the socket sends it: the HTTP shape (seq always present). */
export type ChatMessageFrame = ChatMessage & { seq: number; id: string };

/** server -> client on /ws/chat/{ticket_id}/ */
export type ChatServerFrames = {
  /** A stored message (replayed after `?after=`, then live), in seq order. */
  message: ChatMessageFrame;
  /** The replay is over: from now on every new message reaches this socket. */
  ready: { ticket_id: string; last_seq: number };
  /** To the sender: a message of theirs was stored (again, for a resend). */
  ack: { client_msg_id: string | null; id: string; seq: number };
  /** Someone else is typing (never echoed to its sender). */
  typing: { ticket_id: string; user_id: string; name: string };
  /** Someone else has seen the chat up to `message_id` (live only). */
  read: { ticket_id: string; user_id: string; message_id: string };
  error: { code: string; detail: string; errors?: Record<string, string[]>; client_msg_id?: string | null };
  pong: Record<string, never>;
};

/** client -> server on /ws/chat/{ticket_id}/ */
export type ChatClientFrame =
  | { type: "auth"; token: string }
  | { type: "message"; body: string; client_msg_id: string; attachments: string[] }
  | { type: "typing" }
  | { type: "read"; message_id: string }
  | { type: "ping" };

/** server -> client on /ws/notifications/ */
export type NotificationServerFrames = {
  /** On connect, and after the server's subscription came back: a cue to refetch. */
  unread_count: { count: number };
  notification: { notification: Notification };
  error: { code: string; detail: string };
  pong: Record<string, never>;
};

export type NotificationClientFrame = { type: "auth"; token: string } | { type: "ping" };

/** A frame of a map above, with its `type`. */
export type FrameOf<Map, K extends keyof Map> = Map[K] & { type: K };

/** One handler per frame type. */
export type FrameHandlers<Map> = { [K in keyof Map]: (frame: FrameOf<Map, K>) => void };

/** Parses a text frame into `{type, ...}` of the map, or null for anything else. */
export function parseFrame<Map>(data: unknown, handlers: FrameHandlers<Map>): FrameOf<Map, keyof Map> | null {
  if (typeof data !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(handlers, type)) return null;
  return value as FrameOf<Map, keyof Map>;
}

/** Calls the handler of the frame's type (frames of unknown types are ignored). */
export function dispatchFrame<Map>(data: unknown, handlers: FrameHandlers<Map>): void {
  const frame = parseFrame(data, handlers);
  if (!frame) return;
  const handler = handlers[frame.type] as (frame: unknown) => void;
  handler(frame);
}
