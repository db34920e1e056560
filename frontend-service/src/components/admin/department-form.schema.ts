import * as z from "@/lib/zod";

import type { DepartmentCreate, DepartmentUpdate } from "@/services/api/types";

const name = z.string().check(z.trim(), z.minLength(1, "Enter the department's name."), z.maxLength(120, "At most 120 characters."));
const description = z.string().check(z.trim(), z.maxLength(2000, "At most 2000 characters."));

export const departmentCreateSchema = z.object({
  name,
  code: z.string().check(z.trim(), z.toUpperCase(), z.regex(/^[A-Z0-9_-]{1,20}$/, "Upper-case letters, digits, _ - (1-20).")),
  description,
}) satisfies z.ZodMiniType<DepartmentCreate>;

export type DepartmentCreateInput = z.input<typeof departmentCreateSchema>;
export type DepartmentCreateValues = z.output<typeof departmentCreateSchema>;

/** The code is fixed once a department exists (the API does not change it). */
export const departmentUpdateSchema = z.object({ name, description }) satisfies z.ZodMiniType<DepartmentUpdate>;

export type DepartmentUpdateInput = z.input<typeof departmentUpdateSchema>;
export type DepartmentUpdateValues = z.output<typeof departmentUpdateSchema>;
