import type { Metadata } from "next";
import { Suspense } from "react";

import { EmployeesRoot } from "@/components/admin/employees-root";

export const metadata: Metadata = { title: "Employees" };

export default function EmployeesPage() {
  return (
    <Suspense>
      <EmployeesRoot />
    </Suspense>
  );
}
