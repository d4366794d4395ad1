// Errors that belong to no single field, announced to screen readers (role=alert). Renders
// nothing when there is nothing to say.
export function FormAlert({ messages }: { messages: (string | null | undefined)[] }) {
  const shown = messages.filter((m): m is string => !!m);
  if (!shown.length) return null;
  return (
    <div className="form-alert" role="alert">
      {shown.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
    </div>
  );
}
