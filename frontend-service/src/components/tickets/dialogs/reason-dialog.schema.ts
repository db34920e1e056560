import { z } from "zod";

import type { components } from "@/services/api/schema/tickets";

export const reasonSchema = z.object({
  reason: z.string().trim().min(1, "Give a reason.").max(2000, "At most 2000 characters."),
}) satisfies z.ZodType<Omit<components["schemas"]["Reason"], "version">>;

/** Resume takes an optional reason. */
export const optionalReasonSchema = z.object({
  reason: z.string().trim().max(2000, "At most 2000 characters."),
});

export type ReasonValues = z.infer<typeof reasonSchema>;
