"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";

import { UploadList } from "@/components/attachments/upload-list";
import { useUploads } from "@/components/attachments/use-uploads";
import { ErrorState } from "@/components/shell/access-states";
import { Button, buttonVariants } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { applyProblem } from "@/services/api/forms";
import { isProblem } from "@/services/api/problem";
import { useDepartments } from "@/services/api/queries/employees";
import { useCreateTicket } from "@/services/api/queries/tickets";
import { PRIORITIES } from "@/services/api/types";

import { PRIORITY_LABELS } from "@/components/tickets/ticket-badges";
import { ticketHref } from "../list/ticket-row";
import { NEW_TICKET_DEFAULTS, newTicketSchema, type NewTicketValues } from "./new-ticket-form.schema";

const Dropzone = dynamic(() => import("@/components/attachments/dropzone").then((m) => m.Dropzone), {
  ssr: false,
  loading: () => <Skeleton className="h-28 w-full" />,
});

export function NewTicketForm() {
  const router = useRouter();
  const departments = useDepartments();
  const create = useCreateTicket();
  // One key per ticket being written: a retry after a lost answer replays the first create
  // instead of opening a second ticket. A new key once the server has refused this body.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const uploads = useUploads({ purpose: "ticket" });
  const form = useForm<NewTicketValues>({ resolver: zodResolver(newTicketSchema), defaultValues: NEW_TICKET_DEFAULTS });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: NewTicketValues) {
    try {
      const ticket = await create.mutateAsync({ body: { ...values, attachments: uploads.usableKeys }, idempotencyKey });
      toast(`Ticket ${ticket.number ?? ""} opened.`, "success");
      router.push(ticketHref(ticket.id));
    } catch (error) {
      if (isProblem(error) && error.status !== 0) setIdempotencyKey(crypto.randomUUID());
      applyProblem(form, error);
    }
  }

  if (departments.isError) return <ErrorState error={departments.error} onRetry={() => void departments.refetch()} what="departments" />;

  const sending = isSubmitting || create.isPending;
  // The server names either the list (`attachments`) or one entry (`attachments.2`).
  const attachmentErrors = errors.attachments;
  const attachmentError =
    attachmentErrors?.message ??
    (Array.isArray(attachmentErrors) ? attachmentErrors.map((entry) => entry?.message).filter(Boolean).join(" ") || undefined : undefined);
  return (
    <form className="flex flex-col gap-5" noValidate onSubmit={form.handleSubmit(onSubmit)}>
      <FormError message={errors.root?.server?.message} />
      <div className="grid gap-5 md:grid-cols-2">
        <Field label="Department" error={errors.department_id?.message} hint="Who should handle this ticket.">
          {departments.isPending ? (
            <Select disabled aria-busy="true">
              <option>Loading departments…</option>
            </Select>
          ) : (
            <Select {...form.register("department_id")}>
              <option value="">Choose a department</option>
              {departments.data.map((department) => (
                <option key={department.id} value={department.id}>
                  {department.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Priority" error={errors.priority?.message}>
          <Select {...form.register("priority")}>
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {PRIORITY_LABELS[priority]}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Field label="Title" error={errors.title?.message}>
        <Input maxLength={200} autoComplete="off" {...form.register("title")} />
      </Field>
      <Field label="Category" error={errors.category?.message} hint="Optional, for example Hardware, Access or Facilities.">
        <Input maxLength={64} autoComplete="off" {...form.register("category")} />
      </Field>
      <Field label="Description" error={errors.description?.message} hint="What happened, what you expected, and how it affects your work.">
        <Textarea rows={6} {...form.register("description")} />
      </Field>
      <div className="flex flex-col gap-2">
        <span className="text-sm font-medium">Attachments</span>
        <Dropzone
          onFiles={uploads.add}
          label="Attach files"
          hint="Drag and drop screenshots, photos or documents here, or choose them."
          describedBy={attachmentError ? "new-ticket-attachments-error" : undefined}
        />
        <UploadList items={uploads.items} onRemove={uploads.remove} label="Files to attach" />
        {attachmentError ? (
          <p id="new-ticket-attachments-error" role="alert" className="text-sm text-destructive">
            {attachmentError}
          </p>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={sending || uploads.isTransferring}>
          {sending ? "Opening ticket…" : "Open ticket"}
        </Button>
        <Link href="/tickets" className={buttonVariants({ variant: "ghost" })}>
          Cancel
        </Link>
        {uploads.isTransferring ? <p className="text-sm text-muted-foreground">Wait until every file has been uploaded.</p> : null}
      </div>
    </form>
  );
}
