"use client";

/**
 * useChatSocket(ticketId): the ticket's chat socket for a component. Once the history's newest
 * page is loaded, the socket opens with `?after=<highest seq loaded>` (no gap between the
 * history and the live feed) and every message it passes on is merged into the history cache
 * with setQueryData. The outbox, others' typing and read marks are React state.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import { chatKeys, highestSeq, mergeMessage, useChatMessages, type ChatHistory } from "@/services/api/queries/chat";
import { ticketKeys } from "@/services/api/queries/tickets";

import { ChatSocket, type OutboxItem, type ReadMark, type TypingUser } from "./chat-socket";
import type { SocketEnvironment, SocketStatus, StopReason } from "./socket";

export type ChatSocketState = {
  status: SocketStatus;
  stopReason: StopReason | null;
  outbox: OutboxItem[];
  typing: TypingUser[];
  /** Each other user's latest read mark (this session only: marks are live, never stored). */
  reads: Record<string, string>;
};

export function useChatSocket(ticketId: string, env?: Partial<SocketEnvironment>) {
  const queryClient = useQueryClient();
  const history = useChatMessages(ticketId);
  const socketRef = useRef<ChatSocket | null>(null);
  const [state, setState] = useState<ChatSocketState>({ status: "connecting", stopReason: null, outbox: [], typing: [], reads: {} });
  // Once the newest page is there (a later failed refetch must not close the socket).
  const historyLoaded = history.data !== undefined;
  const envRef = useRef(env);

  useEffect(() => {
    if (!ticketId || !historyLoaded) return;
    const key = chatKeys.messages(ticketId);
    const socket = new ChatSocket(ticketId, {
      afterSeq: highestSeq(queryClient.getQueryData<ChatHistory>(key)),
      env: envRef.current,
    });
    socketRef.current = socket;
    const { events } = socket;
    events.on("message", (message) => queryClient.setQueryData<ChatHistory>(key, (data) => mergeMessage(data, message)));
    events.on("outbox", (outbox) => setState((s) => ({ ...s, outbox })));
    events.on("typing", (typing) => setState((s) => ({ ...s, typing })));
    events.on("read", (mark: ReadMark) => setState((s) => ({ ...s, reads: { ...s.reads, [mark.user_id]: mark.message_id } })));
    events.on("status", (status) => setState((s) => ({ ...s, status })));
    events.on("stopped", (stopReason) => setState((s) => ({ ...s, stopReason, status: "stopped" })));
    // Messages were replayed by the socket; the ticket itself may have moved meanwhile.
    events.on("resumed", () => void queryClient.invalidateQueries({ queryKey: ticketKeys.detail(ticketId) }));
    setState({ status: socket.status, stopReason: null, outbox: [], typing: [], reads: {} });
    socket.start();
    return () => {
      socket.close();
      if (socketRef.current === socket) socketRef.current = null;
    };
  }, [ticketId, historyLoaded, queryClient]);

  const send = useCallback((body: string, attachments: string[] = []) => socketRef.current?.send(body, attachments), []);
  const retry = useCallback((clientMsgId: string) => socketRef.current?.retry(clientMsgId), []);
  const discard = useCallback((clientMsgId: string) => socketRef.current?.discard(clientMsgId), []);
  const notifyTyping = useCallback(() => socketRef.current?.typing(), []);
  const markRead = useCallback((messageId: string, seq: number) => socketRef.current?.markRead(messageId, seq), []);

  return { history, ...state, send, retry, discard, notifyTyping, markRead };
}
