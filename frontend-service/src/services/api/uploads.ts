/**
 * File uploads. fetch() reports no upload progress, so uploads go through XMLHttpRequest; they
 * share the fetch client's rules all the same: the in-memory access token, one refresh and one
 * retry on a 401, and every non-2xx answer turned into an ApiProblem.
 */
import { getAccessToken, refreshAccessToken, setSession } from "./auth";
import { setGatewayReachable } from "./connectivity";
import { ApiProblem, networkProblem, type ProblemBody } from "./problem";
import type { FileDetails } from "./types";

export const UPLOAD_URL = "/api/files/upload/";

export type UploadPurpose = "ticket" | "chat";

export type UploadProgress = { loaded: number; total: number; fraction: number };

export type UploadOptions = {
  purpose: UploadPurpose;
  ticketId?: string;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
};

/** The problem an upload ends with when its user cancels it. */
export function abortProblem(): ApiProblem {
  return new ApiProblem(0, { type: "urn:hdms:problem:aborted", title: "Cancelled", detail: "The upload was cancelled." });
}

export function isAbortProblem(error: unknown): boolean {
  return error instanceof ApiProblem && error.slug === "aborted";
}

/** Messages that say what to do, for the two refusals people meet most. */
function uploadProblem(status: number, body: ProblemBody, retryAfter: number | null): ApiProblem {
  if (status === 413) {
    const detail = body.detail && body.detail !== body.title ? ` ${body.detail}` : "";
    return new ApiProblem(status, { ...body, detail: `This file is too large to upload.${detail}` }, retryAfter);
  }
  if (status === 415) {
    return new ApiProblem(
      status,
      {
        ...body,
        detail:
          "This type of file is not accepted. Attach images, videos, PDF or Office documents, text, CSV or zip files (and keep the file's real extension).",
      },
      retryAfter,
    );
  }
  return new ApiProblem(status, body, retryAfter);
}

function parseBody(xhr: XMLHttpRequest): unknown {
  const text = typeof xhr.responseText === "string" ? xhr.responseText : "";
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

type Attempt = { status: number; body: unknown; retryAfter: number | null };

function send(file: File, options: UploadOptions, token: string | null): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const cleanup = () => options.signal?.removeEventListener("abort", onAbort);

    xhr.open("POST", UPLOAD_URL);
    xhr.withCredentials = false;
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Accept", "application/json");

    xhr.upload.onprogress = (event: ProgressEvent) => {
      const total = event.lengthComputable ? event.total : file.size;
      options.onProgress?.({ loaded: event.loaded, total, fraction: total > 0 ? Math.min(event.loaded / total, 1) : 0 });
    };
    xhr.onload = () => {
      cleanup();
      const retry = Number(xhr.getResponseHeader("Retry-After"));
      resolve({ status: xhr.status, body: parseBody(xhr), retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null });
    };
    xhr.onerror = () => {
      cleanup();
      setGatewayReachable(false);
      reject(networkProblem());
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      cleanup();
      reject(abortProblem());
    };

    if (options.signal?.aborted) {
      reject(abortProblem());
      return;
    }
    options.signal?.addEventListener("abort", onAbort);

    const form = new FormData();
    form.append("purpose", options.purpose);
    if (options.ticketId) form.append("ticket_id", options.ticketId);
    // The file goes last: the server streams it and reads the small fields first.
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

/**
 * Uploads one file as multipart to POST /api/files/upload/ and resolves to its details (status
 * `pending`: scanning and processing follow on the server). Rejects with an ApiProblem: the
 * server's problem for a non-2xx, a network problem, or `aborted` when `signal` fires.
 */
export async function uploadFile(file: File, options: UploadOptions): Promise<FileDetails> {
  let attempt = await send(file, options, getAccessToken());
  if (attempt.status === 401) {
    // An expired access token: one shared refresh, then the same upload once more.
    const token = await refreshAccessToken();
    if (token) attempt = await send(file, options, token);
  }
  setGatewayReachable(attempt.status !== 502 && attempt.status !== 504 && attempt.status !== 0);
  if (attempt.status >= 200 && attempt.status < 300) return attempt.body as FileDetails;
  const body = attempt.body && typeof attempt.body === "object" && !Array.isArray(attempt.body) ? (attempt.body as ProblemBody) : {};
  if (attempt.status === 401) setSession(null);
  throw uploadProblem(attempt.status, body, attempt.retryAfter);
}
