import { Badge } from "@/components/ui/badge";
import type { FileState } from "@/services/api/queries/files";

const LABELS: Record<FileState, string> = {
  pending: "Waiting for scan",
  scanning: "Scanning for viruses",
  processing: "Processing",
  ready: "Ready",
  infected: "Blocked: malware found",
  failed: "Could not be processed",
};

const TONES: Record<FileState, "neutral" | "primary" | "success" | "danger"> = {
  pending: "neutral",
  scanning: "primary",
  processing: "primary",
  ready: "success",
  infected: "danger",
  failed: "danger",
};

export function fileStateLabel(status: FileState): string {
  return LABELS[status];
}

/** A file's scan/processing status in words (never colour alone). */
export function FileStatusBadge({ status }: { status: FileState }) {
  return <Badge tone={TONES[status]}>{LABELS[status]}</Badge>;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(0)} KB`;
  if (size < 1024 * 1024 * 1024) return `${(size / (1024 * 1024)).toFixed(1)} MB`;
  return `${(size / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}
