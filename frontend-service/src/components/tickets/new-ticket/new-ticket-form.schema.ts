import { z } from "zod";

import { PRIORITIES, type TicketCreate } from "@/services/api/types";

/** The new-ticket form; the same limits as the API's TicketCreate, checked against its type. */
export const newTicketSchema = z.object({
  department_id: z.string().min(1, "Choose the department that should handle this."),
  title: z.string().trim().min(1, "Give the ticket a short title.").max(200, "Keep the title under 200 characters."),
  priority: z.enum(PRIORITIES),
  category: z.string().trim().max(64, "Keep the category under 64 characters."),
  description: z.string().trim().min(1, "Describe what you need.").max(20000, "Keep the description under 20,000 characters."),
  /** file_keys of the uploaded files; filled from the upload list when the form is sent. */
  attachments: z.array(z.string()).max(20, "Attach at most 20 files."),
}) satisfies z.ZodType<TicketCreate>;

export type NewTicketValues = z.infer<typeof newTicketSchema>;

export const NEW_TICKET_DEFAULTS: NewTicketValues = {
  department_id: "",
  title: "",
  priority: "medium",
  category: "",
  description: "",
  attachments: [],
};
