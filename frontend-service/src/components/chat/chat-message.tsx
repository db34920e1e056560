"use client";

import { AttachmentPreview } from "@/components/attachments/attachment-preview";
import { PersonName } from "@/components/people/person-name";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import type { ChatMessage } from "@/services/api/types";
import type { OutboxItem } from "@/services/realtime/chat-socket";

function formatTime(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function Bubble({ own, children, className }: { own: boolean; children: React.ReactNode; className?: string }) {
  return (
    <div className={cn("flex", own ? "justify-end" : "justify-start")}>
      <div
        className={cn(
          "flex max-w-xs flex-col gap-1 rounded-lg border px-3 py-2 text-sm sm:max-w-md lg:max-w-lg",
          own ? "border-primary/20 bg-accent" : "border-border bg-surface",
          className,
        )}
      >
        {children}
      </div>
    </div>
  );
}

function Attachments({ keys }: { keys: string[] }) {
  if (!keys.length) return null;
  return (
    <ul aria-label="Attachments" className="flex flex-col gap-2">
      {keys.map((key) => (
        <li key={key}>
          <AttachmentPreview fileKey={key} compact />
        </li>
      ))}
    </ul>
  );
}

/** A stored message: who, when, what, attachments, and who has seen the chat up to it. */
export function ChatMessageRow({ message, own, readers }: { message: ChatMessage; own: boolean; readers: string[] }) {
  return (
    <li data-testid="chat-message" data-seq={message.seq} data-message-id={message.id}>
      <Bubble own={own}>
        <p className="flex flex-wrap items-baseline gap-x-2 text-xs text-muted-foreground">
          <span className="font-medium text-foreground">
            {own ? "You" : message.sender_name ? message.sender_name : <PersonName id={message.sender_id} />}
          </span>
          <time dateTime={message.created_at}>{formatTime(message.created_at)}</time>
        </p>
        {message.deleted_at ? (
          <p className="text-muted-foreground italic">This message was deleted.</p>
        ) : (
          <p className="break-words whitespace-pre-wrap">{message.body}</p>
        )}
        {!message.deleted_at ? <Attachments keys={message.attachments ?? []} /> : null}
      </Bubble>
      {readers.length ? (
        <p className={cn("mt-1 text-xs text-muted-foreground", own ? "text-right" : "text-left")} data-testid="read-mark">
          Seen by{" "}
          {readers.map((id, index) => (
            <span key={id}>
              {index > 0 ? ", " : null}
              <PersonName id={id} />
            </span>
          ))}
        </p>
      ) : null}
    </li>
  );
}

const PENDING_LABEL: Record<OutboxItem["status"], string> = {
  pending: "Waiting to send…",
  sending: "Sending…",
  sent: "Sent",
  failed: "Not sent",
};

/** A message of the outbox: not stored yet (or refused), with Retry when it failed. */
export function PendingMessageRow({
  item,
  offline,
  onRetry,
  onDiscard,
}: {
  item: OutboxItem;
  offline: boolean;
  onRetry: (id: string) => void;
  onDiscard: (id: string) => void;
}) {
  const failed = item.status === "failed";
  const label = item.status === "pending" && offline ? "Will be sent when the connection is back" : PENDING_LABEL[item.status];
  return (
    <li data-testid="chat-pending" data-client-msg-id={item.client_msg_id} data-status={item.status}>
      <Bubble own className={cn(failed ? "border-destructive/40" : "opacity-80")}>
        <p className="break-words whitespace-pre-wrap">{item.body}</p>
        {item.attachments.length ? <p className="text-xs text-muted-foreground">{item.attachments.length} attachment(s)</p> : null}
        <p className={cn("text-xs", failed ? "text-destructive" : "text-muted-foreground")}>
          {failed ? `Not sent${item.error ? `: ${item.error}` : "."}` : label}
        </p>
        {failed ? (
          <div className="flex gap-2">
            <Button size="sm" variant="secondary" onClick={() => onRetry(item.client_msg_id)}>
              Retry
            </Button>
            <Button size="sm" variant="ghost" onClick={() => onDiscard(item.client_msg_id)}>
              Discard
            </Button>
          </div>
        ) : null}
      </Bubble>
    </li>
  );
}
