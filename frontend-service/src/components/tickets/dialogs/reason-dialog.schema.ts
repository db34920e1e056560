import * as z from "@/lib/zod";

import type { components } from "@/services/api/schema/tickets";

export const reasonSchema = z.object({
  reason: z.string().check(z.trim(), z.minLength(1, "Give a reason."), z.maxLength(2000, "At most 2000 characters.")),
}) satisfies z.ZodMiniType<Omit<components["schemas"]["Reason"], "version">>;

/** Resume takes an optional reason. */
export const optionalReasonSchema = z.object({
  reason: z.string().check(z.trim(), z.maxLength(2000, "At most 2000 characters.")),
});

export type ReasonValues = z.infer<typeof reasonSchema>;
