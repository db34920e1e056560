"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** `/` has nothing of its own: the tickets list is the home screen. */
export function HomeRedirect() {
  const router = useRouter();
  useEffect(() => {
    router.replace("/tickets");
  }, [router]);
  return <p className="p-6 text-sm text-muted-foreground">Opening HDMS…</p>;
}
