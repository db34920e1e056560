import * as z from "@/lib/zod";

import type { components } from "@/services/api/schema/tickets";

export const requestApprovalSchema = z.object({
  approver_ids: z.array(z.string()).check(z.minLength(1, "Choose at least one approver."), z.maxLength(20, "At most 20 approvers.")),
  mode: z.enum(["all", "any"]),
  note: z.string().check(z.trim(), z.maxLength(2000, "At most 2000 characters.")),
}) satisfies z.ZodMiniType<Omit<components["schemas"]["RequestApproval"], "version">>;

export type RequestApprovalValues = z.infer<typeof requestApprovalSchema>;
