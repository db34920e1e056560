import * as z from "@/lib/zod";

export const resolveSchema = z.object({
  resolution_note: z.string().check(z.trim(), z.minLength(1, "Say how it was resolved."), z.maxLength(4000, "At most 4000 characters.")),
});

export type ResolveValues = z.infer<typeof resolveSchema>;
