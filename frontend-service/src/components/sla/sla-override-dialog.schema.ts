import * as z from "@/lib/zod";

import type { components } from "@/services/api/schema/tickets";

/** due_at is a datetime-local value here; it is sent as ISO 8601 UTC. */
export const slaOverrideSchema = z.object({
  due_at: z.string().check(z.minLength(1, "Choose the new due time.")),
  reason: z.string().check(z.trim(), z.minLength(1, "Say why the due time changes."), z.maxLength(2000)),
}) satisfies z.ZodMiniType<Omit<components["schemas"]["SlaOverride"], "version">>;

export type SlaOverrideValues = z.infer<typeof slaOverrideSchema>;
