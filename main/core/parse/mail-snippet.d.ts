// The types of mail-snippet.js (plain JavaScript, run by the parse worker).

/** Mailpit's limit, in bytes of UTF-8, before "..." is added. */
export declare const snippetBytes: number;

/** Mailpit's snippet: from the HTML when there is any, else from the text (see the .js file). */
export declare function mailSnippet(text: string, html: string): string;

/** Mailpit's search words of an HTML body, link addresses included (see the .js file). */
export declare function htmlSearchWords(html: string, atLeast: number): string;
