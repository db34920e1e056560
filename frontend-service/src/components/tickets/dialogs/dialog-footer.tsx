import { Button } from "@/components/ui/button";

/** Cancel and submit, the submit disabled while the request runs. */
export function DialogFooter({
  submitLabel,
  pendingLabel = "Saving…",
  isPending,
  onCancel,
  destructive = false,
}: {
  submitLabel: string;
  pendingLabel?: string;
  isPending: boolean;
  onCancel: () => void;
  destructive?: boolean;
}) {
  return (
    <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
      <Button variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" variant={destructive ? "destructive" : "primary"} disabled={isPending}>
        {isPending ? pendingLabel : submitLabel}
      </Button>
    </div>
  );
}
