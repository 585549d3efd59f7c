/**
 * A paperclip drawn inline: the emoji depends on an emoji font, which many Linux desktops and
 * Debian's headless Chromium do not have (it renders as an empty box).
 */
export function AttachmentMarker({ count }: { count: number }) {
  const label = count === 1 ? '1 attachment' : `${count} attachments`;
  return (
    <svg
      className="attachment-marker"
      data-testid="attachment-marker"
      role="img"
      aria-label={label}
      viewBox="0 0 16 16"
      width="14"
      height="14"
    >
      <title>{label}</title>
      <path
        d="M10.5 4.5 5.4 9.6a1.3 1.3 0 0 0 1.9 1.9l5.3-5.3a2.6 2.6 0 0 0-3.7-3.7L3.6 7.8a3.9 3.9 0 0 0 5.5 5.5l4.4-4.4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.3"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
