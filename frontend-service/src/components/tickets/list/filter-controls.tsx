"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";

import { Input } from "@/components/ui/input";
import { cn } from "@/lib/cn";

import { useDebouncedValue } from "./use-debounced-value";

/** A search box that commits its text (to the URL) once typing pauses. */
export function SearchInput({
  value,
  onCommit,
  label = "Search",
  placeholder = "Search title and description",
  className,
}: {
  value: string;
  onCommit: (value: string) => void;
  label?: string;
  placeholder?: string;
  className?: string;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  const debounced = useDebouncedValue(text, 350);
  const commit = useRef(onCommit);
  useEffect(() => {
    commit.current = onCommit;
  }, [onCommit]);
  // The URL changed from elsewhere (clear filters, back button): show it.
  useEffect(() => {
    setText(value);
  }, [value]);
  useEffect(() => {
    if (debounced.trim() !== value) commit.current(debounced.trim());
    // Only a pause in typing commits; `value` catching up must not re-commit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <Input id={id} type="search" value={text} placeholder={placeholder} onChange={(event) => setText(event.target.value)} />
    </div>
  );
}

/** Several values out of a fixed list, as checkboxes in a disclosure ("Status: 2 selected"). */
export function MultiCheck<T extends string>({
  legend,
  options,
  value,
  onChange,
  labelOf,
  className,
}: {
  legend: string;
  options: readonly T[];
  value: readonly T[];
  onChange: (value: T[]) => void;
  labelOf: (option: T) => string;
  className?: string;
}) {
  const details = useRef<HTMLDetailsElement>(null);
  // A disclosure that behaves like a menu: a click elsewhere or Escape closes it.
  useEffect(() => {
    function onPointerDown(event: PointerEvent) {
      const element = details.current;
      if (element?.open && !element.contains(event.target as Node)) element.open = false;
    }
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, []);
  function onKeyDown(event: KeyboardEvent<HTMLDetailsElement>) {
    const element = details.current;
    if (event.key === "Escape" && element?.open) {
      element.open = false;
      element.querySelector("summary")?.focus();
    }
  }
  const summary = value.length === 0 ? "Any" : value.length === 1 ? labelOf(value[0] as T) : `${value.length} selected`;
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <span className="text-sm font-medium" aria-hidden="true">
        {legend}
      </span>
      <details ref={details} className="group relative" onKeyDown={onKeyDown}>
        <summary className="flex h-10 cursor-pointer list-none items-center justify-between gap-2 rounded-md border border-border bg-surface px-3 text-sm">
          <span>
            <span className="sr-only">{legend}: </span>
            {summary}
          </span>
          <span aria-hidden="true" className="text-muted-foreground group-open:rotate-180">
            ▾
          </span>
        </summary>
        <fieldset className="absolute z-20 mt-1 flex max-h-72 w-full min-w-48 flex-col gap-1 overflow-y-auto rounded-md border border-border bg-surface p-2 shadow-md">
          <legend className="sr-only">{legend}</legend>
          {options.map((option) => (
            <label key={option} className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-muted">
              <input
                type="checkbox"
                checked={value.includes(option)}
                onChange={(event) =>
                  onChange(event.target.checked ? options.filter((o) => o === option || value.includes(o)) : value.filter((v) => v !== option))
                }
              />
              {labelOf(option)}
            </label>
          ))}
          {value.length ? (
            <button type="button" className="mt-1 self-start px-2 text-xs text-primary underline" onClick={() => onChange([])}>
              Clear {legend.toLowerCase()}
            </button>
          ) : null}
        </fieldset>
      </details>
    </div>
  );
}
