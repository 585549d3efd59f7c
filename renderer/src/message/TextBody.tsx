export function TextBody({ text }: { text: string }) {
  if (text === '') return <p className="body-notice">This message has no text part.</p>;
  return (
    <pre className="text-body" data-testid="text-body">
      {text}
    </pre>
  );
}
