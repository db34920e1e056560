/**
 * Chat: the key factory, the history query and the cache helpers the chat socket writes with.
 *
 * The history is an infinite query: the first page is the newest messages (newest first),
 * "load older" asks `?before=<oldest seq loaded>`. Live messages from the socket are merged into
 * the same cache by seq (useChatSocket), so the cache is the one list the panel renders. The
 * socket keeps it current, so it is never refetched behind the socket's back (a refetch racing
 * a live message could drop it).
 */
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery, type InfiniteData } from "@tanstack/react-query";

import { api, unwrap } from "../client";
import type { ChatMessage, Participant } from "../types";

export type ChatPage = { items?: ChatMessage[]; next_cursor?: string | null };
export type ChatHistory = InfiniteData<ChatPage, unknown>;

export const CHAT_PAGE_SIZE = 50;

export const chatKeys = {
  all: ["chat"] as const,
  ticket: (ticketId: string) => [...chatKeys.all, ticketId] as const,
  messages: (ticketId: string) => [...chatKeys.ticket(ticketId), "messages"] as const,
  participants: (ticketId: string) => [...chatKeys.ticket(ticketId), "participants"] as const,
};

export const chatQueries = {
  messages: (ticketId: string) =>
    infiniteQueryOptions({
      queryKey: chatKeys.messages(ticketId),
      queryFn: ({ pageParam }) =>
        unwrap(
          api.GET("/api/chat/{ticket_id}/messages/", {
            params: { path: { ticket_id: ticketId }, query: pageParam ? { limit: CHAT_PAGE_SIZE, before: pageParam } : { limit: CHAT_PAGE_SIZE } },
          }),
        ) as Promise<ChatPage>,
      initialPageParam: undefined as string | undefined,
      // Older pages continue before the oldest message loaded so far.
      getNextPageParam: (page) => {
        if (!page.next_cursor) return undefined;
        const seqs = (page.items ?? []).map((m) => m.seq ?? 0).filter((s) => s > 0);
        return seqs.length ? String(Math.min(...seqs)) : page.next_cursor;
      },
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
    }),
  participants: (ticketId: string) =>
    queryOptions({
      queryKey: chatKeys.participants(ticketId),
      queryFn: async () => {
        const page = await unwrap(api.GET("/api/chat/{ticket_id}/participants/", { params: { path: { ticket_id: ticketId } } }));
        return (page.items ?? []) as Participant[];
      },
    }),
};

/** The ticket's chat history (newest page first; fetchNextPage loads older messages). */
export function useChatMessages(ticketId: string) {
  return useInfiniteQuery({ ...chatQueries.messages(ticketId), enabled: Boolean(ticketId) });
}

export function useChatParticipants(ticketId: string) {
  return useQuery({ ...chatQueries.participants(ticketId), enabled: Boolean(ticketId) });
}

/** Every message of the cache once, oldest first. */
export function flattenHistory(data: ChatHistory | undefined): ChatMessage[] {
  if (!data) return [];
  const bySeq = new Map<number, ChatMessage>();
  for (const page of data.pages) {
    for (const message of page.items ?? []) {
      if (typeof message.seq === "number" && !bySeq.has(message.seq)) bySeq.set(message.seq, message);
    }
  }
  return Array.from(bySeq.values()).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

/** The highest seq in the cache (0 for an empty chat). */
export function highestSeq(data: ChatHistory | undefined): number {
  let highest = 0;
  for (const page of data?.pages ?? []) {
    for (const message of page.items ?? []) highest = Math.max(highest, message.seq ?? 0);
  }
  return highest;
}

/**
 * The cache with one more message, merged by seq: a seq already present is replaced (never
 * listed twice); a new one goes to the front of the newest page (pages are newest first).
 */
export function mergeMessage(data: ChatHistory | undefined, message: ChatMessage): ChatHistory {
  const seq = message.seq ?? 0;
  if (!data || data.pages.length === 0) {
    return { pages: [{ items: [message], next_cursor: null }], pageParams: [undefined] };
  }
  let found = false;
  const pages = data.pages.map((page) => {
    const items = page.items ?? [];
    if (!items.some((m) => m.seq === seq)) return page;
    found = true;
    return { ...page, items: items.map((m) => (m.seq === seq ? message : m)) };
  });
  if (found) return { ...data, pages };
  const [first, ...rest] = pages;
  const items = [...(first?.items ?? []), message].sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
  return { ...data, pages: [{ ...first, items }, ...rest] };
}
