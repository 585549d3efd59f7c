// A message whose summary takes the parse worker about a second on the build machine (16 MB of
// one HTML part, which mailparser reads whole; a summary reads only the start of the HTML's
// words, so its size is what takes the time): past a 250 ms parse budget with room to spare.

export function slowSummaryMessage(): Buffer {
  return Buffer.from(
    'Subject: slow one\r\nContent-Type: text/html\r\n\r\n' +
      '<div><p>word <b>x</b></p></div>\r\n'.repeat(500_000),
  );
}
