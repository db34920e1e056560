import * as z from "@/lib/zod";

import type { components } from "@/services/api/schema/tickets";

/** Progress never goes down unless a note says why (checked against the current percentage). */
export function progressSchema(current: number) {
  return z
    .object({
      percent: z.number().check(z.int(), z.minimum(0), z.maximum(100)),
      note: z.string().check(z.trim(), z.maxLength(2000, "At most 2000 characters.")),
    })
    .check(
      z.superRefine((values, ctx) => {
        if (values.percent < current && !values.note) {
          ctx.addIssue({ code: "custom", path: ["note"], message: `Explain why progress goes down from ${current}%.` });
        }
      }),
    ) satisfies z.ZodMiniType<Omit<components["schemas"]["Progress"], "version">>;
}

export type ProgressValues = z.infer<ReturnType<typeof progressSchema>>;
