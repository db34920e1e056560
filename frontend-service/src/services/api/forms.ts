/**
 * problem+json reaches a form in one place: each `errors` key that names a field of the form
 * goes beside that field, `_schema` and unknown keys go to the form's root error, and a problem
 * without field errors is a toast.
 */
import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

import { toast } from "@/components/ui/toast";

import { ApiProblem, isProblem } from "./problem";

export function applyProblem<T extends FieldValues>(
  form: Pick<UseFormReturn<T>, "setError" | "getValues">,
  error: unknown,
): void {
  if (!isProblem(error)) {
    toast("Something went wrong. Please try again.", "error");
    return;
  }
  const fields = Object.keys(form.getValues() ?? {});
  const rootMessages: string[] = [];
  let placed = 0;
  for (const [path, messages] of Object.entries(error.errors)) {
    const field = path.replace(/^(json|form|query|files)\./, "");
    const top = field.split(".")[0] ?? field;
    if (field !== "_schema" && fields.includes(top)) {
      form.setError(field as Path<T>, { type: "server", message: messages.join(" ") });
      placed += 1;
    } else {
      rootMessages.push(...messages);
    }
  }
  if (rootMessages.length) {
    form.setError("root.server" as Path<T>, { type: "server", message: rootMessages.join(" ") });
  } else if (!placed) {
    toast(describeProblem(error), "error");
  }
}

/** One sentence for a problem, for toasts and inline errors. */
export function describeProblem(error: unknown): string {
  if (!isProblem(error)) return "Something went wrong. Please try again.";
  if (error.status === 429 && error.retryAfter) {
    return `${error.detail} Try again in ${error.retryAfter} s.`;
  }
  return error.detail;
}

export { ApiProblem };
