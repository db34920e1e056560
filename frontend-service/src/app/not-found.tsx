import { NotFoundState } from "@/components/shell/access-states";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl p-6">
      <NotFoundState />
    </main>
  );
}
