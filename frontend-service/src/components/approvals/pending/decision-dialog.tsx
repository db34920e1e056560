"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { applyProblem } from "@/services/api/forms";
import { isProblem } from "@/services/api/problem";
import { useDecidePendingApproval, type PendingApproval } from "@/services/api/queries/pending-approvals";

import { decisionSchema, type DecisionInput, type DecisionValues } from "./decision-form.schema";

export type DecisionChoice = { approval: PendingApproval; decision: "approve" | "decline" };

function ticketLabel(approval: PendingApproval): string {
  return [approval.ticket.number, approval.ticket.title].filter(Boolean).join(" · ") || "this ticket";
}

/** Approve or decline one round, with a comment (required to decline). */
export function DecisionDialog({ choice, onClose }: { choice: DecisionChoice | null; onClose: () => void }) {
  const approve = choice?.decision === "approve";
  return (
    <Dialog
      isOpen={choice !== null}
      onClose={onClose}
      title={approve ? "Approve the request" : "Decline the request"}
      description={choice ? ticketLabel(choice.approval) : undefined}
    >
      {choice ? <DecisionForm choice={choice} onDone={onClose} /> : null}
    </Dialog>
  );
}

export function DecisionForm({ choice, onDone }: { choice: DecisionChoice; onDone: () => void }) {
  const decide = useDecidePendingApproval();
  const form = useForm<DecisionInput, unknown, DecisionValues>({
    resolver: zodResolver(decisionSchema),
    defaultValues: { decision: choice.decision, comment: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const approve = choice.decision === "approve";

  async function onSubmit(values: DecisionValues) {
    try {
      await decide.mutateAsync({ approval: choice.approval, ...values });
      toast(approve ? "Approved." : "Declined.", "success");
      onDone();
    } catch (error) {
      if (isProblem(error) && error.isConflict) {
        // Someone else completed or cancelled the round meanwhile: it has left the list.
        toast("This request was changed by someone else and no longer waits for you.", "info");
        onDone();
        return;
      }
      applyProblem(form, error);
    }
  }

  return (
    <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
      <FormError message={errors.root?.server?.message} />
      <Field
        label={approve ? "Comment (optional)" : "Why do you decline?"}
        hint={approve ? "The assignee and the requester see it in the ticket's history." : "Required: the assignee needs to know what to change."}
        error={errors.comment?.message}
      >
        <Textarea autoFocus maxLength={2000} {...form.register("comment")} />
      </Field>
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant={approve ? "primary" : "destructive"} disabled={isSubmitting}>
          {isSubmitting ? "Sending…" : approve ? "Approve" : "Decline"}
        </Button>
      </div>
    </form>
  );
}
