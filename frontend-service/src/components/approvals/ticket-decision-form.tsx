"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { applyProblem } from "@/services/api/forms";
import { useDecideApproval } from "@/services/api/queries/approvals";
import type { Approval } from "@/services/api/types";

import { decisionSchema, type DecisionValues } from "./ticket-approvals.schema";

/** The approver's own decision form on a pending round: approve or decline, with a comment. */
export function DecisionForm({ approval, ticketId }: { approval: Approval; ticketId: string }) {
  const mutation = useDecideApproval(ticketId);
  const form = useForm<DecisionValues>({ resolver: zodResolver(decisionSchema), defaultValues: { decision: "approve", comment: "" } });
  const { errors } = form.formState;
  const headingId = useId();

  function onSubmit(values: DecisionValues) {
    mutation.mutate(
      { approvalId: approval.id ?? "", decision: values.decision, comment: values.comment.trim() },
      { onSuccess: () => form.reset(), onError: (error) => applyProblem(form, error) },
    );
  }

  function decide(decision: DecisionValues["decision"]) {
    form.setValue("decision", decision);
    void form.handleSubmit(onSubmit)();
  }

  return (
    <form
      aria-labelledby={headingId}
      noValidate
      className="mt-3 flex flex-col gap-3 rounded-md border border-primary/30 bg-accent p-3"
      onSubmit={(event) => {
        event.preventDefault();
        decide("approve");
      }}
    >
      <p id={headingId} className="text-sm font-medium">
        Your decision is needed
      </p>
      <FormError message={errors.root?.server?.message} />
      <Field label="Comment" error={errors.comment?.message} hint="Required to decline.">
        <Textarea {...form.register("comment")} />
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button disabled={mutation.isPending} onClick={() => decide("approve")}>
          Approve
        </Button>
        <Button variant="destructive" disabled={mutation.isPending} onClick={() => decide("decline")}>
          Decline
        </Button>
      </div>
    </form>
  );
}
