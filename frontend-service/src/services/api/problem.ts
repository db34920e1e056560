/**
 * RFC 7807 problem+json as the UI sees it. Every non-2xx answer of the API becomes an
 * ApiProblem in the fetch client, so no screen parses an error body by hand.
 */
export type ProblemBody = {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, unknown>;
  allowed_actions?: string[];
};

const PROBLEM_PREFIX = "urn:hdms:problem:";

export class ApiProblem extends Error {
  readonly status: number;
  /** The slug of `type` (urn:hdms:problem:<slug>), e.g. "stale-version". */
  readonly slug: string;
  readonly detail: string;
  /** Field path (dotted, as react-hook-form names fields) -> messages. */
  readonly errors: Record<string, string[]>;
  readonly body: ProblemBody;
  readonly retryAfter: number | null;

  constructor(status: number, body: ProblemBody, retryAfter: number | null = null) {
    const detail = body.detail || body.title || defaultTitle(status);
    super(detail);
    this.name = "ApiProblem";
    this.status = status;
    this.body = body;
    this.slug = body.type?.startsWith(PROBLEM_PREFIX) ? body.type.slice(PROBLEM_PREFIX.length) : "";
    this.detail = detail;
    this.errors = flattenErrors(body.errors);
    this.retryAfter = retryAfter;
  }

  /** A version conflict: someone else changed the resource (409 stale or illegal, 412). */
  get isConflict(): boolean {
    return this.status === 409 || this.status === 412;
  }

  static async fromResponse(response: Response): Promise<ApiProblem> {
    let body: ProblemBody = {};
    try {
      const text = await response.text();
      const parsed: unknown = text ? JSON.parse(text) : {};
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as ProblemBody;
    } catch {
      body = {};
    }
    const retry = Number(response.headers.get("Retry-After"));
    return new ApiProblem(response.status, body, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
}

/** The problem the UI shows when the gateway cannot be reached at all. */
export function networkProblem(): ApiProblem {
  return new ApiProblem(0, {
    type: `${PROBLEM_PREFIX}network`,
    title: "Network error",
    detail: "HDMS cannot be reached. Check your connection; we will retry.",
  });
}

function defaultTitle(status: number): string {
  if (status === 401) return "Your session has ended. Please sign in again.";
  if (status === 403) return "You are not allowed to do this.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many attempts. Please wait and try again.";
  if (status >= 500) return "HDMS had a problem. Please try again.";
  return "The request could not be completed.";
}

/** `{json: {title: ["x"]}, "query.limit": [...]}` or nested objects -> dotted paths. */
export function flattenErrors(errors: unknown, prefix = ""): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!errors || typeof errors !== "object") return out;
  for (const [key, value] of Object.entries(errors as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      out[path] = value as string[];
    } else if (typeof value === "string") {
      out[path] = [value];
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => Object.assign(out, flattenErrors(item, `${path}.${index}`)));
    } else {
      Object.assign(out, flattenErrors(value, path));
    }
  }
  return out;
}

export function isProblem(error: unknown): error is ApiProblem {
  return error instanceof ApiProblem;
}
