/**
 * The session: the access token lives only in this module (never in storage), the refresh
 * token only in the httpOnly cookie `hdms_refresh` that JavaScript cannot read. One refresh
 * call is shared by every caller that needs it at the same moment (single flight).
 */
import type { components } from "./schema/auth";

export type SessionUser = components["schemas"]["Employee"];

type Listener = () => void;

let accessToken: string | null = null;
let currentUser: SessionUser | null = null;
let refreshInFlight: Promise<string | null> | null = null;
const listeners = new Set<Listener>();

/** Tells the gateway to keep the refresh token in the cookie only, out of the JSON body. */
export const COOKIE_SESSION_HEADER = { "X-HDMS-Session": "cookie" } as const;

export function getAccessToken(): string | null {
  return accessToken;
}

export function getSessionUser(): SessionUser | null {
  return currentUser;
}

export function setSession(token: string | null, user?: SessionUser | null): void {
  accessToken = token;
  if (user !== undefined) currentUser = user;
  if (token === null) currentUser = null;
  listeners.forEach((listener) => listener());
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers share one request:
 * the refresh token rotates, so a second parallel refresh would be refused as a reuse.
 * Resolves to null (and clears the session) when the cookie is missing, expired or revoked.
 */
export function refreshAccessToken(fetcher: typeof fetch = fetch): Promise<string | null> {
  if (!refreshInFlight) {
    refreshInFlight = (async () => {
      try {
        const response = await fetcher("/api/auth/refresh", {
          method: "POST",
          credentials: "include",
          headers: { ...COOKIE_SESSION_HEADER },
        });
        if (!response.ok) {
          setSession(null);
          return null;
        }
        const body = (await response.json()) as { access: string };
        setSession(body.access);
        return body.access;
      } catch {
        // The gateway is unreachable: keep what we have; the offline banner says so.
        return null;
      } finally {
        refreshInFlight = null;
      }
    })();
  }
  return refreshInFlight;
}

/** Test hook: forget everything between tests. */
export function resetSessionForTests(): void {
  accessToken = null;
  currentUser = null;
  refreshInFlight = null;
  listeners.clear();
}
