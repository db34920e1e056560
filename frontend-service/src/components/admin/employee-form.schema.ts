import * as z from "@/lib/zod";

import type { EmployeeCreate, EmployeeUpdate } from "@/services/api/types";

/** The server's rule for employee codes (EmployeeCreateSchema). */
export const EMPLOYEE_CODE_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

const emailFormat = z.email();

/** An optional e-mail: empty means "none" and is sent as null. */
const optionalEmail = z.pipe(
  z.string().check(
    z.trim(),
    z.maxLength(254, "At most 254 characters."),
    z.refine((value) => value === "" || emailFormat.safeParse(value).success, "Enter a valid e-mail address."),
  ),
  z.transform((value: string) => (value === "" ? null : value.toLowerCase())),
);

/** A department picked from a select: "" is "no department" (null). */
const optionalDepartment = z.pipe(
  z.string(),
  z.transform((value: string) => (value === "" ? null : value)),
);

const name = z.string().check(z.trim(), z.minLength(1, "Enter the employee's name."), z.maxLength(200, "At most 200 characters."));

export const employeeCreateSchema = z.object({
  employee_code: z.string().check(z.trim(), z.regex(EMPLOYEE_CODE_PATTERN, "Letters, digits, . _ - only (1-32).")),
  name,
  email: optionalEmail,
  department_id: optionalDepartment,
  password: z.string().check(z.minLength(1, "Enter an initial password."), z.maxLength(1024, "At most 1024 characters.")),
  is_active: z.boolean(),
}) satisfies z.ZodMiniType<EmployeeCreate>;

export type EmployeeCreateInput = z.input<typeof employeeCreateSchema>;
export type EmployeeCreateValues = z.output<typeof employeeCreateSchema>;

export const employeeUpdateSchema = z.object({
  name,
  email: optionalEmail,
  department_id: optionalDepartment,
  is_active: z.boolean(),
  /** Empty keeps the current password. */
  password: z.pipe(
    z.string().check(z.maxLength(1024, "At most 1024 characters.")),
    z.transform((value: string) => (value === "" ? undefined : value)),
  ),
}) satisfies z.ZodMiniType<EmployeeUpdate>;

export type EmployeeUpdateInput = z.input<typeof employeeUpdateSchema>;
export type EmployeeUpdateValues = z.output<typeof employeeUpdateSchema>;
