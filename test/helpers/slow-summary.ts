// A message whose summary takes the parse worker about a second on the build machine when it is
// quiet (32 MB of one HTML part, which mailparser reads whole; a summary reads only the start of
// the HTML's words, so its size is what takes the time): past a 250 ms parse budget with room to
// spare. Half of it (0.5 s) once finished inside the budget's timer on a loaded CI machine: the
// worker's answer and the overdue timer were both waiting when the test's process got the core
// back, and the answer came first.

export function slowSummaryMessage(): Buffer {
  return Buffer.from(
    'Subject: slow one\r\nContent-Type: text/html\r\n\r\n' +
      '<div><p>word <b>x</b></p></div>\r\n'.repeat(1_000_000),
  );
}
