import * as z from "@/lib/zod";

import { PRIORITIES, type TicketCreate } from "@/services/api/types";

/** The new-ticket form; the same limits as the API's TicketCreate, checked against its type. */
export const newTicketSchema = z.object({
  department_id: z.string().check(z.minLength(1, "Choose the department that should handle this.")),
  title: z.string().check(z.trim(), z.minLength(1, "Give the ticket a short title."), z.maxLength(200, "Keep the title under 200 characters.")),
  priority: z.enum(PRIORITIES),
  category: z.string().check(z.trim(), z.maxLength(64, "Keep the category under 64 characters.")),
  description: z
    .string()
    .check(z.trim(), z.minLength(1, "Describe what you need."), z.maxLength(20000, "Keep the description under 20,000 characters.")),
  /** file_keys of the uploaded files; filled from the upload list when the form is sent. */
  attachments: z.array(z.string()).check(z.maxLength(20, "Attach at most 20 files.")),
}) satisfies z.ZodMiniType<TicketCreate>;

export type NewTicketValues = z.infer<typeof newTicketSchema>;

export const NEW_TICKET_DEFAULTS: NewTicketValues = {
  department_id: "",
  title: "",
  priority: "medium",
  category: "",
  description: "",
  attachments: [],
};
