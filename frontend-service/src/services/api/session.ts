"use client";

/** React access to the session of services/api/auth.ts, plus sign-in and sign-out. */
import { useSyncExternalStore } from "react";

import { COOKIE_SESSION_HEADER, getAccessToken, getSessionUser, refreshAccessToken, setSession, subscribeSession, type SessionUser } from "./auth";
import { api, unwrap } from "./client";
import type { Role } from "./types";

export type Session = {
  user: SessionUser | null;
  token: string | null;
  roles: Role[];
  has: (role: Role) => boolean;
};

let snapshot: Session = build();

function build(): Session {
  const user = getSessionUser();
  const roles = rolesOf(user);
  return { user, token: getAccessToken(), roles, has: (role) => roles.includes(role) };
}

subscribeSession(() => {
  snapshot = build();
});

export function rolesOf(user: SessionUser | null): Role[] {
  const grants = (user?.grants ?? []) as Array<{ role?: string }>;
  return Array.from(new Set(grants.map((g) => g.role).filter(Boolean))) as Role[];
}

export function useSession(): Session {
  return useSyncExternalStore(
    (listener) => subscribeSession(listener),
    () => snapshot,
    () => snapshot,
  );
}

export async function loadCurrentUser(): Promise<SessionUser> {
  const user = await unwrap(api.GET("/api/auth/me"));
  setSession(getAccessToken(), user);
  return user;
}

/** On app load: the refresh cookie, if any, gives a new access token, then the user. */
export async function restoreSession(): Promise<SessionUser | null> {
  if (getSessionUser() && getAccessToken()) return getSessionUser();
  const token = await refreshAccessToken();
  if (!token) return null;
  return loadCurrentUser();
}

export async function signIn(employeeCode: string, password: string): Promise<SessionUser> {
  const result = await unwrap(
    api.POST("/api/auth/login-hdms", {
      body: { employee_code: employeeCode, password },
      headers: { ...COOKIE_SESSION_HEADER },
      credentials: "include",
    }),
  );
  setSession(result.access ?? null, (result.user ?? null) as SessionUser | null);
  return loadCurrentUser();
}

export async function signOut(): Promise<void> {
  try {
    await fetch("/api/auth/logout", { method: "POST", credentials: "include" });
  } finally {
    setSession(null);
  }
}
