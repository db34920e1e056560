import { Button } from "@/components/ui/button";

/** Shown after a 409/412: the page already holds the ticket as it is now. */
export function ConflictNotice({ onDismiss }: { onDismiss: () => void }) {
  return (
    <div role="alert" className="flex flex-col gap-2 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm sm:flex-row sm:items-center sm:justify-between">
      <p>
        <span className="font-medium">This ticket was changed by someone else.</span> The latest version is shown now; check it and try again.
      </p>
      <Button size="sm" variant="secondary" onClick={onDismiss}>
        Dismiss
      </Button>
    </div>
  );
}
