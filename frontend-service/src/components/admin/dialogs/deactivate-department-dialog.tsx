"use client";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { toast } from "@/components/ui/toast";
import { describeProblem } from "@/services/api/forms";
import { useDeactivateDepartment } from "@/services/api/queries/admin";
import type { Department } from "@/services/api/types";

export function DeactivateDepartmentDialog({ department, onClose }: { department: Department | null; onClose: () => void }) {
  const deactivate = useDeactivateDepartment();
  async function onConfirm() {
    if (!department?.id) return;
    try {
      await deactivate.mutateAsync(department.id);
      toast(`${department.name ?? "The department"} was deactivated.`, "success");
      onClose();
    } catch (error) {
      toast(describeProblem(error), "error");
    }
  }
  return (
    <Dialog isOpen={department !== null} onClose={onClose} title={`Deactivate ${department?.name ?? "department"}?`}>
      <div className="flex flex-col gap-3 text-sm">
        <p>It can no longer be picked for new tickets or employees. Existing tickets, employees and grants keep referring to it.</p>
        <p className="text-muted-foreground">You can reactivate it later from this list (show inactive departments).</p>
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
