import { NewTicketForm } from "./new-ticket-form";

/** New ticket: a department, what is needed, and any files that help explain it. */
export function NewTicketRoot() {
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold">New ticket</h1>
        <p className="mt-1 text-sm text-muted-foreground">Tell the department what you need. Files upload as soon as you add them.</p>
      </div>
      <NewTicketForm />
    </div>
  );
}
