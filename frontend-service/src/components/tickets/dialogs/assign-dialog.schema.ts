import { z } from "zod";

import type { components } from "@/services/api/schema/tickets";

export const assignSchema = z.object({
  assignee_id: z.string().min(1, "Choose an assignee."),
}) satisfies z.ZodType<Omit<components["schemas"]["Assign"], "version">>;

export type AssignValues = z.infer<typeof assignSchema>;
