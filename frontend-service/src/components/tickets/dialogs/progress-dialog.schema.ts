import { z } from "zod";

import type { components } from "@/services/api/schema/tickets";

/** Progress never goes down unless a note says why (checked against the current percentage). */
export function progressSchema(current: number) {
  return z
    .object({
      percent: z.number().int().min(0).max(100),
      note: z.string().trim().max(2000, "At most 2000 characters."),
    })
    .superRefine((values, ctx) => {
      if (values.percent < current && !values.note) {
        ctx.addIssue({ code: "custom", path: ["note"], message: `Explain why progress goes down from ${current}%.` });
      }
    }) satisfies z.ZodType<Omit<components["schemas"]["Progress"], "version">>;
}

export type ProgressValues = z.infer<ReturnType<typeof progressSchema>>;
