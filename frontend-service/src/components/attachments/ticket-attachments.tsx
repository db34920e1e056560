"use client";

import dynamic from "next/dynamic";
import { useId } from "react";

import { ErrorState } from "@/components/shell/access-states";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { describeProblem } from "@/services/api/forms";
import { useAttachFile, useTicketAttachments } from "@/services/api/queries/tickets";

import { AttachmentPreview } from "./attachment-preview";
import { UploadList } from "./upload-list";
import { useUploads } from "./use-uploads";

const Dropzone = dynamic(() => import("./dropzone").then((m) => m.Dropzone), {
  ssr: false,
  loading: () => <Skeleton className="h-28 w-full" />,
});

/**
 * A ticket's attachments with their previews and, when the reader may attach, a drop zone:
 * each file is uploaded for this ticket and then attached to it by its file_key.
 */
export function TicketAttachments({ ticketId, canAttach }: { ticketId: string; canAttach: boolean }) {
  const headingId = useId();
  const list = useTicketAttachments(ticketId);
  const attach = useAttachFile(ticketId);
  const uploads = useUploads({
    purpose: "ticket",
    ticketId,
    onUploaded: (details, item) => {
      if (!details.file_key) return;
      attach.mutate(details.file_key, {
        // Once attached, the file shows in the list above with its live status.
        onSuccess: () => uploads.remove(item.id),
        onError: (error) => toast(`${item.name}: ${describeProblem(error)}`, "error"),
      });
    },
  });

  const items = list.data ?? [];
  return (
    <section aria-labelledby={headingId} className="flex flex-col gap-3">
      <h2 id={headingId} className="text-lg font-semibold">
        Attachments {list.data ? <span className="text-sm font-normal text-muted-foreground">({items.length})</span> : null}
      </h2>
      {list.isPending ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <Skeleton className="h-40" />
          <Skeleton className="h-40" />
        </div>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} what="attachments" />
      ) : items.length === 0 ? (
        <p className="text-sm text-muted-foreground">
          {canAttach ? "No files yet. Drop a screenshot, photo or document below to attach it." : "No files are attached to this ticket."}
        </p>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2" aria-label="Attached files">
          {items.map((attachment) =>
            attachment.file_key ? (
              <li key={attachment.file_key}>
                <AttachmentPreview
                  fileKey={attachment.file_key}
                  name={attachment.name}
                  contentType={attachment.content_type}
                  size={attachment.size}
                />
              </li>
            ) : null,
          )}
        </ul>
      )}
      {canAttach ? (
        <div className="flex flex-col gap-2">
          <Dropzone onFiles={uploads.add} label="Attach files to this ticket" />
          <UploadList items={uploads.items} onRemove={uploads.remove} label="Files being attached" />
        </div>
      ) : null}
    </section>
  );
}
