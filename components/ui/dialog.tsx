"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button } from "./button";
import { cx } from "./class-names";
import { CloseIcon } from "./icons";

type DialogProps = {
  open: boolean;
  /** Called for Esc, the close button and a click on the backdrop. */
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Action buttons, right-aligned under the content. */
  footer?: ReactNode;
  className?: string;
};

/**
 * A modal on the native `<dialog>`: `showModal()` makes the rest of the page inert (focus
 * stays inside), Esc fires `cancel`, and focus returns to the opener on close. Mark the
 * element that should take focus first with `data-autofocus`.
 */
export function Dialog({ open, onClose, title, description, children, footer, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const pressedBackdrop = useRef(false);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // showModal() focuses the first focusable element (the close button); let content pick.
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      // Esc: keep React's `open` the source of truth instead of letting the browser close it.
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      // Closed natively, e.g. by a `<form method="dialog">` inside: tell the owner.
      onClose={() => {
        if (open) onClose();
      }}
      // A press whose target is the <dialog> itself is on the backdrop (the panel fills the
      // box); both ends must be there, so a text selection dragged outside does not close it.
      onPointerDown={(event) => {
        pressedBackdrop.current = event.target === event.currentTarget;
      }}
      onClick={(event) => {
        if (pressedBackdrop.current && event.target === event.currentTarget) onClose();
        pressedBackdrop.current = false;
      }}
      className={cx(
        "m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl border border-border bg-surface p-0 text-fg shadow-2xl",
        "backdrop:bg-black/40 backdrop:backdrop-blur-[2px]",
        className,
      )}
    >
      {open ? (
        <div className="flex max-h-[85vh] flex-col">
          <header className="flex items-start justify-between gap-4 px-5 pt-4 pb-3">
            <div className="min-w-0 space-y-1">
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="text-sm text-muted">
                  {description}
                </p>
              ) : null}
            </div>
            <Button variant="ghost" size="icon-sm" onClick={onClose} aria-label="Close" className="-mt-1 -mr-2">
              <CloseIcon className="size-4" />
            </Button>
          </header>
          {children ? <div className="overflow-y-auto px-5 pb-4 text-sm">{children}</div> : null}
          {footer ? (
            <footer className="flex justify-end gap-2 border-t border-border bg-surface-muted px-5 py-3">
              {footer}
            </footer>
          ) : null}
        </div>
      ) : null}
    </dialog>
  );
}
