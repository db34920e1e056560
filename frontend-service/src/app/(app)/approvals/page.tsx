import type { Metadata } from "next";
import { Suspense } from "react";

import { PendingApprovalsRoot } from "@/components/approvals/pending/pending-approvals-root";

export const metadata: Metadata = { title: "Approvals" };

export default function ApprovalsPage() {
  return (
    <Suspense>
      <PendingApprovalsRoot />
    </Suspense>
  );
}
