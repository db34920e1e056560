"use client";

import { useEmployee } from "@/services/api/queries/employees";

/** A person's name from their id (the directory's public card), or a quiet placeholder. */
export function PersonName({ id, fallback = "—" }: { id: string | null | undefined; fallback?: string }) {
  const { data } = useEmployee(id);
  if (!id) return <span className="text-muted-foreground">{fallback}</span>;
  return <span>{data?.name ?? "…"}</span>;
}
