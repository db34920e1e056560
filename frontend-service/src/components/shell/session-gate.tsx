"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";

import { Skeleton } from "@/components/ui/skeleton";
import { restoreSession, useSession } from "@/services/api/session";

/** Where sign-in sends the user back to: the page they were on, query string included. */
export function currentLocation(): string {
  if (typeof window === "undefined") return "/tickets";
  return window.location.pathname + window.location.search;
}

/**
 * Runs on the client (a static export has no middleware): restores the session from the
 * refresh cookie once, and sends anyone without one to sign-in with ?next= back to this page.
 * A session that ends later (refresh refused) leads to the same place.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const router = useRouter();
  const pathname = usePathname();
  const [restoring, setRestoring] = useState(!session.user);

  useEffect(() => {
    let cancelled = false;
    if (session.user) {
      setRestoring(false);
      return;
    }
    restoreSession()
      .catch(() => null)
      .then((user) => {
        if (cancelled) return;
        setRestoring(false);
        if (!user) router.replace(`/sign-in?next=${encodeURIComponent(currentLocation())}`);
      });
    return () => {
      cancelled = true;
    };
    // Only on first load and when the session ends; the pathname is read for ?next= only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session.user === null]);

  if (restoring || !session.user) {
    return (
      <div className="mx-auto flex max-w-5xl flex-col gap-3 p-6" aria-busy="true" aria-label="Loading HDMS" data-pathname={pathname}>
        <Skeleton className="h-10 w-48" />
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-24 w-full" />
      </div>
    );
  }
  return <>{children}</>;
}
