"use client";

import type { ReactNode } from "react";

import { ForbiddenState } from "@/components/shell/access-states";
import { useSession } from "@/services/api/session";

/** Administration is for the admin role only; everyone else sees why not. */
export function AdminOnly({ children }: { children: ReactNode }) {
  const session = useSession();
  if (!session.has("admin")) return <ForbiddenState />;
  return <>{children}</>;
}
