"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm } from "react-hook-form";

import { PersonName } from "@/components/people/person-name";
import { ErrorState } from "@/components/shell/access-states";
import { formatDateTime } from "@/components/tickets/ticket-page/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { applyProblem } from "@/services/api/forms";
import { useDecideApproval, useTicketApprovals } from "@/services/api/queries/approvals";
import { useSession } from "@/services/api/session";
import type { Approval } from "@/services/api/types";

import { decisionSchema, type DecisionValues } from "./ticket-approvals.schema";

const ROUND_STATUS: Record<string, { label: string; tone: "neutral" | "warning" | "success" | "danger" }> = {
  pending: { label: "Pending", tone: "warning" },
  approved: { label: "Approved", tone: "success" },
  declined: { label: "Declined", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

const MODE_LABEL: Record<string, string> = { all: "All must approve", any: "Any one approves" };

/** The approver's own decision form on a pending round: approve or decline, with a comment. */
function DecisionForm({ approval, ticketId }: { approval: Approval; ticketId: string }) {
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

function Round({ approval, ticketId, index }: { approval: Approval; ticketId: string; index: number }) {
  const { user } = useSession();
  const status = ROUND_STATUS[approval.status ?? ""] ?? { label: approval.status ?? "—", tone: "neutral" as const };
  const decisions = approval.decisions ?? [];
  const decidedBy = new Set(decisions.map((d) => d.approver_id));
  const awaitingMe =
    approval.status === "pending" && Boolean(user?.id) && (approval.approver_ids ?? []).includes(user?.id ?? "") && !decidedBy.has(user?.id ?? "");
  return (
    <li className="rounded-md border border-border p-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm font-medium">
          Round {index + 1} · {MODE_LABEL[approval.mode ?? ""] ?? approval.mode}
        </p>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      <p className="mt-1 text-xs text-muted-foreground">
        Requested by <PersonName id={approval.requested_by} /> · {formatDateTime(approval.created_at)}
        {approval.decided_at ? ` · ended ${formatDateTime(approval.decided_at)}` : ""}
      </p>
      {approval.note ? <p className="mt-2 text-sm whitespace-pre-line">{approval.note}</p> : null}
      <ul className="mt-2 flex flex-col gap-1 text-sm" aria-label={`Approvers of round ${index + 1}`}>
        {(approval.approver_ids ?? []).map((approverId) => {
          const decision = decisions.find((d) => d.approver_id === approverId);
          return (
            <li key={approverId} className="flex flex-wrap items-baseline gap-x-2">
              <PersonName id={approverId} />
              <span className="text-muted-foreground">—</span>
              {decision ? (
                <span>
                  <span className={decision.decision === "approve" ? "text-success" : "text-destructive"}>
                    {decision.decision === "approve" ? "Approved" : "Declined"}
                  </span>{" "}
                  <span className="text-xs text-muted-foreground">{formatDateTime(decision.created_at)}</span>
                  {decision.comment ? <span className="block text-muted-foreground">“{decision.comment}”</span> : null}
                </span>
              ) : (
                <span className="text-muted-foreground">{approval.status === "pending" ? "Waiting" : "No decision"}</span>
              )}
            </li>
          );
        })}
      </ul>
      {awaitingMe ? <DecisionForm approval={approval} ticketId={ticketId} /> : null}
    </li>
  );
}

/** The ticket's approval rounds; hidden while there has never been one. */
export function TicketApprovals({ ticketId }: { ticketId: string }) {
  const approvals = useTicketApprovals(ticketId);
  if (approvals.isSuccess && !approvals.data.length) return null;
  return (
    <section aria-labelledby="approvals-heading" className="rounded-lg border border-border bg-surface p-4">
      <h2 id="approvals-heading" className="text-base font-semibold">
        Approvals
      </h2>
      <div className="mt-3">
        {approvals.isPending ? (
          <Skeleton className="h-16 w-full" />
        ) : approvals.isError ? (
          <ErrorState error={approvals.error} what="approvals" onRetry={() => void approvals.refetch()} />
        ) : (
          <ol className="flex flex-col gap-2">
            {approvals.data.map((approval, index) => (
              <Round key={approval.id} approval={approval} ticketId={ticketId} index={index} />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
