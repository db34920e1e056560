"use client";

import { useQueries } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import { describeProblem } from "@/services/api/forms";
import { fileQueries, isFinalFileState, type FileState } from "@/services/api/queries/files";
import { isAbortProblem, uploadFile, type UploadPurpose } from "@/services/api/uploads";
import type { FileDetails } from "@/services/api/types";

/** Where one picked file is: sending its bytes, sent (then scanned on the server), or refused. */
export type UploadPhase = "uploading" | "uploaded" | "error";

export type UploadItem = {
  id: string;
  name: string;
  size: number;
  phase: UploadPhase;
  /** 0..1 while uploading. */
  progress: number;
  fileKey?: string;
  /** The server's processing status once uploaded (pending -> ... -> ready | infected | failed). */
  status?: FileState;
  failureReason?: string | null;
  error?: string;
};

type Internal = Omit<UploadItem, "status" | "failureReason"> & { controller: AbortController };

export type UseUploadsOptions = {
  purpose: UploadPurpose;
  ticketId?: string;
  /** Called once per file when its bytes are stored (status pending). */
  onUploaded?: (details: FileDetails, item: UploadItem) => void;
};

/**
 * A list of uploads: each picked file starts uploading at once with its own progress and
 * cancel, then its scan/processing status is followed until final.
 */
export function useUploads({ purpose, ticketId, onUploaded }: UseUploadsOptions) {
  const [items, setItems] = useState<Internal[]>([]);
  const onUploadedRef = useRef(onUploaded);
  useEffect(() => {
    onUploadedRef.current = onUploaded;
  }, [onUploaded]);
  const controllers = useRef(new Map<string, AbortController>());

  // Leaving the screen cancels what is still being sent.
  useEffect(() => {
    const running = controllers.current;
    return () => running.forEach((controller) => controller.abort());
  }, []);

  const patch = useCallback((id: string, change: Partial<Internal>) => {
    setItems((current) => current.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }, []);

  const add = useCallback(
    (files: File[]) => {
      const added: Internal[] = files.map((file) => ({
        id: crypto.randomUUID(),
        name: file.name,
        size: file.size,
        phase: "uploading",
        progress: 0,
        controller: new AbortController(),
      }));
      setItems((current) => [...current, ...added]);
      added.forEach((item, index) => {
        const file = files[index] as File;
        controllers.current.set(item.id, item.controller);
        uploadFile(file, {
          purpose,
          ticketId,
          signal: item.controller.signal,
          onProgress: ({ fraction }) => patch(item.id, { progress: fraction }),
        })
          .then((details) => {
            const done = { phase: "uploaded" as const, progress: 1, fileKey: details.file_key };
            patch(item.id, done);
            onUploadedRef.current?.(details, { ...item, ...done });
          })
          .catch((error: unknown) => {
            if (isAbortProblem(error)) {
              setItems((current) => current.filter((i) => i.id !== item.id));
            } else {
              patch(item.id, { phase: "error", error: describeProblem(error) });
            }
          })
          .finally(() => controllers.current.delete(item.id));
      });
    },
    [patch, purpose, ticketId],
  );

  /** Cancels a running upload, or forgets a finished or failed one. */
  const remove = useCallback((id: string) => {
    const controller = controllers.current.get(id);
    if (controller) controller.abort();
    setItems((current) => current.filter((item) => item.id !== id));
  }, []);

  const clear = useCallback(() => setItems([]), []);

  const statuses = useQueries({
    queries: items.map((item) => ({
      ...fileQueries.status(item.fileKey ?? ""),
      enabled: Boolean(item.fileKey),
    })),
  });

  const withStatus: UploadItem[] = items.map((item, index) => {
    const status = statuses[index]?.data;
    return {
      id: item.id,
      name: item.name,
      size: item.size,
      phase: item.phase,
      progress: item.progress,
      fileKey: item.fileKey,
      error: item.error,
      status: item.fileKey ? (status?.status ?? "pending") : undefined,
      failureReason: status?.failure_reason,
    };
  });

  const isTransferring = withStatus.some((item) => item.phase === "uploading");
  /** Keys of the files that may still be attached: uploaded and neither infected nor failed. */
  const usableKeys = withStatus
    .filter((item) => item.phase === "uploaded" && item.fileKey && item.status !== "infected" && item.status !== "failed")
    .map((item) => item.fileKey as string);
  const isProcessing = withStatus.some((item) => item.phase === "uploaded" && !isFinalFileState(item.status));

  return { items: withStatus, add, remove, clear, isTransferring, isProcessing, usableKeys };
}
