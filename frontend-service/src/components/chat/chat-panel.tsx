"use client";

import { useEffect, useLayoutEffect, useMemo, useRef } from "react";

import { EmptyState, ErrorState } from "@/components/shell/access-states";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { flattenHistory } from "@/services/api/queries/chat";
import { useSession } from "@/services/api/session";
import type { ChatMessage } from "@/services/api/types";
import type { OutboxItem } from "@/services/realtime/chat-socket";
import { useChatSocket } from "@/services/realtime/use-chat-socket";

import { ChatComposer } from "./chat-composer";
import { ChatMessageRow, PendingMessageRow } from "./chat-message";
import { ChatConnectionStatus, TypingIndicator } from "./chat-status";

/**
 * The ticket's chat: history with "load older", live messages over the socket (no gap, no
 * duplicate), the outbox's pending and failed rows, typing, read marks, the connection state
 * and the composer. Loaded by the ticket page with next/dynamic.
 */
export function ChatPanel({ ticketId }: { ticketId: string }) {
  const session = useSession();
  const me = session.user?.id ?? null;
  const chat = useChatSocket(ticketId);
  const { history } = chat;
  const messages = useMemo(() => flattenHistory(history.data), [history.data]);

  // A pending row whose stored copy is already listed is never shown twice.
  const pending = useMemo(() => {
    const stored = new Set(messages.map((m) => m.client_msg_id).filter(Boolean));
    return chat.outbox.filter((item) => !stored.has(item.client_msg_id));
  }, [messages, chat.outbox]);

  const readersByMessage = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const [userId, messageId] of Object.entries(chat.reads)) {
      if (userId === me) continue;
      map.set(messageId, [...(map.get(messageId) ?? []), userId]);
    }
    return map;
  }, [chat.reads, me]);

  return (
    <section aria-labelledby="chat-heading" className="flex flex-col gap-3 rounded-lg border border-border bg-surface p-4">
      <header className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="chat-heading" className="text-lg font-semibold">
          Chat
        </h2>
        <ChatConnectionStatus status={chat.status} stopReason={chat.stopReason} />
      </header>
      {history.isPending ? (
        <ChatSkeleton />
      ) : history.isError ? (
        <ErrorState error={history.error} what="chat" onRetry={() => void history.refetch()} />
      ) : (
        <>
          <MessageLog
            messages={messages}
            pending={pending}
            me={me}
            readersByMessage={readersByMessage}
            offline={chat.status === "offline" || chat.status === "reconnecting"}
            hasOlder={Boolean(history.hasNextPage)}
            loadingOlder={history.isFetchingNextPage}
            onLoadOlder={() => void history.fetchNextPage()}
            onRetry={chat.retry}
            onDiscard={chat.discard}
            onSeen={chat.markRead}
          />
          <TypingIndicator typing={chat.typing} />
          <ChatComposer ticketId={ticketId} disabled={chat.status === "stopped"} onSend={chat.send} onTyping={chat.notifyTyping} />
        </>
      )}
    </section>
  );
}

function ChatSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading chat" className="flex flex-col gap-3">
      <Skeleton className="h-12 w-2/3" />
      <Skeleton className="ml-auto h-12 w-1/2" />
      <Skeleton className="h-12 w-3/5" />
      <Skeleton className="h-16 w-full" />
    </div>
  );
}

function MessageLog({
  messages,
  pending,
  me,
  readersByMessage,
  offline,
  hasOlder,
  loadingOlder,
  onLoadOlder,
  onRetry,
  onDiscard,
  onSeen,
}: {
  messages: ChatMessage[];
  pending: OutboxItem[];
  me: string | null;
  readersByMessage: Map<string, string[]>;
  offline: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (id: string) => void;
  onDiscard: (id: string) => void;
  onSeen: (messageId: string, seq: number) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const end = useRef<HTMLDivElement>(null);
  const newest = messages[messages.length - 1];
  const newestSeq = newest?.seq ?? 0;
  const stickToBottom = useRef(true);

  // Follow new messages while the reader is at the bottom; "load older" keeps the place.
  useLayoutEffect(() => {
    const box = scroller.current;
    if (box && stickToBottom.current) box.scrollTop = box.scrollHeight;
  }, [newestSeq, pending.length]);

  // Pictures and players grow the list after it rendered: stay at the bottom meanwhile.
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const box = scroller.current;
    const content = list.current;
    if (!box || !content || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (stickToBottom.current) box.scrollTop = box.scrollHeight;
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, []);

  // Read mark: the newest message from someone else, once it is on screen in a visible tab.
  useEffect(() => {
    const target = end.current;
    if (!newest?.id || !newest.seq || newest.sender_id === me || !target) return;
    const id = newest.id;
    const seq = newest.seq;
    let onScreen = typeof IntersectionObserver === "undefined";
    const check = () => {
      if (onScreen && document.visibilityState !== "hidden") onSeen(id, seq);
    };
    let observer: IntersectionObserver | null = null;
    if (typeof IntersectionObserver !== "undefined") {
      observer = new IntersectionObserver((entries) => {
        onScreen = entries.some((e) => e.isIntersecting);
        check();
      });
      observer.observe(target);
    } else {
      check();
    }
    document.addEventListener("visibilitychange", check);
    return () => {
      observer?.disconnect();
      document.removeEventListener("visibilitychange", check);
    };
  }, [newest?.id, newest?.seq, newest?.sender_id, me, onSeen]);

  const empty = messages.length === 0 && pending.length === 0;
  return (
    <div
      ref={scroller}
      className="flex max-h-96 min-h-40 flex-col gap-2 overflow-y-auto pr-1 md:max-h-128"
      onScroll={(event) => {
        const box = event.currentTarget;
        stickToBottom.current = box.scrollHeight - box.scrollTop - box.clientHeight < 48;
      }}
    >
      {hasOlder ? (
        <div className="flex justify-center">
          <Button
            size="sm"
            variant="ghost"
            disabled={loadingOlder}
            onClick={() => {
              stickToBottom.current = false;
              onLoadOlder();
            }}
          >
            {loadingOlder ? "Loading older messages…" : "Load older messages"}
          </Button>
        </div>
      ) : null}
      {empty ? (
        <EmptyState title="No messages yet">Write the first message below; everyone on the ticket sees it at once.</EmptyState>
      ) : null}
      <ol ref={list} role="log" aria-live="polite" aria-label="Chat messages" className="flex flex-col gap-3">
        {messages.map((message) => (
          <ChatMessageRow
            key={message.seq}
            message={message}
            own={message.sender_id === me}
            readers={message.id ? (readersByMessage.get(message.id) ?? []) : []}
          />
        ))}
        {pending.map((item) => (
          <PendingMessageRow key={item.client_msg_id} item={item} offline={offline} onRetry={onRetry} onDiscard={onDiscard} />
        ))}
      </ol>
      <div ref={end} aria-hidden="true" className="h-px" />
    </div>
  );
}
