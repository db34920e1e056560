import { z } from "zod";

import type { components } from "@/services/api/schema/tickets";

export const requestApprovalSchema = z.object({
  approver_ids: z.array(z.string()).min(1, "Choose at least one approver.").max(20, "At most 20 approvers."),
  mode: z.enum(["all", "any"]),
  note: z.string().trim().max(2000, "At most 2000 characters."),
}) satisfies z.ZodType<Omit<components["schemas"]["RequestApproval"], "version">>;

export type RequestApprovalValues = z.infer<typeof requestApprovalSchema>;
