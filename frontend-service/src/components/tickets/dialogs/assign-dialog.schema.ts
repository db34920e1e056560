import * as z from "@/lib/zod";

import type { components } from "@/services/api/schema/tickets";

export const assignSchema = z.object({
  assignee_id: z.string().check(z.minLength(1, "Choose an assignee.")),
}) satisfies z.ZodMiniType<Omit<components["schemas"]["Assign"], "version">>;

export type AssignValues = z.infer<typeof assignSchema>;
