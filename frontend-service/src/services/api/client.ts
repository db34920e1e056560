/**
 * The one fetch client of the web application, typed from the services' OpenAPI documents.
 *
 * Three middlewares: auth (adds the in-memory access token), refresh (on a 401, one shared
 * refresh for all concurrent 401s, then one retry of the request) and problem (any non-2xx
 * becomes an ApiProblem). openapi-fetch runs onResponse handlers last-registered first, so
 * they are registered problem, refresh, auth: a response passes auth -> refresh -> problem.
 */
import createClient, { type Middleware } from "openapi-fetch";

import { getAccessToken, refreshAccessToken, setSession } from "./auth";
import { setGatewayReachable } from "./connectivity";
import { ApiProblem, networkProblem } from "./problem";
import type { paths as AuthPaths } from "./schema/auth";
import type { paths as ChatPaths } from "./schema/chat";
import type { paths as FilePaths } from "./schema/files";
import type { paths as TicketPaths } from "./schema/tickets";

export type Paths = AuthPaths & TicketPaths & ChatPaths & FilePaths;

/** Paths where a 401 means wrong credentials, not an expired access token. */
const NO_REFRESH = ["/api/auth/login-hdms", "/api/auth/refresh", "/api/auth/logout"];

export function authMiddleware(): Middleware {
  return {
    onRequest({ request }) {
      const token = getAccessToken();
      if (token && !request.headers.has("Authorization")) {
        request.headers.set("Authorization", `Bearer ${token}`);
      }
      return request;
    },
  };
}

export function refreshMiddleware(fetcher: typeof fetch): Middleware {
  // A copy of each request taken before it is sent, for the one retry after a refresh.
  const copies = new Map<string, Request>();
  return {
    onRequest({ request, id }) {
      copies.set(id, request.clone());
      return undefined;
    },
    async onResponse({ request, response, id }) {
      const copy = copies.get(id);
      copies.delete(id);
      if (response.status !== 401 || !copy) return response;
      if (NO_REFRESH.some((path) => new URL(request.url).pathname === path)) return response;
      const token = await refreshAccessToken(fetcher);
      if (!token) return response;
      copy.headers.set("Authorization", `Bearer ${token}`);
      return fetcher(copy);
    },
    onError({ id }) {
      copies.delete(id);
      return undefined;
    },
  };
}

export function problemMiddleware(): Middleware {
  return {
    async onResponse({ response }) {
      setGatewayReachable(response.status !== 502 && response.status !== 504);
      if (response.ok) return response;
      const problem = await ApiProblem.fromResponse(response);
      if (problem.status === 401) setSession(null);
      throw problem;
    },
    onError({ error }) {
      if (error instanceof ApiProblem) return error;
      setGatewayReachable(false);
      return networkProblem();
    },
  };
}

export function createApiClient({ baseUrl, fetcher = (input, init) => fetch(input, init) }: { baseUrl: string; fetcher?: typeof fetch }) {
  const client = createClient<Paths>({ baseUrl, fetch: fetcher, credentials: "same-origin" });
  client.use(problemMiddleware(), refreshMiddleware(fetcher), authMiddleware());
  return client;
}

export const api = createApiClient({
  baseUrl: typeof window === "undefined" ? "http://localhost" : window.location.origin,
});

/**
 * The body of a successful call. The problem middleware has already thrown for every non-2xx,
 * so `data` is present whenever the promise resolves (204s resolve to undefined).
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data } = await call;
  return data as T;
}
