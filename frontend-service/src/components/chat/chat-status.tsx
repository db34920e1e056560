"use client";

import { cn } from "@/lib/cn";
import type { TypingUser } from "@/services/realtime/chat-socket";
import type { SocketStatus, StopReason } from "@/services/realtime/socket";

const LABELS: Record<SocketStatus, string> = {
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline — messages will be sent when you are back",
  stopped: "Chat unavailable",
  closed: "Disconnected",
};

/** The connection in words (with a dot whose colour is never the only signal). */
export function ChatConnectionStatus({ status, stopReason }: { status: SocketStatus; stopReason: StopReason | null }) {
  const label = status === "stopped" && stopReason ? `Chat unavailable: ${stopReason.message}` : LABELS[status];
  return (
    <p data-testid="chat-connection" data-status={status} className="flex items-center gap-2 text-xs text-muted-foreground">
      <span
        aria-hidden="true"
        className={cn(
          "inline-block size-2 rounded-full",
          status === "open" && "bg-success",
          (status === "connecting" || status === "reconnecting") && "bg-warning",
          (status === "offline" || status === "stopped" || status === "closed") && "bg-destructive",
        )}
      />
      <span>{label}</span>
    </p>
  );
}

/** "Ana is typing…" for others; clears itself (the socket forgets typers after ~5 s). */
export function TypingIndicator({ typing }: { typing: TypingUser[] }) {
  const names = typing.map((t) => t.name || "Someone");
  let text = "";
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = "Several people are typing…";
  return (
    <p data-testid="typing-indicator" className="min-h-5 text-xs text-muted-foreground italic">
      {text}
    </p>
  );
}
