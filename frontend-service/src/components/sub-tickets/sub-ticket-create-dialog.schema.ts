import * as z from "@/lib/zod";

import type { components } from "@/services/api/schema/tickets";

export const subTicketCreateSchema = z.object({
  title: z.string().check(z.trim(), z.minLength(1, "Give the sub-ticket a title."), z.maxLength(200, "At most 200 characters.")),
  description: z.string().check(z.trim(), z.maxLength(10000, "Too long.")),
  department_id: z.string().check(z.minLength(1, "Choose a department.")),
  assignee_id: z.string(),
}) satisfies z.ZodMiniType<Omit<components["schemas"]["SubTicketCreate"], "assignee_id"> & { assignee_id: string }>;

export type SubTicketCreateValues = z.infer<typeof subTicketCreateSchema>;
