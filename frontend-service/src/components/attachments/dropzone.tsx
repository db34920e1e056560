"use client";

import { useId, useRef, useState, type DragEvent } from "react";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";

export type DropzoneProps = {
  onFiles: (files: File[]) => void;
  /** The accessible name of the file picker. */
  label?: string;
  hint?: string;
  multiple?: boolean;
  disabled?: boolean;
  accept?: string;
  className?: string;
  /** Ids of an error or hint elsewhere that describe this control (from <Field>-like wiring). */
  describedBy?: string;
};

/**
 * Drop files here or pick them with the button. The hidden <input type=file> keeps the
 * accessible name, so keyboard and screen-reader users (and browser tests) use it directly.
 */
export function Dropzone({
  onFiles,
  label = "Attach files",
  hint = "Drag and drop files here, or choose them.",
  multiple = true,
  disabled = false,
  accept,
  className,
  describedBy,
}: DropzoneProps) {
  const inputId = useId();
  const hintId = `${inputId}-hint`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [isOver, setIsOver] = useState(false);

  function take(list: FileList | null) {
    if (!list || disabled) return;
    const files = Array.from(list);
    if (files.length) onFiles(multiple ? files : files.slice(0, 1));
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setIsOver(false);
    take(event.dataTransfer.files);
  }

  return (
    <div
      data-slot="dropzone"
      onDragOver={(event) => {
        event.preventDefault();
        if (!disabled) setIsOver(true);
      }}
      onDragLeave={() => setIsOver(false)}
      onDrop={onDrop}
      className={cn(
        "flex flex-col items-center gap-2 rounded-lg border-2 border-dashed border-border bg-muted/40 px-4 py-6 text-center text-sm transition-colors focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-ring",
        isOver && "border-primary bg-accent",
        disabled && "opacity-50",
        className,
      )}
    >
      <p id={hintId} className="text-muted-foreground">
        {hint}
      </p>
      <input
        ref={inputRef}
        id={inputId}
        type="file"
        className="sr-only"
        aria-label={label}
        aria-describedby={[hintId, describedBy].filter(Boolean).join(" ")}
        multiple={multiple}
        accept={accept}
        disabled={disabled}
        onChange={(event) => {
          take(event.target.files);
          // The same file may be picked again after a removal.
          event.target.value = "";
        }}
      />
      <Button variant="secondary" size="sm" disabled={disabled} aria-hidden="true" tabIndex={-1} onClick={() => inputRef.current?.click()}>
        Choose files
      </Button>
    </div>
  );
}
