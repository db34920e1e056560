/** The button names of the life-cycle actions, in the order the actions bar shows them. */
import { humanize } from "./format";

export const ACTION_LABELS: Record<string, string> = {
  review: "Review",
  assign: "Assign",
  reassign: "Reassign",
  acknowledge: "Acknowledge",
  progress: "Update progress",
  request_approval: "Request approval",
  cancel_approval: "Cancel approval",
  resolve: "Resolve",
  postpone: "Postpone",
  resume: "Resume",
  reject: "Reject",
  close: "Close ticket",
  reopen: "Reopen",
  cancel: "Cancel ticket",
};

const ORDER = Object.keys(ACTION_LABELS);

export function actionButtonLabel(action: string): string {
  return ACTION_LABELS[action] ?? humanize(action);
}

/** allowed_actions in a stable order (known actions first), each once. */
export function orderActions(allowed: readonly string[] | null | undefined): string[] {
  const unique = Array.from(new Set(allowed ?? []));
  const rank = (action: string) => {
    const index = ORDER.indexOf(action);
    return index === -1 ? ORDER.length : index;
  };
  return unique.sort((a, b) => rank(a) - rank(b));
}
