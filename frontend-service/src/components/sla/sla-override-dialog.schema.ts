import { z } from "zod";

import type { components } from "@/services/api/schema/tickets";

/** due_at is a datetime-local value here; it is sent as ISO 8601 UTC. */
export const slaOverrideSchema = z.object({
  due_at: z.string().min(1, "Choose the new due time."),
  reason: z.string().trim().min(1, "Say why the due time changes.").max(2000),
}) satisfies z.ZodType<Omit<components["schemas"]["SlaOverride"], "version">>;

export type SlaOverrideValues = z.infer<typeof slaOverrideSchema>;
