import type { Metadata } from "next";
import { Suspense } from "react";

import { EmployeePageRoot } from "@/components/admin/employee-page-root";

export const metadata: Metadata = { title: "Employee" };

export default function EmployeePage() {
  return (
    <Suspense>
      <EmployeePageRoot />
    </Suspense>
  );
}
