"use client";

import { useEffect, useRef, useState, type KeyboardEvent } from "react";

import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { describeProblem } from "@/services/api/forms";
import { isAbortProblem, uploadFile } from "@/services/api/uploads";
import { newClientMessageId } from "@/services/realtime/chat-socket";

/** The server's limit on a message body (chat_messages CHECK constraint). */
export const MAX_BODY = 4000;

type Upload = { id: string; name: string; progress: number; fileKey?: string; error?: string; controller: AbortController };

/**
 * Writes a message: Enter sends, Shift+Enter starts a new line; files are uploaded as soon as
 * they are picked (purpose chat) and go with the next message. Sending never waits for the
 * connection: the message joins the outbox and goes out when the socket is live.
 */
export function ChatComposer({
  ticketId,
  disabled,
  onSend,
  onTyping,
}: {
  ticketId: string;
  disabled?: boolean;
  onSend: (body: string, attachments: string[]) => void;
  onTyping: () => void;
}) {
  const [text, setText] = useState("");
  const [uploads, setUploads] = useState<Upload[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const controllers = useRef(new Set<AbortController>());

  useEffect(() => {
    const running = controllers.current;
    return () => running.forEach((controller) => controller.abort());
  }, []);

  const uploading = uploads.some((u) => !u.fileKey && !u.error);
  const ready = uploads.filter((u) => u.fileKey);
  const tooLong = text.length > MAX_BODY;
  const canSend = !disabled && !uploading && !tooLong && (text.trim().length > 0 || ready.length > 0);

  function patch(id: string, change: Partial<Upload>) {
    setUploads((current) => current.map((u) => (u.id === id ? { ...u, ...change } : u)));
  }

  function pick(files: FileList | null) {
    for (const file of Array.from(files ?? [])) {
      const upload: Upload = { id: newClientMessageId(), name: file.name, progress: 0, controller: new AbortController() };
      controllers.current.add(upload.controller);
      setUploads((current) => [...current, upload]);
      uploadFile(file, { purpose: "chat", ticketId, signal: upload.controller.signal, onProgress: ({ fraction }) => patch(upload.id, { progress: fraction }) })
        .then((details) => patch(upload.id, { fileKey: details.file_key, progress: 1 }))
        .catch((error: unknown) => {
          if (isAbortProblem(error)) return;
          patch(upload.id, { error: describeProblem(error) });
        })
        .finally(() => controllers.current.delete(upload.controller));
    }
    if (fileInput.current) fileInput.current.value = "";
  }

  function remove(id: string) {
    setUploads((current) => {
      current.find((u) => u.id === id)?.controller.abort();
      return current.filter((u) => u.id !== id);
    });
  }

  function submit() {
    if (!canSend) return;
    const attachments = ready.map((u) => u.fileKey as string);
    // A message needs a body: a message of files alone is named after them.
    const body = text.trim() ? text : ready.map((u) => u.name).join(", ");
    onSend(body, attachments);
    setText("");
    setUploads((current) => current.filter((u) => !u.fileKey));
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form
      className="flex flex-col gap-2 border-t border-border pt-3"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Field
        label={<span className="sr-only">Message</span>}
        hint="Enter sends, Shift+Enter starts a new line."
        error={tooLong ? `At most ${MAX_BODY} characters (now ${text.length}).` : undefined}
      >
        <Textarea
          name="message"
          rows={2}
          className="min-h-16 resize-y"
          placeholder="Write a message…"
          value={text}
          disabled={disabled}
          onChange={(event) => {
            setText(event.target.value);
            if (event.target.value) onTyping();
          }}
          onKeyDown={onKeyDown}
        />
      </Field>
      {uploads.length ? (
        <ul aria-label="Files to send" className="flex flex-wrap gap-2">
          {uploads.map((u) => (
            <li key={u.id} className="flex items-center gap-2 rounded-md border border-border bg-muted px-2 py-1 text-xs">
              <span className="max-w-48 truncate" title={u.name}>
                {u.name}
              </span>
              {u.error ? (
                <span className="text-destructive">{u.error}</span>
              ) : u.fileKey ? (
                <span className="text-success">Ready</span>
              ) : (
                <progress aria-label={`Uploading ${u.name}`} max={1} value={u.progress} className="h-1.5 w-16" />
              )}
              <button type="button" className="text-muted-foreground hover:text-foreground" aria-label={`Remove ${u.name}`} onClick={() => remove(u.id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex items-center justify-between gap-2">
        <input ref={fileInput} type="file" multiple className="sr-only" tabIndex={-1} aria-hidden="true" onChange={(event) => pick(event.target.files)} />
        <Button type="button" variant="secondary" size="sm" disabled={disabled} onClick={() => fileInput.current?.click()}>
          Attach file
        </Button>
        <Button type="submit" size="sm" disabled={!canSend}>
          Send
        </Button>
      </div>
    </form>
  );
}
