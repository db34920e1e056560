/**
 * Files: details, the processing status after an upload, and downloads as blobs. A download
 * needs the access token, which <img src> and <video src> cannot send, so the bytes are fetched
 * with the api client and shown through a blob: URL.
 */
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { api, unwrap } from "../client";
import type { FileDetails, FileStatus } from "../types";

export type FileState = NonNullable<FileStatus["status"]>;
export type FileVariant = "original" | "webp" | "thumbnail" | "mp4";

export const FINAL_FILE_STATES: readonly FileState[] = ["ready", "infected", "failed"];

export function isFinalFileState(status: string | null | undefined): boolean {
  return FINAL_FILE_STATES.includes(status as FileState);
}

export const fileKeys = {
  all: ["files"] as const,
  detail: (fileKey: string) => [...fileKeys.all, "detail", fileKey] as const,
  status: (fileKey: string) => [...fileKeys.all, "status", fileKey] as const,
  download: (fileKey: string, variant: FileVariant) => [...fileKeys.all, "download", fileKey, variant] as const,
};

/** Ready/infected/failed never change again; until then, one check a second. */
const STATUS_POLL_MS = 1000;

export const fileQueries = {
  detail: (fileKey: string) =>
    queryOptions({
      queryKey: fileKeys.detail(fileKey),
      queryFn: () => unwrap(api.GET("/api/files/{file_key}/", { params: { path: { file_key: fileKey } } })) as Promise<FileDetails>,
      // Details of a file in a final state never change.
      staleTime: (query) => (isFinalFileState(query.state.data?.status) ? Infinity : 0),
    }),
  status: (fileKey: string) =>
    queryOptions({
      queryKey: fileKeys.status(fileKey),
      queryFn: () => unwrap(api.GET("/api/files/{file_key}/status/", { params: { path: { file_key: fileKey } } })) as Promise<FileStatus>,
      // The one poll of the application (see FRONTEND_STYLE: no screen polls): file-service
      // publishes no event when a scan or conversion finishes, and the person who just
      // uploaded waits for exactly this answer. It runs only while the file is not final
      // (seconds, usually) and stops by itself at ready, infected or failed.
      refetchInterval: (query) => (isFinalFileState(query.state.data?.status) ? false : STATUS_POLL_MS),
      refetchIntervalInBackground: false,
      staleTime: (query) => (isFinalFileState(query.state.data?.status) ? Infinity : 0),
    }),
  download: (fileKey: string, variant: FileVariant) =>
    queryOptions({
      queryKey: fileKeys.download(fileKey, variant),
      queryFn: async () => {
        const { data } = await api.GET("/api/files/{file_key}/download/", {
          params: { path: { file_key: fileKey }, query: { variant } },
          parseAs: "blob",
        });
        return data as Blob;
      },
      // The bytes of a ready file never change (the ETag is its sha256).
      staleTime: Infinity,
      gcTime: 5 * 60_000,
      retry: false,
    }),
};

export function useFileDetails(fileKey: string | null | undefined, enabled = true) {
  return useQuery({ ...fileQueries.detail(fileKey ?? ""), enabled: Boolean(fileKey) && enabled });
}

/** The live status of a file while it is scanned and processed; stops polling once final. */
export function useFileStatus(fileKey: string | null | undefined, enabled = true) {
  return useQuery({ ...fileQueries.status(fileKey ?? ""), enabled: Boolean(fileKey) && enabled });
}

/**
 * A blob: URL for a variant of a ready file, fetched with the access token. The URL is revoked
 * when the component unmounts or the blob changes, so no bytes stay pinned in memory.
 */
export function useFileObjectUrl(fileKey: string | null | undefined, variant: FileVariant, enabled = true) {
  const query = useQuery({ ...fileQueries.download(fileKey ?? "", variant), enabled: Boolean(fileKey) && enabled });
  const [url, setUrl] = useState<string | null>(null);
  const blob = query.data;
  useEffect(() => {
    if (!blob) {
      setUrl(null);
      return;
    }
    const objectUrl = URL.createObjectURL(blob);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [blob]);
  return { ...query, url };
}
