import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { getAccessToken, resetSessionForTests, setSession } from "./auth";
import { ApiProblem } from "./problem";
import { isAbortProblem, uploadFile, UPLOAD_URL } from "./uploads";

/** Just enough of XMLHttpRequest: records what was sent and lets the test answer. */
class FakeXhr {
  static instances: FakeXhr[] = [];
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  responseText = "";
  withCredentials = false;
  responseHeaders: Record<string, string> = {};
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.instances.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader(name: string) {
    return this.responseHeaders[name] ?? null;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  respond(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.responseText = body === undefined ? "" : JSON.stringify(body);
    this.responseHeaders = headers;
    this.onload?.();
  }
}

const file = () => new File([new Uint8Array(1000)], "photo.png", { type: "image/png" });
const details = { file_key: "k1", status: "pending", original_name: "photo.png" };

beforeEach(() => {
  FakeXhr.instances = [];
  resetSessionForTests();
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("uploadFile", () => {
  it("posts multipart with the token and reports progress", async () => {
    setSession("token-1");
    const onProgress = vi.fn();
    const done = uploadFile(file(), { purpose: "ticket", ticketId: "t-1", onProgress });
    const xhr = FakeXhr.instances[0]!;
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe(UPLOAD_URL);
    expect(xhr.headers.Authorization).toBe("Bearer token-1");
    expect(xhr.body?.get("purpose")).toBe("ticket");
    expect(xhr.body?.get("ticket_id")).toBe("t-1");
    expect((xhr.body?.get("file") as File).name).toBe("photo.png");

    xhr.progress(250, 1000);
    xhr.progress(1000, 1000);
    xhr.respond(201, details);

    await expect(done).resolves.toEqual(details);
    expect(onProgress.mock.calls.map(([p]) => p.fraction)).toEqual([0.25, 1]);
  });

  it("refreshes once on a 401 and retries with the new token", async () => {
    setSession("expired");
    const fetcher = vi.fn(async () => new Response(JSON.stringify({ access: "fresh" }), { status: 200 }));
    vi.stubGlobal("fetch", fetcher);
    const done = uploadFile(file(), { purpose: "chat", ticketId: "t-1" });
    FakeXhr.instances[0]!.respond(401, { status: 401, title: "Unauthorized" });

    await vi.waitFor(() => expect(FakeXhr.instances).toHaveLength(2));
    const retry = FakeXhr.instances[1]!;
    expect(retry.headers.Authorization).toBe("Bearer fresh");
    expect(retry.body?.get("purpose")).toBe("chat");
    retry.respond(201, details);

    await expect(done).resolves.toEqual(details);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(getAccessToken()).toBe("fresh");
  });

  it("does not retry a second time when the retry is refused too", async () => {
    setSession("expired");
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ access: "fresh" }), { status: 200 })));
    const done = uploadFile(file(), { purpose: "ticket" });
    FakeXhr.instances[0]!.respond(401, {});
    await vi.waitFor(() => expect(FakeXhr.instances).toHaveLength(2));
    FakeXhr.instances[1]!.respond(401, {});

    await expect(done).rejects.toMatchObject({ status: 401 });
    expect(FakeXhr.instances).toHaveLength(2);
  });

  it("turns a 413 into an ApiProblem that says the file is too large", async () => {
    setSession("token-1");
    const done = uploadFile(file(), { purpose: "ticket" });
    FakeXhr.instances[0]!.respond(413, { type: "urn:hdms:problem:too-large", title: "Payload Too Large", status: 413, detail: "At most 25 MB." });

    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).status).toBe(413);
    expect((error as ApiProblem).slug).toBe("too-large");
    expect((error as ApiProblem).detail).toMatch(/too large.*At most 25 MB/);
  });

  it("explains a 415 in words", async () => {
    const done = uploadFile(file(), { purpose: "ticket" });
    FakeXhr.instances[0]!.respond(415, { status: 415, detail: "application/x-executable" });
    await expect(done).rejects.toMatchObject({ status: 415, detail: expect.stringMatching(/not accepted/) });
  });

  it("keeps the server's field errors of a 422", async () => {
    const done = uploadFile(file(), { purpose: "ticket" });
    FakeXhr.instances[0]!.respond(422, { status: 422, detail: "Invalid.", errors: { ticket_id: ["Not a valid UUID."] } });
    await expect(done).rejects.toMatchObject({ status: 422, errors: { ticket_id: ["Not a valid UUID."] } });
  });

  it("rejects with an aborted problem when cancelled", async () => {
    const controller = new AbortController();
    const done = uploadFile(file(), { purpose: "ticket", signal: controller.signal });
    controller.abort();
    const error = await done.catch((e: unknown) => e);
    expect(isAbortProblem(error)).toBe(true);
  });
});
