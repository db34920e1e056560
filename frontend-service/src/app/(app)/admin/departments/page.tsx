import type { Metadata } from "next";
import { Suspense } from "react";

import { DepartmentsRoot } from "@/components/admin/departments-root";

export const metadata: Metadata = { title: "Departments" };

export default function DepartmentsPage() {
  return (
    <Suspense>
      <DepartmentsRoot />
    </Suspense>
  );
}
