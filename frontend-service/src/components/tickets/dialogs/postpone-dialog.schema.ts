import * as z from "@/lib/zod";

import type { components } from "@/services/api/schema/tickets";

/** resume_at is a datetime-local value here (local time); it must lie in the future. */
export const postponeSchema = z.object({
  reason: z.string().check(z.trim(), z.minLength(1, "Give a reason."), z.maxLength(2000, "At most 2000 characters.")),
  resume_at: z.string().check(
    z.minLength(1, "Choose when work resumes."),
    z.refine((value) => {
      const time = new Date(value).getTime();
      return !Number.isNaN(time) && time > Date.now();
    }, "Must be in the future."),
  ),
}) satisfies z.ZodMiniType<Omit<components["schemas"]["Postpone"], "version">>;

export type PostponeValues = z.infer<typeof postponeSchema>;
