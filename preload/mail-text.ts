// Text a message's sender chose (subject, display name, attachment name) where we show it: the
// list, the reading pane, notices. The explicit bidirectional formatting characters (embeddings,
// overrides, isolates) reorder what follows them: `Invoice \u202Egpj.exe` reads "Invoice
// exe.jpg", an executable passed off as a picture (the "RLO" spoof). Mail written right to left
// needs none of them, so they are shown as what they are. Shared by the core and the renderer.
// Pure.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/gu;

/** The text with each bidi control shown as `[U+202E]`, so it cannot reorder what is read. */
export function shownMailText(text: string): string {
  return text.replace(
    BIDI_CONTROLS,
    (char) => `[U+${char.charCodeAt(0).toString(16).toUpperCase()}]`,
  );
}

/** A name to save a part under: the bidi controls left out (a file manager would obey them). */
export function withoutBidiControls(name: string): string {
  return name.replace(BIDI_CONTROLS, '');
}
