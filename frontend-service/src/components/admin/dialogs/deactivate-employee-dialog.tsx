"use client";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { toast } from "@/components/ui/toast";
import { describeProblem } from "@/services/api/forms";
import { useDeactivateEmployee } from "@/services/api/queries/admin";
import type { Employee } from "@/services/api/types";

export function DeactivateEmployeeDialog({
  isOpen,
  onClose,
  employee,
}: {
  isOpen: boolean;
  onClose: () => void;
  employee: Employee;
}) {
  const deactivate = useDeactivateEmployee(employee.id);
  async function onConfirm() {
    try {
      await deactivate.mutateAsync();
      toast(`${employee.name ?? "The employee"} was deactivated.`, "success");
      onClose();
    } catch (error) {
      toast(describeProblem(error), "error");
    }
  }
  return (
    <Dialog isOpen={isOpen} onClose={onClose} title={`Deactivate ${employee.name ?? "this employee"}?`}>
      <div className="flex flex-col gap-3 text-sm">
        <p>
          They are signed out everywhere at once: every session they have ends now, and they can no longer sign in. Their tickets, comments and history stay as they
          are.
        </p>
        <p className="text-muted-foreground">You can make them active again later from this page.</p>
        <div className="mt-2 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="destructive" disabled={deactivate.isPending} onClick={() => void onConfirm()}>
            {deactivate.isPending ? "Deactivating…" : "Deactivate"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
