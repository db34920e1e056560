import * as z from "@/lib/zod";

import type { components } from "@/services/api/schema/auth";

export const signInSchema = z.object({
  employee_code: z.string().check(z.trim(), z.minLength(1, "Enter your employee code.")),
  password: z.string().check(z.minLength(1, "Enter your password.")),
}) satisfies z.ZodMiniType<components["schemas"]["Login"]>;

export type SignInValues = z.infer<typeof signInSchema>;
