/** A message's tags, as small chips (Mailpit shows them the same way). */
export function TagChips({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return null;
  return (
    <span className="tag-chips" data-testid="tag-chips">
      {tags.map((tag) => (
        <span key={tag} className="tag-chip" data-testid="tag-chip">
          {tag}
        </span>
      ))}
    </span>
  );
}
