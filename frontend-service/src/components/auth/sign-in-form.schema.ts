import { z } from "zod";

import type { components } from "@/services/api/schema/auth";

export const signInSchema = z.object({
  employee_code: z.string().trim().min(1, "Enter your employee code."),
  password: z.string().min(1, "Enter your password."),
}) satisfies z.ZodType<components["schemas"]["Login"]>;

export type SignInValues = z.infer<typeof signInSchema>;
