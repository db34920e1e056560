"use client";

import { useEffect, useState } from "react";

import { cn } from "@/lib/cn";

type Toast = { id: number; message: string; tone: "info" | "error" | "success" };
type Listener = (toasts: Toast[]) => void;

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();

function emit() {
  listeners.forEach((listener) => listener(toasts));
}

/** Shows a short message in the corner; errors stay a little longer. */
export function toast(message: string, tone: Toast["tone"] = "info"): void {
  const id = nextId++;
  toasts = [...toasts, { id, message, tone }].slice(-4);
  emit();
  setTimeout(() => dismissToast(id), tone === "error" ? 8000 : 4000);
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function Toaster() {
  const [items, setItems] = useState<Toast[]>(toasts);
  useEffect(() => {
    listeners.add(setItems);
    return () => {
      listeners.delete(setItems);
    };
  }, []);
  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 max-w-[calc(100%-2rem)] flex-col gap-2">
      {items.map((item) => (
        <div
          key={item.id}
          data-slot="toast"
          className={cn(
            "pointer-events-auto flex items-start justify-between gap-3 rounded-md border px-4 py-3 text-sm shadow-md",
            item.tone === "error" && "border-destructive/40 bg-surface text-destructive",
            item.tone === "success" && "border-success/40 bg-surface text-success",
            item.tone === "info" && "border-border bg-surface text-foreground",
          )}
        >
          <span>{item.message}</span>
          <button type="button" className="text-muted-foreground hover:text-foreground" aria-label="Dismiss" onClick={() => dismissToast(item.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
