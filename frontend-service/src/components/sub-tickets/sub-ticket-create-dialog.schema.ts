import { z } from "zod";

import type { components } from "@/services/api/schema/tickets";

export const subTicketCreateSchema = z.object({
  title: z.string().trim().min(1, "Give the sub-ticket a title.").max(200, "At most 200 characters."),
  description: z.string().trim().max(10000, "Too long."),
  department_id: z.string().min(1, "Choose a department."),
  assignee_id: z.string(),
}) satisfies z.ZodType<Omit<components["schemas"]["SubTicketCreate"], "assignee_id"> & { assignee_id: string }>;

export type SubTicketCreateValues = z.infer<typeof subTicketCreateSchema>;
