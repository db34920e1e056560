import { z } from "zod";

export const resolveSchema = z.object({
  resolution_note: z.string().trim().min(1, "Say how it was resolved.").max(4000, "At most 4000 characters."),
});

export type ResolveValues = z.infer<typeof resolveSchema>;
