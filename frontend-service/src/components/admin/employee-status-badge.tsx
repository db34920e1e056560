import { Badge } from "@/components/ui/badge";

export function EmployeeStatusBadge({ active }: { active: boolean | undefined }) {
  return active === false ? <Badge tone="neutral">Inactive</Badge> : <Badge tone="success">Active</Badge>;
}
