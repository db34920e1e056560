"use client";

import { useEffect, useRef, useState } from "react";

import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { cn } from "@/lib/cn";
import { api } from "@/services/api/client";
import { describeProblem } from "@/services/api/forms";
import { isFinalFileState, useFileDetails, useFileObjectUrl, useFileStatus, type FileState } from "@/services/api/queries/files";

import { FileStatusBadge, formatBytes } from "./file-status";

export type AttachmentPreviewProps = {
  fileKey: string;
  name?: string | null;
  contentType?: string | null;
  size?: number | null;
  /** Thumbnails instead of full-size pictures and players (chat bubbles, dense lists). */
  compact?: boolean;
  className?: string;
};

/**
 * One attached file: an image shows its WebP variant (the thumbnail when compact), a video its
 * MP4 in a player with the thumbnail as poster, anything else a download button. Files still
 * being scanned say so; infected or failed files say why and offer nothing to open.
 */
export function AttachmentPreview({ fileKey, name, contentType, size, compact = false, className }: AttachmentPreviewProps) {
  const statusQuery = useFileStatus(fileKey);
  const status = statusQuery.data?.status as FileState | undefined;
  const ready = status === "ready";
  const details = useFileDetails(fileKey, ready);
  const displayName = name || details.data?.original_name || "File";
  const type = details.data?.content_type ?? contentType ?? "";
  const variants = details.data?.variants ?? {};
  const isImage = ready && type.startsWith("image/") && Boolean(variants.webp || variants.thumbnail);
  const isVideo = ready && type.startsWith("video/") && Boolean(variants.mp4);

  return (
    <figure data-slot="attachment-preview" className={cn("flex flex-col gap-2 rounded-md border border-border bg-surface p-2 text-sm", className)}>
      {statusQuery.isPending ? <Skeleton className={compact ? "h-20 w-28" : "h-40 w-full"} /> : null}
      {statusQuery.isError ? <p className="text-destructive">Could not load this file: {describeProblem(statusQuery.error)}</p> : null}
      {status && !isFinalFileState(status) ? (
        <p className="text-muted-foreground">This file is being checked; it can be opened when it is ready.</p>
      ) : null}
      {status === "infected" ? (
        <p role="note" className="text-destructive">
          A virus scan found malware in this file. It cannot be opened or downloaded.
        </p>
      ) : null}
      {status === "failed" ? (
        <p role="note" className="text-destructive">
          This file could not be processed{statusQuery.data?.failure_reason ? `: ${statusQuery.data.failure_reason}` : "."} It cannot be opened.
        </p>
      ) : null}
      {ready && details.isPending ? <Skeleton className={compact ? "h-20 w-28" : "h-40 w-full"} /> : null}
      {isImage ? <ImagePreview fileKey={fileKey} name={displayName} compact={compact || !variants.webp} /> : null}
      {isVideo ? <VideoPreview fileKey={fileKey} name={displayName} hasPoster={Boolean(variants.thumbnail)} compact={compact} /> : null}
      <figcaption className="flex flex-wrap items-center gap-2">
        <span className="min-w-0 flex-1 truncate" title={displayName}>
          {displayName}
        </span>
        {size ?? details.data?.size ? <span className="text-xs text-muted-foreground">{formatBytes((size ?? details.data?.size) as number)}</span> : null}
        {status && status !== "ready" ? <FileStatusBadge status={status} /> : null}
        {ready ? <DownloadButton fileKey={fileKey} name={displayName} /> : null}
      </figcaption>
    </figure>
  );
}

function ImagePreview({ fileKey, name, compact }: { fileKey: string; name: string; compact: boolean }) {
  const image = useFileObjectUrl(fileKey, compact ? "thumbnail" : "webp");
  if (image.isError) return <p className="text-muted-foreground">The picture could not be loaded.</p>;
  if (!image.url) return <Skeleton className={compact ? "h-20 w-28" : "h-40 w-full"} />;
  return (
    // A blob: URL of bytes fetched with the token: next/image cannot optimise or fetch it.
    // eslint-disable-next-line @next/next/no-img-element
    <img src={image.url} alt={name} className={cn("rounded object-contain", compact ? "max-h-32 max-w-40" : "max-h-96 w-full")} />
  );
}

function VideoPreview({ fileKey, name, hasPoster, compact }: { fileKey: string; name: string; hasPoster: boolean; compact: boolean }) {
  const poster = useFileObjectUrl(fileKey, "thumbnail", hasPoster);
  const video = useFileObjectUrl(fileKey, "mp4", !compact);
  if (compact) {
    if (!poster.url) return <p className="text-muted-foreground">Video</p>;
    // eslint-disable-next-line @next/next/no-img-element
    return <img src={poster.url} alt={`${name} (video)`} className="max-h-32 max-w-40 rounded object-contain" />;
  }
  if (video.isError) return <p className="text-muted-foreground">The video could not be loaded.</p>;
  if (!video.url) return <Skeleton className="h-48 w-full" />;
  return (
    <video controls preload="metadata" poster={poster.url ?? undefined} src={video.url} aria-label={name} className="max-h-96 w-full rounded bg-foreground">
      Your browser cannot play this video; download it instead.
    </video>
  );
}

/** Fetches the original with the token and hands it to the browser as a download. */
function DownloadButton({ fileKey, name }: { fileKey: string; name: string }) {
  const [busy, setBusy] = useState(false);
  const urls = useRef<string[]>([]);
  useEffect(() => {
    const created = urls.current;
    return () => created.forEach((url) => URL.revokeObjectURL(url));
  }, []);

  async function download() {
    setBusy(true);
    try {
      const { data } = await api.GET("/api/files/{file_key}/download/", {
        params: { path: { file_key: fileKey }, query: { variant: "original" } },
        parseAs: "blob",
      });
      const url = URL.createObjectURL(data as Blob);
      urls.current.push(url);
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
    } catch (error) {
      toast(describeProblem(error), "error");
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button variant="secondary" size="sm" onClick={download} disabled={busy} aria-label={`Download ${name}`}>
      {busy ? "Downloading…" : "Download"}
    </Button>
  );
}
