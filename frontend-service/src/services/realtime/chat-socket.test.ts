// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ChatSocket, type OutboxItem, type TypingUser } from "./chat-socket";
import type { ChatMessageFrame } from "./events";
import { FakeChatServer, sleep, waitFor } from "./fake-chat-server.test-util";
import { backoffDelay } from "./socket";

const ANA = { id: "a0000000-0000-4000-8000-000000000001", name: "Ana Requestor" };
const BEN = { id: "b0000000-0000-4000-8000-000000000002", name: "Ben Moderator" };
const FAST = { baseMs: 20, maxMs: 200 };

let server: FakeChatServer;
const sockets: ChatSocket[] = [];

beforeEach(async () => {
  server = new FakeChatServer({ users: { "ana-token": ANA, "ben-token": BEN, "ana-fresh": ANA } });
  await server.start();
});

afterEach(async () => {
  sockets.splice(0).forEach((s) => s.close());
  await server.stop();
});

type Recorder = { messages: ChatMessageFrame[]; outbox: OutboxItem[]; typing: TypingUser[]; statuses: string[] };

function connect(token: string, afterSeq: number | null, options: Partial<ConstructorParameters<typeof ChatSocket>[1]> = {}, refresh?: () => Promise<string | null>) {
  let current: string | null = token;
  const socket = new ChatSocket("t1", {
    afterSeq,
    backoff: FAST,
    env: server.env(() => current, refresh ?? (async () => null)),
    ...options,
  });
  const seen: Recorder = { messages: [], outbox: [], typing: [], statuses: [] };
  socket.events.on("message", (m) => seen.messages.push(m));
  socket.events.on("outbox", (o) => (seen.outbox = o));
  socket.events.on("typing", (t) => (seen.typing = t));
  socket.events.on("status", (s) => seen.statuses.push(s));
  sockets.push(socket);
  socket.start();
  return { socket, seen, setToken: (t: string | null) => (current = t) };
}

describe("ChatSocket resume", () => {
  it("after a server-side close, resumes with ?after=lastSeq and gets exactly the missed messages once", async () => {
    server.post(BEN, "one");
    server.post(BEN, "two");
    const { socket, seen } = connect("ana-token", 0);
    await waitFor(() => socket.status === "open", 3000, "open");
    expect(seen.messages.map((m) => m.seq)).toEqual([1, 2]);

    // The server goes away; meanwhile three messages are posted (over HTTP, say).
    server.refuseWith = 4503;
    server.dropAll(1012);
    await waitFor(() => socket.status === "reconnecting", 3000, "reconnecting");
    server.post(BEN, "three");
    server.post(BEN, "four");
    server.post(BEN, "five");
    // And it replays one message the client already has: it must be dropped.
    server.overlap = 1;
    server.refuseWith = null;

    await waitFor(() => seen.messages.length >= 5 && socket.status === "open", 3000, "resume");
    await sleep(50);
    expect(seen.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.messages.map((m) => m.body)).toEqual(["one", "two", "three", "four", "five"]);
    expect(server.connections[0]).toBe("/ws/chat/t1/?after=0");
    expect(server.connections.at(-1)).toBe("/ws/chat/t1/?after=2");
    expect(socket.lastSeq).toBe(5);
    // The token never went into a URL: it was the first frame.
    expect(server.connections.every((c) => !c.includes("token"))).toBe(true);
    expect(server.received[0]?.frame).toEqual({ type: "auth", token: "ana-token" });
  });

  it("on a gap, passes nothing on and resumes from the last message it has", async () => {
    server.post(BEN, "one");
    // The client claims to know up to 0 but the server (misbehaving) starts replay at 2.
    const { socket, seen } = connect("ana-token", 0);
    await waitFor(() => socket.status === "open", 3000, "open");
    server.overlap = 0;
    // Forge a jump: store two messages but only the second is live-broadcast.
    server.messages.push({ ...server.messages[0]!, id: "00000000-0000-4000-8000-000000000002", seq: 2, body: "two (missed live)" });
    server.post(BEN, "three");
    await waitFor(() => seen.messages.length >= 3, 3000, "gap filled");
    expect(seen.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(server.connections.at(-1)).toBe("/ws/chat/t1/?after=1");
  });
});

describe("ChatSocket outbox", () => {
  it("a message sent while the socket is down goes out exactly once when it reopens, and the echo replaces the pending row", async () => {
    const { socket, seen } = connect("ana-token", 0);
    await waitFor(() => socket.status === "open", 3000, "open");

    server.refuseWith = 4503;
    server.dropAll(1012);
    await waitFor(() => socket.status === "reconnecting", 3000, "down");

    const item = socket.send("sent while offline");
    expect(seen.outbox).toHaveLength(1);
    expect(seen.outbox[0]).toMatchObject({ client_msg_id: item.client_msg_id, status: "pending" });
    await sleep(100); // several refused attempts: nothing may go out on them
    expect(server.messageFrames()).toHaveLength(0);

    server.refuseWith = null;
    await waitFor(() => seen.outbox.length === 0, 3000, "echo");
    await sleep(50);
    const frames = server.messageFrames();
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ body: "sent while offline", client_msg_id: item.client_msg_id });
    expect(server.messages).toHaveLength(1);
    const mine = seen.messages.filter((m) => m.client_msg_id === item.client_msg_id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.seq).toBe(1);
  });

  it("a send lost with its connection is resent with the same id and stored once", async () => {
    const { socket, seen } = connect("ana-token", 0, { ackTimeoutMs: 5000 });
    await waitFor(() => socket.status === "open", 3000, "open");
    const item = socket.send("hello");
    await waitFor(() => server.messages.length === 1, 3000, "stored");
    // The connection dies before the client saw anything: the next ready flushes the outbox
    // again only if the copy has not arrived; either way one message is stored.
    server.dropAll(1012);
    await waitFor(() => seen.outbox.length === 0 && socket.status === "open", 3000, "settled");
    expect(server.messages.filter((m) => m.client_msg_id === item.client_msg_id)).toHaveLength(1);
    expect(seen.messages.filter((m) => m.client_msg_id === item.client_msg_id)).toHaveLength(1);
  });

  it("a refused message shows as failed, and Retry sends it again", async () => {
    const { socket, seen } = connect("ana-token", 0);
    await waitFor(() => socket.status === "open", 3000, "open");
    const item = socket.send("   ");
    await waitFor(() => seen.outbox[0]?.status === "failed", 3000, "failed");
    expect(seen.outbox[0]?.error).toContain("invalid");
    socket.retry(item.client_msg_id);
    await waitFor(() => seen.outbox[0]?.status === "failed" && server.messageFrames().length === 2, 3000, "retried");
    socket.discard(item.client_msg_id);
    expect(seen.outbox).toHaveLength(0);
  });
});

describe("ChatSocket close codes", () => {
  it("4401 triggers one refresh, then reconnects with the new token", async () => {
    const refresh = vi.fn(async () => "ana-fresh");
    const { socket, setToken } = connect("expired", 0, {}, async () => {
      const token = await refresh();
      setToken(token);
      return token;
    });
    await waitFor(() => socket.status === "open", 3000, "open after refresh");
    expect(refresh).toHaveBeenCalledTimes(1);
    const auths = server.received.filter((r) => r.frame.type === "auth").map((r) => r.frame.token);
    expect(auths).toEqual(["expired", "ana-fresh"]);
  });

  it("4401 again after the refresh stops (no refresh loop)", async () => {
    const refresh = vi.fn(async () => "still-bad");
    const { socket, setToken } = connect("expired", 0, {}, async () => {
      const token = await refresh();
      setToken(token);
      return token;
    });
    await waitFor(() => socket.status === "stopped", 3000, "stopped");
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(socket.stopReason?.code).toBe(4401);
  });

  it("4403 stops for good and says why; queued messages fail", async () => {
    server.forbidden.add(ANA.id);
    const stopped = vi.fn();
    const { socket, seen } = connect("ana-token", 0);
    socket.events.on("stopped", stopped);
    socket.send("anyone there?");
    await waitFor(() => socket.status === "stopped", 3000, "stopped");
    await sleep(150);
    expect(server.connections).toHaveLength(1);
    expect(stopped).toHaveBeenCalledWith(expect.objectContaining({ code: 4403 }));
    expect(socket.stopReason?.message).toMatch(/access/i);
    expect(seen.outbox[0]?.status).toBe("failed");
  });
});

describe("ChatSocket typing and read marks", () => {
  it("shows others typing, throttles its own, and clears itself", async () => {
    const ana = connect("ana-token", 0, { typingTtlMs: 150 });
    const ben = connect("ben-token", 0, { typingThrottleMs: 10_000 });
    await waitFor(() => ana.socket.status === "open" && ben.socket.status === "open", 3000, "both open");

    ben.socket.typing();
    ben.socket.typing();
    ben.socket.typing();
    await waitFor(() => ana.seen.typing.length === 1, 3000, "typing shown");
    expect(ana.seen.typing).toEqual([{ user_id: BEN.id, name: BEN.name }]);
    expect(ben.seen.typing).toEqual([]); // never echoed to the typist
    expect(server.received.filter((r) => r.frame.type === "typing")).toHaveLength(1);

    await waitFor(() => ana.seen.typing.length === 0, 1000, "typing cleared");
  });

  it("a message from the typist clears their typing at once", async () => {
    const ana = connect("ana-token", 0, { typingTtlMs: 10_000 });
    const ben = connect("ben-token", 0);
    await waitFor(() => ana.socket.status === "open" && ben.socket.status === "open", 3000, "both open");
    ben.socket.typing();
    await waitFor(() => ana.seen.typing.length === 1, 3000, "typing shown");
    ben.socket.send("done typing");
    await waitFor(() => ana.seen.typing.length === 0 && ana.seen.messages.length === 1, 3000, "cleared by message");
  });

  it("sends a read mark once per newer message and passes others' marks on", async () => {
    const ana = connect("ana-token", 0);
    const ben = connect("ben-token", 0);
    const reads: unknown[] = [];
    ben.socket.events.on("read", (mark) => reads.push(mark));
    await waitFor(() => ana.socket.status === "open" && ben.socket.status === "open", 3000, "both open");
    const m = server.post(BEN, "please read");
    ana.socket.markRead(m.id, m.seq);
    ana.socket.markRead(m.id, m.seq);
    await waitFor(() => reads.length === 1, 3000, "read mark");
    expect(reads[0]).toEqual({ user_id: ANA.id, message_id: m.id });
    await sleep(50);
    expect(server.received.filter((r) => r.frame.type === "read")).toHaveLength(1);
  });
});

describe("backoffDelay", () => {
  it("grows exponentially with jitter and stays under ~30 s", () => {
    expect(backoffDelay(1, 0)).toBe(250);
    expect(backoffDelay(1, 1)).toBe(500);
    expect(backoffDelay(4, 1)).toBe(4000);
    for (let attempt = 1; attempt < 40; attempt += 1) expect(backoffDelay(attempt, 1)).toBeLessThanOrEqual(30_000);
    expect(backoffDelay(30, 0)).toBe(15_000);
  });
});
