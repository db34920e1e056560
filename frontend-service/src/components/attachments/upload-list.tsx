"use client";

import { Button } from "@/components/ui/button";

import { FileStatusBadge, formatBytes } from "./file-status";
import type { UploadItem } from "./use-uploads";

/**
 * The files being uploaded: a progress bar while the bytes travel, then the server's scan and
 * processing status live; each row can be cancelled (while sending) or removed.
 */
export function UploadList({ items, onRemove, label = "Uploads" }: { items: UploadItem[]; onRemove: (id: string) => void; label?: string }) {
  if (!items.length) return null;
  return (
    <ul aria-label={label} className="flex flex-col gap-2">
      {items.map((item) => (
        <li key={item.id} className="flex flex-col gap-1.5 rounded-md border border-border bg-surface px-3 py-2 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <span className="min-w-0 flex-1 truncate font-medium" title={item.name}>
              {item.name}
            </span>
            <span className="text-xs text-muted-foreground">{formatBytes(item.size)}</span>
            {item.phase === "uploaded" && item.status ? <FileStatusBadge status={item.status} /> : null}
            <Button
              variant="ghost"
              size="sm"
              aria-label={item.phase === "uploading" ? `Cancel upload of ${item.name}` : `Remove ${item.name}`}
              onClick={() => onRemove(item.id)}
            >
              {item.phase === "uploading" ? "Cancel" : "Remove"}
            </Button>
          </div>
          {item.phase === "uploading" ? (
            <div className="flex items-center gap-2">
              <progress
                className="h-2 flex-1 overflow-hidden rounded-full accent-primary"
                max={100}
                value={Math.round(item.progress * 100)}
                aria-label={`Uploading ${item.name}`}
              />
              <span className="w-10 text-right text-xs text-muted-foreground tabular-nums">{Math.round(item.progress * 100)}%</span>
            </div>
          ) : null}
          {item.phase === "error" ? (
            <p role="alert" className="text-destructive">
              {item.error}
            </p>
          ) : null}
          {item.phase === "uploaded" && item.status === "failed" && item.failureReason ? (
            <p className="text-destructive">{item.failureReason}</p>
          ) : null}
          {item.phase === "uploaded" && item.status === "infected" ? (
            <p className="text-destructive">This file will not be attached.</p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
