import * as z from "@/lib/zod";

import type { components } from "@/services/api/schema/tickets";

/** An approver's decision: a comment is optional to approve and required to decline. */
export const decisionSchema = z
  .object({
    decision: z.enum(["approve", "decline"]),
    comment: z.string().check(z.trim(), z.maxLength(2000, "At most 2000 characters.")),
  })
  .check(
    z.superRefine((values, ctx) => {
      if (values.decision === "decline" && !values.comment) {
        ctx.addIssue({ code: "custom", path: ["comment"], message: "Say why you decline." });
      }
    }),
  ) satisfies z.ZodMiniType<components["schemas"]["DecisionCreate"]>;

export type DecisionValues = z.infer<typeof decisionSchema>;
