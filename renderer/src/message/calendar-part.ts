// Which parts are calendar files, apart from their reading (calendar-event.ts), so the message
// view tells them without loading the iCalendar parser.

/** Whether a part is a calendar file: by its type (text/calendar, application/ics) or name. */
export function isCalendarPart(part: { ContentType: string; FileName: string }): boolean {
  return (
    /^(text\/calendar|application\/ics)\b/i.test(part.ContentType) || /\.ics$/i.test(part.FileName)
  );
}
