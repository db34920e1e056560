import * as z from "@/lib/zod";

import type { DecisionCreate } from "@/services/api/types";

export const decisionSchema = z
  .object({
    decision: z.enum(["approve", "decline"]),
    comment: z.string().check(z.trim(), z.maxLength(2000, "At most 2000 characters.")),
  })
  .check(
    z.refine((value) => value.decision !== "decline" || value.comment.length > 0, {
      path: ["comment"],
      message: "Say why you decline.",
    }),
  ) satisfies z.ZodMiniType<DecisionCreate>;

export type DecisionInput = z.input<typeof decisionSchema>;
export type DecisionValues = z.output<typeof decisionSchema>;
