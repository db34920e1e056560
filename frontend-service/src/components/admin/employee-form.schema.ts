import { z } from "zod";

import type { EmployeeCreate, EmployeeUpdate } from "@/services/api/types";

/** The server's rule for employee codes (EmployeeCreateSchema). */
export const EMPLOYEE_CODE_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

/** An optional e-mail: empty means "none" and is sent as null. */
const optionalEmail = z
  .string()
  .trim()
  .max(254, "At most 254 characters.")
  .refine((value) => value === "" || z.email().safeParse(value).success, "Enter a valid e-mail address.")
  .transform((value) => (value === "" ? null : value.toLowerCase()));

/** A department picked from a select: "" is "no department" (null). */
const optionalDepartment = z.string().transform((value) => (value === "" ? null : value));

const name = z.string().trim().min(1, "Enter the employee's name.").max(200, "At most 200 characters.");

export const employeeCreateSchema = z.object({
  employee_code: z.string().trim().regex(EMPLOYEE_CODE_PATTERN, "Letters, digits, . _ - only (1-32)."),
  name,
  email: optionalEmail,
  department_id: optionalDepartment,
  password: z.string().min(1, "Enter an initial password.").max(1024, "At most 1024 characters."),
  is_active: z.boolean(),
}) satisfies z.ZodType<EmployeeCreate>;

export type EmployeeCreateInput = z.input<typeof employeeCreateSchema>;
export type EmployeeCreateValues = z.output<typeof employeeCreateSchema>;

export const employeeUpdateSchema = z.object({
  name,
  email: optionalEmail,
  department_id: optionalDepartment,
  is_active: z.boolean(),
  /** Empty keeps the current password. */
  password: z
    .string()
    .max(1024, "At most 1024 characters.")
    .transform((value) => (value === "" ? undefined : value)),
}) satisfies z.ZodType<EmployeeUpdate>;

export type EmployeeUpdateInput = z.input<typeof employeeUpdateSchema>;
export type EmployeeUpdateValues = z.output<typeof employeeUpdateSchema>;
