// A calendar part's event, as Mailpit's iCalendar summary: opened from the part's "Show the
// event" in the attachments. The parser (ical.js) is loaded only then, in its own chunk.
import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import type { MessagePart } from '../api/contract';
import { serverWords } from '../api/http-transport';
import { Dialog } from '../layout/Dialog';
import type { CalendarPerson, CalendarSummary } from './calendar-event';

/** iTIP's METHOD in words: what the sender asks of the recipient. */
const methods: Record<string, string> = {
  REQUEST: 'an invitation (REQUEST): the recipient is asked to answer',
  REPLY: 'an answer to an invitation (REPLY)',
  CANCEL: 'a cancellation (CANCEL)',
  PUBLISH: 'published for information (PUBLISH): no answer is asked',
  COUNTER: 'a counter-proposal (COUNTER)',
  REFRESH: 'a request for the latest version (REFRESH)',
  ADD: 'more instances of a recurring event (ADD)',
  DECLINECOUNTER: 'a counter-proposal declined (DECLINECOUNTER)',
};

function who(person: CalendarPerson): string {
  return person.name ? `${person.name} <${person.address}>` : person.address;
}

export function CalendarDialog({
  messageId,
  part,
  name,
  onClose,
}: {
  messageId: string;
  part: MessagePart;
  name: string;
  onClose(): void;
}) {
  const api = useApi();
  const [calendar, setCalendar] = useState<CalendarSummary | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    Promise.all([api.getPart(messageId, part.PartID), import('./calendar-event')])
      .then(([content, { summariseCalendar }]) => {
        if (!current) return;
        try {
          setCalendar(summariseCalendar(new TextDecoder().decode(content.Data)));
        } catch (err) {
          setError(`${name} could not be read: ${(err as Error).message}`);
        }
      })
      .catch((failure: Error) => {
        if (current) setError(`${name} could not be fetched: ${serverWords(failure)}`);
      });
    return () => {
      current = false;
    };
  }, [api, messageId, part.PartID, name]);

  return (
    <Dialog
      title={`Calendar event: ${name}`}
      onClose={onClose}
      className="calendar-dialog"
      testId="calendar-dialog"
    >
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!error && !calendar && <p className="field-hint">Reading the calendar…</p>}
      {calendar && (
        <>
          {calendar.method && (
            <p data-testid="calendar-method">
              This is {methods[calendar.method] ?? `an iTIP ${calendar.method}`}.
            </p>
          )}
          {calendar.events.map((event, index) => (
            <table key={index} className="calendar-event" data-testid="calendar-event">
              <tbody>
                {event.replaces && (
                  <tr>
                    <th scope="row">Changes</th>
                    <td>the occurrence of {event.replaces} only</td>
                  </tr>
                )}
                <tr>
                  <th scope="row">Summary</th>
                  <td>{event.summary || '(none)'}</td>
                </tr>
                <tr>
                  <th scope="row">When</th>
                  <td>
                    {event.start}
                    {event.end && event.end !== event.start && ` – ${event.end}`}
                    {event.allDay ? ' (all day)' : event.timezone && ` (${event.timezone})`}
                    {event.localStart && (
                      <span className="calendar-local">Your time: {event.localStart}</span>
                    )}
                    {event.timezone === 'floating' && (
                      <span className="calendar-local">
                        No time zone: each calendar shows it at this hour in its own zone.
                      </span>
                    )}
                  </td>
                </tr>
                {event.recurrence && (
                  <tr>
                    <th scope="row">Repeats</th>
                    <td>
                      {event.repeats}
                      <span className="calendar-local">
                        <code>{event.recurrence}</code>
                      </span>
                    </td>
                  </tr>
                )}
                {event.status && (
                  <tr>
                    <th scope="row">Status</th>
                    <td>{event.status}</td>
                  </tr>
                )}
                {event.location && (
                  <tr>
                    <th scope="row">Location</th>
                    <td>{event.location}</td>
                  </tr>
                )}
                {event.url && (
                  <tr>
                    <th scope="row">URL</th>
                    <td>
                      <code>{event.url}</code>
                    </td>
                  </tr>
                )}
                {event.description && (
                  <tr>
                    <th scope="row">Description</th>
                    <td className="calendar-description">{event.description}</td>
                  </tr>
                )}
                {event.organizer && (
                  <tr>
                    <th scope="row">Organizer</th>
                    <td>{who(event.organizer)}</td>
                  </tr>
                )}
                {event.attendees.length > 0 && (
                  <tr>
                    <th scope="row">Attendees</th>
                    <td>
                      <ul className="calendar-attendees">
                        {event.attendees.map((attendee) => (
                          <li key={attendee.address}>
                            {who(attendee)}
                            {(attendee.status || attendee.role) && (
                              <span className="calendar-local">
                                {[attendee.role, attendee.status].filter(Boolean).join(', ')}
                              </span>
                            )}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          ))}
        </>
      )}
    </Dialog>
  );
}
