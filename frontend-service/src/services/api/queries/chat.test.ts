import { describe, expect, it } from "vitest";

import type { ChatMessage } from "../types";
import { chatQueries, flattenHistory, highestSeq, mergeMessage, type ChatHistory } from "./chat";

const m = (seq: number, body = `m${seq}`): ChatMessage => ({
  id: `id-${seq}`,
  seq,
  body,
  ticket_id: "t1",
  sender_id: "u1",
  sender_name: "Ana",
  attachments: [],
  client_msg_id: null,
  created_at: "2026-01-01T00:00:00Z",
  edited_at: null,
  deleted_at: null,
});

describe("chat cache", () => {
  const history: ChatHistory = {
    pages: [
      { items: [m(5), m(4), m(3)], next_cursor: "3" },
      { items: [m(2), m(1)], next_cursor: null },
    ],
    pageParams: [undefined, "3"],
  };

  it("flattens pages oldest first, each seq once", () => {
    const overlapping: ChatHistory = { ...history, pages: [...history.pages, { items: [m(3), m(2)] }] };
    expect(flattenHistory(overlapping).map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(highestSeq(history)).toBe(5);
    expect(highestSeq(undefined)).toBe(0);
  });

  it("merges a new message at the front of the newest page and replaces a known seq", () => {
    const added = mergeMessage(history, m(6));
    expect(added.pages[0]?.items?.map((x) => x.seq)).toEqual([6, 5, 4, 3]);
    const again = mergeMessage(added, m(6, "edited"));
    expect(flattenHistory(again).filter((x) => x.seq === 6)).toEqual([m(6, "edited")]);
    expect(flattenHistory(again)).toHaveLength(6);
  });

  it("starts a cache for a first message", () => {
    expect(flattenHistory(mergeMessage(undefined, m(1)))).toEqual([m(1)]);
  });

  it("loads older pages before the oldest seq loaded", () => {
    const options = chatQueries.messages("t1");
    const params = history.pageParams as Array<string | undefined>;
    expect(options.getNextPageParam(history.pages[0]!, history.pages, undefined, params)).toBe("3");
    expect(options.getNextPageParam(history.pages[1]!, history.pages, "3", params)).toBeUndefined();
  });
});
