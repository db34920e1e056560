import { z } from "zod";

import type { DecisionCreate } from "@/services/api/types";

export const decisionSchema = z
  .object({
    decision: z.enum(["approve", "decline"]),
    comment: z.string().trim().max(2000, "At most 2000 characters."),
  })
  .refine((value) => value.decision !== "decline" || value.comment.length > 0, {
    path: ["comment"],
    message: "Say why you decline.",
  }) satisfies z.ZodType<DecisionCreate>;

export type DecisionInput = z.input<typeof decisionSchema>;
export type DecisionValues = z.output<typeof decisionSchema>;
